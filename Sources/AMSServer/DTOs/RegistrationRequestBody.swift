import Vapor

/// A registration request as submitted (SOP step 1): the public form, an agency operator's form and the JSON API's
/// multipart body carry the same fields.
struct RegistrationRequestBody: Content {
    var fullName: String?
    var nip: String?
    var nik: String?
    var email: String?
    var phone: String?
    /// The agency chosen on the form; the API takes its key's agency instead.
    var agencyID: String?
    var unit: String?
    var position: String?
    var recommendationLetter: File?
    var jobDecree: File?
    /// The public form's proof of work (``FormChallenge``): the challenge served with the form and the counter found.
    var challenge: String?
    var work: String?

    /// The service's input, each field cut at its ``FieldLimit``.
    func input(agencyID: String, locale: AppLocale) -> RegistrationService.RequestInput {
        RegistrationService.RequestInput(
            fullName: fullName.clipped(FieldLimit.personName), nip: nip.clipped(FieldLimit.nip), nik: nik.clipped(FieldLimit.nik),
            email: email.clipped(FieldLimit.email), phone: phone.clipped(FieldLimit.phone), agencyID: agencyID,
            unit: unit.clipped(FieldLimit.unit), position: position.clipped(FieldLimit.position),
            recommendationLetter: RegistrationService.UploadedFile(recommendationLetter),
            jobDecree: RegistrationService.UploadedFile(jobDecree), locale: locale)
    }
}
