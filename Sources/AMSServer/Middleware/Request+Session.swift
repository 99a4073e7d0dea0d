import AMSCore
import Foundation
import Vapor

/// What the middleware learned about the current request.
extension Request {
    private struct SignedInUserKey: StorageKey { typealias Value = UserModel }
    private struct SessionKey: StorageKey { typealias Value = SessionModel }
    private struct SessionTokenKey: StorageKey { typealias Value = String }
    private struct PreSessionKey: StorageKey { typealias Value = String }
    private struct LocaleKey: StorageKey { typealias Value = AppLocale }

    var signedInUser: UserModel? {
        get { storage[SignedInUserKey.self] }
        set { storage[SignedInUserKey.self] = newValue }
    }

    var currentSession: SessionModel? {
        get { storage[SessionKey.self] }
        set { storage[SessionKey.self] = newValue }
    }

    /// The clear session cookie value of a signed-in request.
    var sessionToken: String? {
        get { storage[SessionTokenKey.self] }
        set { storage[SessionTokenKey.self] = newValue }
    }

    /// The pre-session cookie of a signed-out browser (binds its CSRF tokens).
    var preSessionToken: String? {
        get { storage[PreSessionKey.self] }
        set { storage[PreSessionKey.self] = newValue }
    }

    var locale: AppLocale {
        get { storage[LocaleKey.self] ?? .default }
        set { storage[LocaleKey.self] = newValue }
    }

    /// The value CSRF tokens of this browser are bound to.
    var csrfBinding: String? { sessionToken ?? preSessionToken }

    var csrfToken: String { csrfBinding.map { ams.csrf.token(binding: $0) } ?? "" }

    func requireUser() throws -> UserModel {
        guard let user = signedInUser else { throw Abort(.unauthorized) }
        return user
    }
}

extension Request {
    private struct ReaderTimeZoneKey: StorageKey { typealias Value = AgencyTimeZone }

    /// The time zone this reader sees times in: their agency's when signed in (``ReaderTimeZoneMiddleware``), else
    /// the default (WIB). Pages about one request show its agency's instead.
    var readerTimeZone: AgencyTimeZone {
        get { storage[ReaderTimeZoneKey.self] ?? .default }
        set { storage[ReaderTimeZoneKey.self] = newValue }
    }
}
