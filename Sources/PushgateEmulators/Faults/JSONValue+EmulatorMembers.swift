import PushgateCore

extension JSONValue {
    /// The value at `keys`, or nil when a step is missing or not an object.
    func member(at keys: String...) -> JSONValue? {
        var current: JSONValue? = self
        for key in keys { current = current?[key] }
        return current
    }
}
