@testable import AMSServer
import AMSCore
import Fluent
import Foundation
import Testing

/// Accounts and agencies made directly in the database, for tests about what they can do.
extension TestApp {
    static let password = "ladang jagung di bukit"

    @discardableResult
    func agency(code: String = "DISKOMINFO-SUMBAR", name: String = "Diskominfo Provinsi Sumatera Barat",
                domains: [String] = ["sumbarprov.go.id"]) async throws -> AgencyModel {
        let agency = AgencyModel(code: code, name: name, createdAt: clock.now)
        try await agency.create(on: db)
        for domain in domains { try await AgencyDomainModel(agencyID: agency.id!, domain: domain).create(on: db) }
        return agency
    }

    /// An account with a chosen (not initial) password.
    @discardableResult
    func user(_ username: String, role: Role, agency: AgencyModel? = nil, password: String = TestApp.password,
              email: String? = nil, nik: String? = nil) async throws -> UserModel {
        let domain = try await agency?.$domains.get(on: db).first?.domain ?? "bssn.go.id"
        let user = UserModel(username: username, email: email ?? "\(username)@\(domain)", fullName: "Pengguna \(username.capitalized)",
                             nik: nik ?? Self.staffNIK(for: username, role: role), role: role, agencyID: agency?.id, passwordHash: try await services.passwordHashing.hash(password),
                             passwordIsInitial: false, initialPasswordExpiresAt: nil, locale: "id", now: clock.now)
        try await user.create(on: db)
        return user
    }

    /// Operators carry a NIK (segregation of duties compares persons): a valid-looking one, the same for the same
    /// username, different for different ones.
    static func staffNIK(for username: String, role: Role) -> String? {
        guard [.agencyOperator, .caOperator].contains(role) else { return nil }
        let sequence = username.unicodeScalars.reduce(7) { ($0 * 31 + Int($1.value)) % 9973 } + 1
        return "317101120385" + String(format: "%04d", sequence)
    }

    /// Mail queued for `recipient`, newest first, unsealed.
    /// SOP step 1 through the service: Siti Rahmawati's request (``RegistrationRequestTests/fields``) to `agency`,
    /// submitted in `locale`; returns it as the service loads it (timeline and documents included).
    func submittedRequest(agency: AgencyModel, locale: AppLocale = .default) async throws -> RegistrationRequestModel {
        let service = RegistrationService(services: services, database: db)
        let fields = RegistrationRequestTests.fields
        let submitted = try await service.submit(.init(
            fullName: fields["fullName"]!, nip: fields["nip"]!, nik: fields["nik"]!, email: fields["email"]!, phone: "081234567890",
            agencyID: agency.id!.uuidString, unit: "Bidang Persandian", position: "Pranata Komputer",
            recommendationLetter: .init(filename: "a.pdf", bytes: SampleDocuments.pdf()),
            jobDecree: .init(filename: "b.pdf", bytes: SampleDocuments.pdf("SK Jabatan")), locale: locale), enteredBy: nil, context: .system())
        return try #require(try await service.load(submitted.request.id!))
    }

    /// The outbox's mail to `recipient`, after a pass of the reset worker (what `ams serve` runs every two seconds).
    func mails(to recipient: String) async throws -> [MailMessage] {
        try await AccountService(services: services, database: db).processPasswordResetRequests()
        let rows = try await OutboxMessageModel.query(on: db).filter(\.$recipient == recipient).sort(\.$createdAt, .descending).all()
        return try rows.compactMap { row in try row.sealedBody.map { try services.sealer.open($0, messageID: row.messageID) } }
    }

    /// The 8-character initial password in the newest mail to `recipient`.
    func initialPassword(for recipient: String) async throws -> String? {
        for mail in try await mails(to: recipient) where mail.template == "initial_password" {
            return Self.value(after: ["Kata sandi awal: ", "Initial password: "], in: mail.body)
        }
        return nil
    }

    /// The reset link path (`/password/reset/…`) in the newest reset mail to `recipient`.
    func resetPath(for recipient: String) async throws -> String? {
        for mail in try await mails(to: recipient) where mail.template == "password_reset" {
            guard let range = mail.body.range(of: "/password/reset/") else { return nil }
            return "/password/reset/" + mail.body[range.upperBound...].prefix { !$0.isWhitespace }
        }
        return nil
    }

    static func value(after prefixes: [String], in text: String) -> String? {
        for line in text.split(separator: "\n") {
            for prefix in prefixes where line.hasPrefix(prefix) { return String(line.dropFirst(prefix.count)) }
        }
        return nil
    }

    func auditActions() async throws -> [String] {
        try await AuditEntryModel.query(on: db).sort(\.$sequence).all().map(\.action)
    }
}
