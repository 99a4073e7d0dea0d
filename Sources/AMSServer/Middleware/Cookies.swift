import Foundation
import Vapor

/// The cookies AMS sets, all `HttpOnly`, `SameSite=Lax`, path `/`, and `Secure` per configuration.
enum Cookies {
    static let session = "ams_session"
    static let preSession = "ams_pre"
    static let language = "ams_lang"
    /// Set on a signed download to the form's random `downloadToken`, so the page's script knows the file has come
    /// and the form can be used again. Not a secret (scripts read it), short-lived, only for `/sign`.
    static let download = "ams_download"

    static func downloadDone(_ token: String, secure: Bool) -> HTTPCookies.Value {
        HTTPCookies.Value(string: token, expires: nil, maxAge: 60, domain: nil, path: "/sign", isSecure: secure, isHTTPOnly: false,
                          sameSite: .strict)
    }

    static func make(_ value: String, secure: Bool, maxAge: Int?) -> HTTPCookies.Value {
        HTTPCookies.Value(string: value, expires: nil, maxAge: maxAge, domain: nil, path: "/",
                          isSecure: secure, isHTTPOnly: true, sameSite: .lax)
    }

    static func expired(secure: Bool) -> HTTPCookies.Value {
        HTTPCookies.Value(string: "", expires: Date(timeIntervalSince1970: 0), maxAge: 0, domain: nil, path: "/",
                          isSecure: secure, isHTTPOnly: true, sameSite: .lax)
    }
}
