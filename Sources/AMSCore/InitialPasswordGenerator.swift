import Foundation

/// Makes the random initial password of SOP step 5: 8 characters drawn uniformly from an alphabet without
/// look-alike characters (no 0/O/o, 1/l/I), so it can be typed from a mail without guessing.
public struct InitialPasswordGenerator: Sendable {
    /// 56 symbols: about 46 bits for 8 characters. The password is short-lived and only opens the change-password page.
    public static let alphabet = Array("ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz23456789")
    public static let length = 8

    private let random: any RandomSource

    public init(random: any RandomSource) {
        self.random = random
    }

    public func generate() -> String {
        let symbols = Self.alphabet
        return String((0..<Self.length).map { _ in symbols[random.uniform(below: symbols.count)] })
    }
}
