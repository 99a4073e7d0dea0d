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
        var problems: [String: String] = [:]
        let code = input.code.trimmingCharacters(in: .whitespaces).uppercased()
        let codeAllowed = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-")
        if !(2...32).contains(code.count) || !code.allSatisfy(codeAllowed.contains) { problems["code"] = "error_invalid_agency_code" }
        let name = input.name.trimmingCharacters(in: .whitespaces)
        if !(3...200).contains(name.count) || name.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
            problems["name"] = "error_invalid_agency_name"
        }
        let rawDomains = input.domains.split(whereSeparator: { $0.isNewline || $0 == "," || $0 == " " }).map(String.init)
        var domains: [EmailDomain] = []
        var domainProblem: (String, String)?
        for raw in rawDomains {
            if let domain = EmailDomain(raw) { if !domains.contains(domain) { domains.append(domain) } }
            else if domainProblem == nil { domainProblem = ("error_invalid_domain", LogSafe.field(raw, limit: 80)) }
        }
        if rawDomains.isEmpty { problems["domains"] = "error_domains_required" }
        if !problems.isEmpty || domainProblem != nil {
            throw AgencyRejected(fields: problems, domainProblem: domainProblem)
        }
        if try await AgencyModel.query(on: database).filter(\.$code == code).count() > 0 {
            throw AgencyRejected(fields: ["code": "error_duplicate_agency_code"], domainProblem: nil)
        }
        for domain in domains where try await AgencyDomainModel.query(on: database).filter(\.$domain == domain.value).count() > 0 {
            throw AgencyRejected(fields: [:], domainProblem: ("error_duplicate_domain", domain.value))
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

    struct AgencyRejected: Error {
        var fields: [String: String]
        /// The localisation key and the offending domain, for the domains field.
        var domainProblem: (String, String)?
    }
}
