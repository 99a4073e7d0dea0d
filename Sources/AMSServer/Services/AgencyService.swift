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
        /// `WIB`, `WITA` or `WIT` (or the zone's identifier); empty: WIB.
        var timeZone: String = ""
    }

    /// The time zone named in a form or command; empty is the default, anything else unknown is a problem.
    static func timeZone(_ raw: String, problems: inout [String: ValidationError.Message]) -> AgencyTimeZone {
        let text = raw.trimmingCharacters(in: .whitespaces)
        if text.isEmpty { return .default }
        guard let zone = AgencyTimeZone(named: text) else {
            problems["timeZone"] = .init("error_invalid_time_zone")
            return .default
        }
        return zone
    }

    func create(_ input: AgencyInput, context: AuditContext) async throws -> AgencyModel {
        var problems: [String: ValidationError.Message] = [:]
        let code = input.code.trimmingCharacters(in: .whitespaces).uppercased()
        let codeAllowed = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-")
        if !(2...32).contains(code.count) || !code.allSatisfy(codeAllowed.contains) { problems["code"] = .init("error_invalid_agency_code") }
        let (name, certificateName) = Self.names(input, problems: &problems)
        let zone = Self.timeZone(input.timeZone, problems: &problems)
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
        agency.timeZoneIdentifier = zone.rawValue
        let uniqueDomains = domains
        try await WriteTransaction.run(on: database) { [services] db in
            try await agency.create(on: db)
            for domain in uniqueDomains {
                try await AgencyDomainModel(agencyID: agency.id!, domain: domain.value).create(on: db)
            }
            try await services.audit.append(.agencyCreated, context: context, targetType: "agency", targetID: agency.id!.uuidString,
                                            details: ["code": code, "domains": uniqueDomains.map(\.value).joined(separator: " "),
                                                      "time_zone": zone.abbreviation], on: db)
        }
        return agency
    }

    /// Renames an agency, sets the name its certificates carry (certificates issued before keep theirs) and the time
    /// zone its people read times in.
    func update(_ agency: AgencyModel, name rawName: String, certificateName rawCertificateName: String, timeZone rawZone: String,
                context: AuditContext) async throws {
        var problems: [String: ValidationError.Message] = [:]
        let (name, certificateName) = Self.names(AgencyInput(code: agency.code, name: rawName, domains: "",
                                                             certificateName: rawCertificateName), problems: &problems)
        let zone = Self.timeZone(rawZone, problems: &problems)
        guard problems.isEmpty else { throw ValidationError(fields: problems) }
        let before = (agency.name, agency.certificateName ?? "", agency.timeZone.abbreviation)
        agency.name = name
        agency.certificateName = certificateName
        agency.timeZoneIdentifier = zone.rawValue
        try await WriteTransaction.run(on: database) { [services] db in
            try await agency.update(on: db)
            try await services.audit.append(.agencyUpdated, context: context, targetType: "agency", targetID: agency.id!.uuidString,
                                            details: ["code": agency.code, "from": "\(before.0) | \(before.1) | \(before.2)",
                                                      "to": "\(name) | \(certificateName ?? "") | \(zone.abbreviation)"], on: db)
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
