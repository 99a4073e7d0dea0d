import Vapor

/// Lets signed-in users through; sends others to the sign-in page. While the password is still the initial one
/// (SOP step 7), every page but change-password and sign-out redirects to change-password.
struct RequireSignedInMiddleware: AsyncMiddleware {
    static let allowedWithInitialPassword: Set<String> = ["/password/change", "/logout"]

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        guard let user = request.signedInUser else {
            let notice = SessionMiddleware.sessionJustExpired(request) ? "session_expired" : "sign_in_required"
            var target = "/login?notice=\(notice)"
            if request.method == .GET, let next = SafeRedirect.localPath(request.url.path) {
                target += "&next=" + (next.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")
            }
            return request.redirect(to: target)
        }
        if user.passwordIsInitial && !Self.allowedWithInitialPassword.contains(request.url.path) {
            return request.redirect(to: "/password/change")
        }
        return try await next.respond(to: request)
    }
}

/// Only local paths may be redirect targets (no open redirects).
enum SafeRedirect {
    static func localPath(_ candidate: String?) -> String? {
        guard let candidate, candidate.hasPrefix("/"), !candidate.hasPrefix("//"), !candidate.contains("\\"),
              !candidate.contains("://"), candidate.count < 512,
              candidate.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value < 0x7f }) else { return nil }
        return candidate
    }
}
