import Foundation

/// The number an applicant quotes when asking about a request: `AMS-` and two groups of four Crockford base-32
/// characters (no I, L, O, U), about 40 random bits. Not a secret: the private status link is.
public enum TrackingNumber {
    public static let alphabet = Array("0123456789ABCDEFGHJKMNPQRSTVWXYZ")

    public static func generate(random: any RandomSource) -> String {
        let symbols = (0..<8).map { _ in alphabet[random.uniform(below: alphabet.count)] }
        return "AMS-" + String(symbols[0..<4]) + "-" + String(symbols[4..<8])
    }

    public static func isWellFormed(_ text: String) -> Bool {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        return parts.count == 3 && parts[0] == "AMS" && parts[1].count == 4 && parts[2].count == 4
            && (parts[1] + parts[2]).allSatisfy { alphabet.contains($0) }
    }
}
