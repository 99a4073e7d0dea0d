import AMSCore
import Fluent
import AMSPKI
import Foundation

/// Creates and edits agencies with their official e-mail domains and the name their certificates carry.
struct AgencyService: Sendable {
    let services: AMSServices
    let database: any Database

    struct AgencyInput: Sendable {
        var code: String
        var name: String
        /// One domain per line (commas and spaces also separate).
        var domains: String
        /// The name for certificates when `name` is longer than X.520 allows there (64); empty: the name itself.
        var certificateName: String = ""
    }

    func create(_ input: AgencyInput, context: AuditContext) async throws -> AgencyModel {
        var problems: [String: ValidationError.Message] = [:]
        let code = input.code.trimmingCharacters(in: .whitespaces).uppercased()
        let codeAllowed = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-")
        if !(2...32).contains(code.count) || !code.allSatisfy(codeAllowed.contains) { problems["code"] = .init("error_invalid_agency_code") }
        let (name, certificateName) = Self.names(input, problems: &problems)
        let rawDomains = input.domains.split(whereSeparator: { $0.isNewline || $0 == "," || $0 == " " }).map(String.init)
        var domains: [EmailDomain] = []
        for raw in rawDomains where EmailDomain(raw) == nil && problems["domains"] == nil {
            problems["domains"] = .init("error_invalid_domain", ["domain": LogSafe.field(raw, limit: 80)])
        }
        for domain in rawDomains.compactMap(EmailDomain.init) where !domains.contains(domain) { domains.append(domain) }
        if rawDomains.isEmpty { problems["domains"] = .init("error_domains_required") }
        guard problems.isEmpty else { throw ValidationError(fields: problems) }
        if try await AgencyModel.query(on: database).filter(\.$code == code).count() > 0 {
            throw ValidationError(["code": "error_duplicate_agency_code"])
        }
        for domain in domains where try await AgencyDomainModel.query(on: database).filter(\.$domain == domain.value).count() > 0 {
            throw ValidationError(fields: ["domains": .init("error_duplicate_domain", ["domain": domain.value])])
        }
        let agency = AgencyModel(code: code, name: name, createdAt: services.clock.now)
        agency.certificateName = certificateName
        let uniqueDomains = domains
        try await WriteTransaction.run(on: database) { [services] db in
            try await agency.create(on: db)
            for domain in uniqueDomains {
                try await AgencyDomainModel(agencyID: agency.id!, domain: domain.value).create(on: db)
            }
            try await services.audit.append(.agencyCreated, context: context, targetType: "agency", targetID: agency.id!.uuidString,
                                            details: ["code": code, "domains": uniqueDomains.map(\.value).joined(separator: " ")], on: db)
        }
        return agency
    }

    /// Renames an agency and sets the name its certificates carry (certificates issued before keep theirs).
    func update(_ agency: AgencyModel, name rawName: String, certificateName rawCertificateName: String,
                context: AuditContext) async throws {
        var problems: [String: ValidationError.Message] = [:]
        let (name, certificateName) = Self.names(AgencyInput(code: agency.code, name: rawName, domains: "",
                                                             certificateName: rawCertificateName), problems: &problems)
        guard problems.isEmpty else { throw ValidationError(fields: problems) }
        let before = (agency.name, agency.certificateName ?? "")
        agency.name = name
        agency.certificateName = certificateName
        try await WriteTransaction.run(on: database) { [services] db in
            try await agency.update(on: db)
            try await services.audit.append(.agencyUpdated, context: context, targetType: "agency", targetID: agency.id!.uuidString,
                                            details: ["code": agency.code, "from": "\(before.0) | \(before.1)",
                                                      "to": "\(name) | \(certificateName ?? "")"], on: db)
        }
    }

    /// The full name (3–200 characters) and the certificate name: required, at most 64 characters, when the full name
    /// does not fit a certificate's organizationName (X.520: 64); nil when the full name fits and none is given.
    static func names(_ input: AgencyInput, problems: inout [String: ValidationError.Message]) -> (String, String?) {
        let name = input.name.trimmingCharacters(in: .whitespaces)
        if RegistrationService.plainText(name, range: 3...200) == nil { problems["name"] = .init("error_invalid_agency_name") }
        let certificateName = input.certificateName.trimmingCharacters(in: .whitespaces).nilIfEmpty
        let limit = CertificateProfile.nameAttributeLimit
        if let certificateName, RegistrationService.plainText(certificateName, range: 3...limit) == nil {
            problems["certificateName"] = .init("error_certificate_name_length", ["limit": String(limit)])
        } else if certificateName == nil, name.count > limit {
            problems["certificateName"] = .init("error_certificate_name_needed", ["limit": String(limit), "length": String(name.count)])
        }
        return (name, certificateName)
    }
}
