import AMSCore
import Fluent
import Foundation
import SQLKit

/// What `ams dev seed` does, apart from the command line (the benchmark calls it too): checks that the database
/// holds no registration requests or certificates, makes sure the CA exists, adds agencies with two operators each
/// and ten CA operators (none of them can sign in: their password hash matches no password), then the requests,
/// certificates and audit entries, and audits the seed itself.
package struct DevSeed {
    package struct Sizes: Sendable {
        package var requests: Int
        package var certificates: Int
        package var audit: Int
        package var agencies: Int

        package init(requests: Int, certificates: Int, audit: Int, agencies: Int = 34) {
            self.requests = requests
            self.certificates = certificates
            self.audit = audit
            self.agencies = agencies
        }
    }

    package struct Refused: Error {
        package let message: String
    }

    package let services: AMSServices
    package let database: any Database

    package init(services: AMSServices, database: any Database) {
        self.services = services
        self.database = database
    }

    /// Seeds `sizes`, telling `report` how far it got (a line per ten batches and one per part).
    package func run(_ sizes: Sizes, report: (String) -> Void = { _ in }) async throws {
        let requests = try await RegistrationRequestModel.query(on: database).count()
        let certificates = try await CertificateModel.query(on: database).count()
        guard requests == 0, certificates == 0 else {
            throw Refused(message: "this database holds \(requests) registration requests and \(certificates) certificates; "
                + "`ams dev seed` fills only a new, empty installation and never touches real data")
        }
        let now = services.clock.now
        try await CertificateAuthoritySetup(services: services)
            .initialize(settings: services.configuration.certificates, context: .system("seed"), on: database)
        let (agencyIDs, agencyOperators, caOperators) = try await people(sizes.agencies, now: now)
        report("agencies: \(agencyIDs.count), operators: \(agencyOperators.values.map(\.count).reduce(0, +) + caOperators.count)")
        func progress(_ part: String, _ made: Int, of total: Int) {
            if made == total || made % 10_000 == 0 { report("\(part): \(made) / \(total)") }
        }
        try await SyntheticRegistrations(agencyIDs: agencyIDs, agencyOperators: agencyOperators, caOperators: caOperators, now: now)
            .append(sizes.requests, on: database) { progress("requests", $0, of: sizes.requests) }
        // counted into the day and month tallies now, as a running installation's pass would have done step by step
        let counted = try await StepDurationRollup(database: database, standards: services.configuration.timeStandards).rollUp()
        report("step timings counted for the time-standard report: \(counted)")
        try await SyntheticCertificates(services: services, agencyIDs: agencyIDs, now: now)
            .append(sizes.certificates, on: database) { progress("certificates", $0, of: sizes.certificates) }
        try await SyntheticAuditEntries.append(sizes.audit, services: services, on: database) { progress("audit entries", $0, of: sizes.audit) }
        try await services.audit.appendAlone(.dataSeeded, context: .system("seed"), targetType: "system", targetID: "seed", details: [
            "requests": String(sizes.requests), "certificates": String(sizes.certificates), "audit": String(sizes.audit),
            "agencies": String(sizes.agencies),
        ], on: database)
        try await vacuumAndAnalyse(report: report)
    }

    /// The tables seeded, vacuumed and analysed (PostgreSQL). A bulk load leaves the planner's statistics as they were
    /// partway through it — the rollup marks millions of timings counted at once, and statistics that still called them
    /// uncounted had the report read all of them (0.4 s of its 0.6 s at 1M). Autovacuum would catch up within minutes;
    /// the benchmark, which measures right after the seed, does not wait for it. (SQLite keeps no statistics unless
    /// asked: its planner goes by the indexes alone, as in a running installation.)
    static let seededTables = [RegistrationRequestModel.schema, StepTimingModel.schema] + StepDurationPeriod.allCases.map(\.table)
        + [CertificateModel.schema, AuditEntryModel.schema]

    private func vacuumAndAnalyse(report: (String) -> Void) async throws {
        guard let sql = database as? any SQLDatabase, sql.dialect.name == "postgresql" else { return }
        report("vacuuming and analysing the seeded tables")
        try await sql.raw("VACUUM ANALYZE \(SQLList(Self.seededTables.map { SQLIdentifier($0) }))").run()
    }

    /// The agencies (`SEED-01` …) with two agency operators each, and ten CA operators.
    private func people(_ count: Int, now: Date) async throws -> ([UUID], [UUID: [UUID]], [UUID]) {
        var agencies: [AgencyModel] = []
        var users: [UserModel] = []
        var operators: [UUID: [UUID]] = [:]
        for index in 1...count {
            let agency = AgencyModel(id: UUID(), code: String(format: "SEED-%02d", index), name: "Diskominfo Contoh \(index)", createdAt: now)
            agencies.append(agency)
            for number in 1...2 {
                let user = Self.operatorAccount("operator.seed\(index).\(number)", role: .agencyOperator, agencyID: agency.id, now: now)
                operators[agency.id!, default: []].append(user.id!)
                users.append(user)
            }
        }
        let caOperators = (1...10).map { Self.operatorAccount("operator.ca.seed\($0)", role: .caOperator, agencyID: nil, now: now) }
        try await WriteTransaction.run(on: database) { [agencies, users] db in
            try await agencies.create(on: db)
            try await (users + caOperators).create(on: db)
        }
        return (agencies.map { $0.id! }, operators, caOperators.map { $0.id! })
    }

    private static func operatorAccount(_ username: String, role: Role, agencyID: UUID?, now: Date) -> UserModel {
        let user = UserModel(id: UUID(), username: username, email: "\(username)@instansi.go.id", fullName: "Operator \(username)",
                             role: role, agencyID: agencyID, passwordHash: "-", passwordIsInitial: false, initialPasswordExpiresAt: nil,
                             locale: "id", now: now)
        user.identityVerifiedAt = now
        return user
    }
}
