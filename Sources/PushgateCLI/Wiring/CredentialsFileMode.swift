import Foundation

/// The permission check `serve` makes on its credentials file.
enum CredentialsFileMode {
    /// The file's permission bits when group or others may read or write it; nil when only the owner may
    /// (or the file cannot be examined, which loading it reports).
    static func openToOthers(_ path: String) -> Int? {
        guard let permissions = (try? FileManager.default.attributesOfItem(atPath: path))?[.posixPermissions] as? Int else { return nil }
        return permissions & 0o077 != 0 ? permissions & 0o777 : nil
    }
}
