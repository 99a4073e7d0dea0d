import AMSCore
import Foundation
import Vapor

/// What every page shows around its content: strings, language switch, signed-in user, navigation, notice.
struct LayoutContext: Encodable {
    struct NavItem: Encodable {
        let href: String
        let label: String
        let active: Bool
    }

    struct SignedInUser: Encodable {
        let fullName: String
        let username: String
        let roleLabel: String
    }

    let locale: String
    let title: String
    let csrf: String
    let languageSwitchURL: String
    let user: SignedInUser?
    let nav: [NavItem]
    let notice: String?
    let showAccountLinks: Bool
    /// The installation's authority name, helpdesk contact and logo address (``Branding``).
    let authorityName: String?
    let helpdesk: String?
    let logo: String
}

/// The context of one rendered page: the localisation table as `t`, the layout, and the page's own data.
struct PageContext<Page: Encodable>: Encodable {
    let t: PageStrings
    let layout: LayoutContext
    let page: Page
}

/// Form errors keyed by field name, plus a summary for the top of the form.
struct FormErrors: Encodable {
    var fields: [String: String] = [:]
    var summary: String?

    var isEmpty: Bool { fields.isEmpty && summary == nil }
}

extension Request {
    /// Renders `template` inside the layout. `titleKey` names the page title in the localisation table.
    func renderPage<Page: Encodable>(_ template: String, titleKey: String, page: Page,
                                     status: HTTPStatus = .ok) async throws -> Response {
        let context = PageContext(t: PageStrings(locale: locale), layout: layoutContext(titleKey: titleKey), page: page)
        let view = try await self.view.render(template, context)
        let response = try await view.encodeResponse(status: status, for: self)
        response.headers.contentType = .html
        return response
    }

    func layoutContext(titleKey: String) -> LayoutContext {
        let locale = self.locale
        let path = SafeRedirect.localPath(url.path) ?? "/"
        let switchURL = "/lang/\(locale.other.rawValue)?next=" + (path.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "/")
        var nav: [LayoutContext.NavItem] = []
        var signedIn: LayoutContext.SignedInUser?
        let user = signedInUser
        if let user {
            signedIn = .init(fullName: user.fullName, username: user.username,
                             roleLabel: Localizer.text("role_\(user.role.rawValue)", locale))
            if !user.passwordIsInitial {
                nav = Navigation.destinations(for: user.actor).map { destination in
                    .init(href: destination.href, label: Localizer.text(destination.labelKey, locale),
                          active: url.path == destination.href || url.path.hasPrefix(destination.href + "/"))
                }
            }
        }
        var notice: String?
        if let key = query[String.self, at: "notice"], Localizer.has("notice_\(key)") {
            notice = Localizer.text("notice_\(key)", locale,
                                    ["minutes": String(Int(ams.configuration.tokenPolicy.passwordResetLifetime / 60))])
        }
        return LayoutContext(locale: locale.rawValue, title: Localizer.text(titleKey, locale), csrf: csrfToken,
                             languageSwitchURL: switchURL, user: signedIn, nav: nav, notice: notice,
                             showAccountLinks: user != nil, authorityName: ams.configuration.branding.authorityName,
                             helpdesk: ams.configuration.branding.helpdesk,
                             logo: ams.configuration.branding.logo == nil ? "/img/logo.svg" : "/brand/logo")
    }

    /// Form errors for fields the controller checked itself (field → localisation key).
    func formErrors(_ keys: [String: String]) -> FormErrors {
        formErrors(ValidationError(keys))
    }

    /// Placeholders that upload messages use (`{mb}`).
    var uploadMessageArguments: [String: String] {
        ["mb": String(ams.configuration.uploadMaxBytes / (1024 * 1024))]
    }

    func localized(_ key: String, _ arguments: [String: String] = [:]) -> String {
        Localizer.text(key, locale, arguments)
    }
}
