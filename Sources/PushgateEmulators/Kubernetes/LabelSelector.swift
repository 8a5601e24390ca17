import Foundation
import PushgateCore

/// The label selector grammar the fake honours: comma-separated `key=value`, `key!=value`, `key in (a,b)`,
/// `key notin (a,b)`, `key` and `!key`, as the API server parses them.
struct LabelSelector {
    enum Requirement {
        case equals(String, String)
        case notEquals(String, String)
        case isIn(String, Set<String>)
        case notIn(String, Set<String>)
        case exists(String)
        case absent(String)
    }
    var requirements: [Requirement] = []

    init(_ text: String) {
        var pieces: [String] = []
        var current = ""
        var depth = 0
        for character in text {
            if character == "(" { depth += 1 }
            if character == ")" { depth -= 1 }
            if character == ",", depth == 0 {
                pieces.append(current)
                current = ""
            } else {
                current.append(character)
            }
        }
        pieces.append(current)
        for piece in pieces.map({ $0.trimmingCharacters(in: .whitespaces) }) where !piece.isEmpty {
            if let open = piece.firstIndex(of: "("), piece.hasSuffix(")") {
                let head = piece[..<open].split(separator: " ").map(String.init)
                let values = Set(
                    piece[piece.index(after: open)..<piece.index(before: piece.endIndex)].split(separator: ",").map {
                        $0.trimmingCharacters(in: .whitespaces)
                    }
                )
                if head.count == 2, head[1] == "in" { requirements.append(.isIn(head[0], values)) }
                if head.count == 2, head[1] == "notin" { requirements.append(.notIn(head[0], values)) }
            } else if let range = piece.range(of: "!=") {
                requirements.append(.notEquals(String(piece[..<range.lowerBound]), String(piece[range.upperBound...])))
            } else if let range = piece.range(of: "==") ?? piece.range(of: "=") {
                requirements.append(.equals(String(piece[..<range.lowerBound]), String(piece[range.upperBound...])))
            } else if piece.hasPrefix("!") {
                requirements.append(.absent(String(piece.dropFirst())))
            } else {
                requirements.append(.exists(piece))
            }
        }
    }

    func matches(_ labels: JSONValue?) -> Bool {
        let labels = labels?.objectValue ?? [:]
        return requirements.allSatisfy { requirement in
            switch requirement {
            case .equals(let key, let value): return labels[key]?.stringValue == value
            case .notEquals(let key, let value): return labels[key]?.stringValue != value
            case .isIn(let key, let values): return labels[key]?.stringValue.map(values.contains) ?? false
            case .notIn(let key, let values): return !(labels[key]?.stringValue.map(values.contains) ?? false)
            case .exists(let key): return labels[key] != nil
            case .absent(let key): return labels[key] == nil
            }
        }
    }
}
