import AMSCore

/// The words and numbers of the signer statuses on the national API (v1's `status_code`, v2's `message`).
enum ESignStatusText {
    /// v1's numeric `status_code`: 2011 for "not registered" as the national service uses it, the others AMS's own.
    static func code(_ status: SignerStatus) -> Int {
        switch status {
        case .issue: 1111
        case .expired: 1112
        case .renew: 1113
        case .waitingForVerification: 1114
        case .new: 1115
        case .noCertificate: 1116
        case .notRegistered: 2011
        case .suspend: 1118
        case .revoke: 1119
        }
    }

    static func message(_ status: SignerStatus) -> String {
        switch status {
        case .issue: "The signer has a valid certificate and may sign."
        case .expired: "The signer's certificate has expired; a renewal must be requested."
        case .renew: "The signer's certificate is being renewed; the new one awaits approval."
        case .waitingForVerification: "The signer's registration or changed identity data await verification."
        case .new: "The signer's first certificate is requested and awaits approval."
        case .noCertificate: "The signer has no certificate AMS can sign with."
        case .notRegistered: "The signer is not registered in AMS for this agency."
        case .suspend: "The signer's account is disabled or signing is locked for a while."
        case .revoke: "The signer's certificate was revoked; a new one must be requested."
        }
    }
}
