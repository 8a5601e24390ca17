/// A secret string (client secret, token secret): usable by code that sends it, redacted everywhere it
/// could be printed (descriptions, `dump`, interpolation), per docs/design.md "Credentials".
package struct SecretValue: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible,
    CustomReflectable
{
    package var value: String
    package init(_ value: String) { self.value = value }
    package var description: String { "<redacted>" }
    package var debugDescription: String { "<redacted>" }
    package var customMirror: Mirror { Mirror(self, children: [], displayStyle: .struct) }
}
