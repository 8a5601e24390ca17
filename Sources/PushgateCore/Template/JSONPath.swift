/// A location inside a JSON document, printed as `$.a.b[0]["odd key"]` in problem reports.
package struct JSONPath: Sendable, Hashable, CustomStringConvertible {
    package enum Component: Sendable, Hashable {
        case key(String)
        case index(Int)
    }
    package var components: [Component]

    package init(_ components: [Component] = []) { self.components = components }
    package static let root = JSONPath()

    package func appending(_ key: String) -> JSONPath { JSONPath(components + [.key(key)]) }
    package func appending(index: Int) -> JSONPath { JSONPath(components + [.index(index)]) }
    package static func / (lhs: JSONPath, rhs: String) -> JSONPath { lhs.appending(rhs) }

    package var description: String {
        var out = "$"
        for component in components {
            switch component {
            case .index(let i): out += "[\(i)]"
            case .key(let k):
                if !k.isEmpty, k.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == "-") }),
                    !(k.first!.isNumber)
                {
                    out += "." + k
                } else {
                    out += "[" + JSONValue.string(k).serialized() + "]"
                }
            }
        }
        return out
    }
}
