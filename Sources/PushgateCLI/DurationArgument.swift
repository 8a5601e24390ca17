import Foundation

/// A length of time given on the command line (`run create --in`, `run stress --lease`), short the way
/// people write it.
enum DurationArgument {
    /// Parses a duration such as `90s`, `5m`, `1h30m`, `2d` or plain seconds.
    static func parse(_ text: String) throws -> TimeInterval {
        if let seconds = Double(text), seconds >= 0 { return seconds }
        var total: Double = 0
        var number = ""
        var sawUnit = false
        for character in text {
            if character.isNumber || character == "." {
                number.append(character)
                continue
            }
            let unit: Double
            switch character {
            case "s": unit = 1
            case "m": unit = 60
            case "h": unit = 3600
            case "d": unit = 86_400
            default: throw notADuration(text)
            }
            guard let value = Double(number) else { throw notADuration(text) }
            total += value * unit
            number = ""
            sawUnit = true
        }
        guard sawUnit, number.isEmpty else { throw notADuration(text) }
        return total
    }

    private static func notADuration(_ text: String) -> UsageError {
        UsageError("'\(text)' is not a duration such as 30s, 5m, 1h30m or 2d")
    }
}
