import Foundation

extension AWSSigV4Signer {
    /// `YYYYMMDD'T'HHMMSS'Z'` in UTC (docs/provider-apis.md §2.8 step 1). Computed arithmetically (days to
    /// civil date, H. Hinnant's algorithm) so it needs no formatter, locale or time zone.
    package static func timestamp(_ date: Date) -> String {
        let seconds = Int64(date.timeIntervalSince1970.rounded(.down))
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let secondOfDay = seconds - days * 86_400
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1_460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        guard (0...9_999).contains(year) else {
            // Outside four-digit years: the plain (slow) form, never reached by a real clock.
            func pad(_ value: Int64, _ width: Int) -> String {
                let text = String(value)
                return String(repeating: "0", count: max(0, width - text.count)) + text
            }
            return pad(year, 4) + pad(month, 2) + pad(day, 2) + "T" + pad(secondOfDay / 3_600, 2)
                + pad(secondOfDay % 3_600 / 60, 2) + pad(secondOfDay % 60, 2) + "Z"
        }
        // Sixteen ASCII digits written in place: this runs on every signature.
        return String(unsafeUninitializedCapacity: 16) { out in
            func twoDigits(_ value: Int64, at offset: Int) {
                out[offset] = UInt8(ascii: "0") + UInt8(value / 10)
                out[offset + 1] = UInt8(ascii: "0") + UInt8(value % 10)
            }
            twoDigits(year / 100, at: 0)
            twoDigits(year % 100, at: 2)
            twoDigits(month, at: 4)
            twoDigits(day, at: 6)
            out[8] = UInt8(ascii: "T")
            twoDigits(secondOfDay / 3_600, at: 9)
            twoDigits(secondOfDay % 3_600 / 60, at: 11)
            twoDigits(secondOfDay % 60, at: 13)
            out[15] = UInt8(ascii: "Z")
            return 16
        }
    }
}
