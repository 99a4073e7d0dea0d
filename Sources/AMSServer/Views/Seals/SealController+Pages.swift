import Foundation

extension SealController {
    struct Row: Encodable {
        let id: String
        let name: String
        let agency: String
        let idSubscriber: String
        let status: String
        let statusText: String
        let requestedAt: String
    }

    struct ListPage: Encodable {
        let seals: [Row]
        /// The agency operator may ask for one (their agency's name and their e-mail offered).
        let canRequest: Bool
        let defaultName: String
        let defaultEmail: String
        let form: [String: String]
        let errors: FormErrors
    }

    struct Sealer: Encodable {
        let id: String
        let name: String
        let email: String
    }

    struct Option: Encodable {
        let value: String
        let label: String
    }

    struct DetailPage: Encodable {
        let seal: Row
        let contactEmail: String
        let decisionNote: String?
        let serial: String?
        let notAfter: String?
        let subject: String?
        let sealers: [Sealer]
        /// Accounts of the agency not yet listed (for the agency operator's add form).
        let candidates: [Sealer]
        let canManage: Bool
        let canDecide: Bool
        /// The reasons a CA operator may give for revoking a seal.
        let revocationReasons: [Option]
        let errors: FormErrors
    }
}
