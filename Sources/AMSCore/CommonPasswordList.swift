import Foundation

/// The most common passwords (the shipped list's source is named in `CommonPasswordList+Shipped.swift`), compared
/// case-insensitively.
public struct CommonPasswordList: Sendable {
    private let entries: Set<String>

    public init(entries: some Sequence<String>) {
        self.entries = Set(entries.map { $0.lowercased() })
    }

    /// The list shipped with AMS.
    public static let shipped = CommonPasswordList(entries: shippedText.split(whereSeparator: \.isNewline).map(String.init))

    public var count: Int { entries.count }

    public func contains(_ password: String) -> Bool {
        entries.contains(password.lowercased())
    }
}
