import Foundation

/// Writes every mail AMS sends: greeting, body and signature, in the recipient's language, from the one
/// localisation table. A mail's texts are `mail_<text>_subject` and `mail_<text>_body`, where `text` is the
/// template's name unless several templates share texts (the registration notices).
struct MailComposer: Sendable {
    /// The authority's name and helpdesk, added to every signature.
    var branding = Branding()

    func compose(to recipient: String, name: String, locale: AppLocale, template: String, text: String? = nil,
                 arguments: [String: String] = [:]) -> MailMessage {
        let stem = "mail_" + (text ?? template)
        let body = Localizer.text("mail_greeting", locale, ["name": name]) + "\n\n"
            + Localizer.text(stem + "_body", locale, arguments) + "\n\n"
            + Localizer.text("mail_signature", locale) + "\n"
            + (branding.authorityName.map { $0 + "\n" } ?? "")
            + (branding.helpdesk.map { Localizer.text("mail_helpdesk", locale, ["contact": $0]) + "\n" } ?? "")
        return MailMessage(recipient: recipient, subject: Localizer.text(stem + "_subject", locale, arguments), body: body,
                           template: template)
    }

    /// A mail to an account, in the account's stored language.
    func compose(to user: UserModel, template: String, text: String? = nil, arguments: [String: String] = [:]) -> MailMessage {
        compose(to: user.email, name: user.fullName, locale: AppLocale(rawValue: user.locale) ?? .default, template: template,
                text: text, arguments: arguments)
    }
}
