/// Environment variable names that say they hold a secret (`DB_PASSWORD`, `GITHUB_TOKEN`,
/// `AWS_SECRET_ACCESS_KEY`, Prefect's `PREFECT_API_KEY`): ACI sends these as `secureValue` and every
/// dry run hides their values (docs/provider-apis.md §1.1). One rule, so the two never disagree.
package enum SecretName {
    /// The words, as whole `_`-separated parts of a name, that mark a secret.
    static let words = [
        "SECRET", "PASSWORD", "PASSWD", "TOKEN", "API_KEY", "APIKEY", "ACCESS_KEY", "PRIVATE_KEY", "CREDENTIALS", "AUTH_STRING",
    ]

    /// True when `name`, upper-cased, is one of ``words`` or has one as a whole part.
    package static func isSecret(_ name: String) -> Bool {
        let upper = name.uppercased()
        return words.contains { word in
            upper == word || upper.hasSuffix("_" + word) || upper.hasPrefix(word + "_") || upper.contains("_" + word + "_")
        }
    }
}
