/// A GPU request, written `TYPE` or `TYPE:COUNT` as Modal's SDKs accept it (`"A10G"`, `"H100:2"`), sent as
/// `Resources.gpu_config = 4: GPUConfig{count = 2, gpu_type = 4}` (docs/provider-apis.md §5.3).
package struct ModalGPU: Sendable, Equatable {
    package var type: String
    package var count: Int

    package init(type: String, count: Int = 1) {
        self.type = type
        self.count = count
    }

    /// Parses `TYPE[:COUNT]`; nil for text that is not of that form (the caller names the field).
    package init?(parsing text: String) {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 1 || parts.count == 2 else { return nil }
        let type = parts[0].trimmingCharacters(in: .whitespaces).uppercased()
        guard !type.isEmpty, type.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") })
        else { return nil }
        var count = 1
        if parts.count == 2 {
            guard let parsed = Int(parts[1].trimmingCharacters(in: .whitespaces)), parsed >= 1, parsed <= 64 else {
                return nil
            }
            count = parsed
        }
        self.init(type: type, count: count)
    }
}
