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
        /// The one thing this reader most likely came to do: an operator's waiting requests, a holder's certificate.
        let nextStep: NextStep?
    }

    struct NextStep: Encodable {
        let title: String
        let body: String
        let href: String
        let label: String
        let urgent: Bool
    }
}
