import Foundation

/// The interface languages: Bahasa Indonesia (default) and English.
package enum AppLocale: String, CaseIterable, Sendable, Codable {
    case id
    case en

    static let `default` = AppLocale.id

    var other: AppLocale { self == .id ? .en : .id }
}
