import AMSCore
import Fluent
import Foundation

/// Creates agencies with their official e-mail domains.
struct AgencyService: Sendable {
    let services: AMSServices
    let database: any Database

    struct AgencyInput: Sendable {
        var code: String
        var name: String
        /// One domain per line (commas and spaces also separate).
        var domains: String
    }

    func create(_ input: AgencyInput, context: AuditContext) async throws -> AgencyModel {
        var problems: [String: ValidationError.Message] = [:]
        let code = input.code.trimmingCharacters(in: .whitespaces).uppercased()
        let codeAllowed = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-")
        if !(2...32).contains(code.count) || !code.allSatisfy(codeAllowed.contains) { problems["code"] = .init("error_invalid_agency_code") }
        let name = input.name.trimmingCharacters(in: .whitespaces)
        if !(3...200).contains(name.count) || name.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
            problems["name"] = .init("error_invalid_agency_name")
        }
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
}
