import AMSCore
import AMSPKI
import Fluent
import Foundation

extension RegistrationService {
    /// The request's fields once they passed every check.
    struct ValidFields: Sendable {
        var fullName: String
        var nip: String
        var nik: String
        var email: String
        var phone: String
        var unit: String
        var position: String
    }

    /// Checks every field and both documents; collects all problems at once so the form shows them together.
    func validate(_ input: RequestInput) async throws -> (ValidFields, AgencyModel) {
        var problems: [String: String] = [:]
        // NIK and NIP refusals name the part that is wrong, with what was read there
        var numberProblems: [String: ValidationError.Message] = [:]
        let name = Self.holderName(input.fullName, problems: &problems)
        var nip: NIP?, nik: NIK?
        switch NIP.parse(input.nip) {
        case .success(let number): nip = number
        case .failure(let problem): numberProblems["nip"] = problem.message
        }
        switch NIK.parse(input.nik) {
        case .success(let number): nik = number
        case .failure(let problem): numberProblems["nik"] = problem.message
        }
        if let nip, let nik, let disagreement = nip.disagreement(with: nik) { numberProblems["nik"] = disagreement.message }
        let email = EmailAddress(input.email)
        if email == nil { problems["email"] = "error_invalid_email" }
        let phone = Self.normalisedPhone(input.phone)
        if phone == nil { problems["phone"] = "error_invalid_phone" }
        let unit = Self.unitName(input.unit, problems: &problems)
        let position = Self.plainText(input.position, range: 2...200)
        if position == nil { problems["position"] = "error_invalid_text" }
        var agency: AgencyModel?
        if let id = UUID(uuidString: input.agencyID) {
            agency = try await AgencyModel.query(on: database).filter(\.$id == id).with(\.$domains).first()
        }
        if agency == nil { problems["agencyID"] = "error_invalid_agency" }
        if let agency, let email, !agency.domains.contains(where: { EmailDomain($0.domain).map(email.belongs) ?? false }) {
            problems["email"] = "error_email_domain_not_in_agency"
        }
        for (field, file) in [("recommendationLetter", input.recommendationLetter), ("jobDecree", input.jobDecree)] {
            switch PDFSniffer.inspect(file?.bytes ?? [], maximumSize: services.configuration.uploadMaxBytes) {
            case .pdf: break
            case .empty: problems[field] = "error_file_missing"
            case .tooLarge: problems[field] = "error_file_too_large"
            case .notPDF, .truncated: problems[field] = "error_file_not_pdf"
            }
        }
        if problems["jobDecree"] == nil, let letter = input.recommendationLetter?.bytes, letter == input.jobDecree?.bytes {
            problems["jobDecree"] = "error_same_file_twice"
        }
        guard problems.isEmpty, numberProblems.isEmpty, let name, let nip, let nik, let email, let phone, let unit, let position,
              let agency else {
            throw ValidationError(fields: invalid(problems).fields.merging(numberProblems) { $1 })
        }
        return (ValidFields(fullName: name.value, nip: nip.value, nik: nik.value, email: email.value, phone: phone,
                            unit: unit, position: position), agency)
    }

    /// The open request (not verified, withdrawn or closed) for this NIK or e-mail address, if there is one.
    /// The account a request would collide with at its last step (SOP step 5), if any: one whose user name is the
    /// NIP or whose e-mail is the request's (any role: either blocks the new account), or an applicant account with
    /// the same NIK (the person has one already).
    func existingAccount(nip: String, nik: String, email: String) async throws -> UserModel? {
        try await UserModel.query(on: database)
            .group(.or) { either in
                either.filter(\.$username == nip).filter(\.$email == email)
                    .group(.and) { $0.filter(\.$nik == nik).filter(\.$role == .applicant) }
            }
            .first()
    }

    /// The form field that names `account`: its NIP, else its NIK, else the e-mail address.
    static func matchingField(of account: UserModel, nip: String, nik: String) -> String {
        account.username == nip ? "nip" : (account.nik == nik ? "nik" : "email")
    }

    func openRequest(nik: String, email: String) async throws -> RegistrationRequestModel? {
        try await RegistrationRequestModel.query(on: database)
            .group(.or) { $0.filter(\.$nik == nik).filter(\.$email == email) }
            .filter(\.$status !~ RegistrationStatus.closedStatuses)
            .first()
    }

    /// The refusal of a request's fields; upload messages name the size limit (`{mb}`).
    func invalid(_ problems: [String: String]) -> ValidationError {
        let limit = ["mb": String(services.configuration.uploadMaxBytes / (1024 * 1024)), "limit": String(CertificateProfile.nameAttributeLimit)]
        return ValidationError(fields: problems.mapValues { ValidationError.Message($0, limit) })
    }

    /// Indonesian numbers: `+62…`, `62…` or `0…`, 9–13 digits after the country code; stored as `+62…`.
    static func normalisedPhone(_ raw: String) -> String? {
        var digits = raw.filter { !" -().".contains($0) }
        if digits.hasPrefix("+62") { digits.removeFirst(3) } else if digits.hasPrefix("62") { digits.removeFirst(2) }
        else if digits.hasPrefix("0") { digits.removeFirst(1) } else { return nil }
        guard (9...13).contains(digits.count), digits.allSatisfy({ $0.isASCII && $0.isNumber }), digits.first != "0" else { return nil }
        return "+62" + digits
    }

    /// A holder's full name: a valid person name that fits a certificate's commonName (X.520: 64 characters);
    /// nil, with the problem recorded under `fullName`, otherwise.
    static func holderName(_ raw: String, problems: inout [String: String]) -> PersonName? {
        guard let name = PersonName(raw) else {
            problems["fullName"] = "error_invalid_name"
            return nil
        }
        guard name.value.count <= CertificateProfile.nameAttributeLimit else {
            problems["fullName"] = "error_name_too_long_for_certificate"
            return nil
        }
        return name
    }

    /// A holder's work unit: plain text (2–200 characters) that fits a certificate's organizationalUnitName
    /// (X.520: 64 characters); nil, with the problem recorded under `unit`, otherwise.
    static func unitName(_ raw: String, problems: inout [String: String]) -> String? {
        guard let unit = plainText(raw, range: 2...200) else {
            problems["unit"] = "error_invalid_text"
            return nil
        }
        guard unit.count <= CertificateProfile.nameAttributeLimit else {
            problems["unit"] = "error_unit_too_long_for_certificate"
            return nil
        }
        return unit
    }

    /// Free text of up to `lines` lines (an address): each line as ``plainText(_:range:)`` would take it, blank
    /// lines dropped, line breaks stored as `\n`; the length counts the whole text.
    static func multilineText(_ raw: String, range: ClosedRange<Int>, lines: Int) -> String? {
        let kept = raw.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
            .split(separator: "\n", omittingEmptySubsequences: false)
            .map { $0.precomposedStringWithCanonicalMapping.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }
        guard (1...lines).contains(kept.count), kept.allSatisfy({ plainText($0, range: 1...range.upperBound) != nil }) else { return nil }
        let text = kept.joined(separator: "\n")
        return range.contains(text.count) ? text : nil
    }

    /// Free text on one line: trimmed, in Unicode normalisation form C, within the length range, no control characters.
    static func plainText(_ raw: String, range: ClosedRange<Int>) -> String? {
        let text = raw.precomposedStringWithCanonicalMapping.trimmingCharacters(in: .whitespaces)
        guard range.contains(text.count), !text.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            return nil
        }
        return text
    }
}
