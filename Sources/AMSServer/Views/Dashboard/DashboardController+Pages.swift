import AMSCore
import Fluent
import Vapor

/// The page contexts ``DashboardController`` renders.
extension DashboardController {
    struct Tile: Encodable {
        let href: String
        let label: String
    }

    struct DashboardPage: Encodable {
        let welcome: String
        let roleBody: String
        let username: String
        let email: String
        let roleLabel: String
        let agencyName: String?
        let passwordChangedAt: String?
        let tiles: [Tile]
    }
}
