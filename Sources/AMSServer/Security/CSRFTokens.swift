import Crypto
import Foundation
import AMSCore

/// CSRF tokens bound to the browser: HMAC of the session token (signed in) or of the pre-session cookie
/// (signed out), so a token from one browser or one session is worthless in another.
struct CSRFTokens: Sendable {
    let key: SymmetricKey

    func token(binding: String) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: Data(("csrf:" + binding).utf8), using: key)
        return SecureToken.base64URL(Array(mac))
    }

    func isValid(_ candidate: String?, binding: String?) -> Bool {
        guard let candidate, let binding, !binding.isEmpty else { return false }
        return TokenDigest.constantTimeEquals(candidate, token(binding: binding))
    }
}
