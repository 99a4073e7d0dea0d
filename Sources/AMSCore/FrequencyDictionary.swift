import Foundation

/// Words people build passwords from, each with its rank (1: the most common): zxcvbn's frequency lists (common
/// passwords, English Wikipedia words, US television and film words, first names and surnames), shipped as the
/// resource `zxcvbn-frequency-lists.txt`. A word in several lists keeps its best rank, as zxcvbn's matcher does.
public struct FrequencyDictionary: Sendable {
    private let ranks: [String: Int]

    public init(ranks: [String: Int]) {
        self.ranks = ranks
    }

    /// Reads lists in the shipped format: `## name` starts a list, then one word a line, most common first.
    public init(listsText text: String) {
        var ranks: [String: Int] = [:]
        var rank = 0
        for line in text.split(whereSeparator: \.isNewline) {
            if line.hasPrefix("#") {
                rank = 0
                continue
            }
            rank += 1
            let word = String(line)
            if ranks[word].map({ rank < $0 }) ?? true { ranks[word] = rank }
        }
        self.ranks = ranks
    }

    /// zxcvbn's lists, loaded once from the module's resources.
    public static let shipped: FrequencyDictionary = {
        guard let url = Bundle.module.url(forResource: "zxcvbn-frequency-lists", withExtension: "txt"),
              let text = try? String(contentsOf: url, encoding: .utf8) else {
            preconditionFailure("the resource zxcvbn-frequency-lists.txt is missing from AMSCore's bundle")
        }
        return FrequencyDictionary(listsText: text)
    }()

    public var count: Int { ranks.count }

    /// The word's best rank, case-insensitively; nil when no list has it.
    public func rank(of word: String) -> Int? {
        ranks[word.lowercased()]
    }
}
