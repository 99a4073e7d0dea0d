import Foundation
import Vapor

/// The forms of a CA operator's decisions and of revocation and replacement on the certificate pages.
enum CertificateDecisionBody {
    struct Selection: Content {
        /// `<certificate id>:<version the operator saw>` per checked request.
        var selected: [String]?
    }

    struct Decision: Content {
        var version: Int?
        var note: String?
    }

    struct Revocation: Content {
        var reason: String?
        var invalidityDate: String?
        var password: String?
    }

    /// The holder's confirmation of a request an agency application started.
    struct Confirmation: Content {
        var password: String?
    }

    struct Replacement: Content {
        var password: String?
        var passphrase: String?
        var passphraseConfirmation: String?
    }
}
