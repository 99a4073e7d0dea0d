import AMSServer
import AMSCore
import AMSPKI
import Fluent
import Foundation
import SQLKit
import Vapor

/// A throwaway AMS for the benchmarks: its own SQLite file (WAL, synchronous=FULL, as in production) in a
/// temporary folder, or its own schema on a PostgreSQL server; its own CA, and bulk-made holders with pending
/// certificate requests.
struct BenchFixture {
    let app: Application
    let folder: String
    let loaded: LoadedAuthorities
    let agencyID: UUID
    /// The key-encryption key in hex, so that a separate `ams serve` can open this fixture's CA.
    let keyEncryptionKeyHex: String
    let databasePath: String
    /// `SQLite` or `PostgreSQL`.
    let engine: String
    /// The PostgreSQL schema made for this fixture (dropped at shutdown).
    let postgresSchema: String?
    /// The PostgreSQL server's URL, when the fixture lives there.
    let postgresURL: String?
    /// Holder keys opened at once (`AMS_SIGN_KEY_OPENINGS`'s default).
    let signingPermits: Int

    /// On SQLite, or on the PostgreSQL server at `postgresURL` in a schema of its own.
    static func make(logger: Logger, postgresURL: String? = nil) async throws -> BenchFixture {
        let folder = NSTemporaryDirectory() + "ams-bench-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let app = try await Application.make(.development)
        app.logger.logLevel = .error
        let schema = postgresURL.map { _ in "bench_" + UUID().uuidString.prefix(8).lowercased() }
        let database: DatabaseLocation = postgresURL.map { .postgres(url: $0, searchPath: schema) } ?? .sqliteFile(path: folder + "/ams.sqlite")
        var configuration = AppConfiguration(database: database, publicBaseURL: "http://127.0.0.1:8080",
                                             dataDirectory: folder, secretKeyFile: folder + "/secret.key")
        configuration.certificates.approvalRequired = true
        // the signing benchmark measures key openings: the passphrase is the cost, no second factor is asked
        configuration.signing.secondFactorRequired = false
        let kek = SerialNumberGenerator.systemRandomBytes(32)
        try await configure(app, configuration: configuration, mode: .command,
                            overrides: .keyEncryptionKey(try KeyEncryptionKey(bytes: kek)))
        try await CertificateAuthoritySetup(services: app.ams)
            .initialize(settings: configuration.certificates, context: .system("bench"), on: app.db)
        let agency = AgencyModel(code: "BENCH", name: "Instansi Uji Kinerja", createdAt: Date())
        try await agency.create(on: app.db)
        return BenchFixture(app: app, folder: folder, loaded: try await app.ams.caKeys.current(on: app.db), agencyID: agency.id!,
                            keyEncryptionKeyHex: kek.hexString, databasePath: folder + "/ams.sqlite",
                            engine: postgresURL == nil ? "SQLite" : "PostgreSQL", postgresSchema: schema, postgresURL: postgresURL,
                            signingPermits: configuration.signing.keyOpenings)
    }

    func shutdown() async {
        if let postgresSchema { try? await sql.raw("DROP SCHEMA \(ident: postgresSchema) CASCADE").run() }
        try? await app.asyncShutdown()
        try? FileManager.default.removeItem(atPath: folder)
    }

    var sql: any SQLDatabase { app.db as! any SQLDatabase }

    /// `count` verified holders, each with one pending request for a fresh P-256 key (made here, not measured).
    func pendingRequests(_ count: Int, prefix: String) async throws {
        let now = Date()
        for start in stride(from: 0, to: count, by: 500) {
            let size = min(500, count - start)
            var users: [UserModel] = []
            var records: [CertificateModel] = []
            for index in start..<(start + size) {
                let user = UserModel(id: UUID(), username: "\(prefix)\(index)", email: "\(prefix)\(index)@bench.go.id",
                                     fullName: "Pemegang Sertifikat \(index)", role: .applicant, agencyID: agencyID,
                                     passwordHash: "-", passwordIsInitial: false, initialPasswordExpiresAt: nil, locale: "id", now: now)
                user.position = "Analis"
                user.unit = "Bidang \(index % 17)"
                user.identityVerifiedAt = now
                users.append(user)
                let record = CertificateModel()
                record.id = UUID()
                record.$holder.id = user.id!
                record.$agency.id = agencyID
                record.status = .pending
                record.method = .csr
                record.profile = app.ams.certificateProfile.name
                record.requestedVia = "web"
                record.requestedBy = user.username
                record.version = 1
                record.subject = ""
                record.email = user.email
                record.keyAlgorithm = KeyAlgorithm.p256.rawValue
                record.publicKey = Data(try SigningKey.generate(.p256).publicKey.derBytes)
                record.requestedAt = now
                record.reminderStage = 0
                record.updatedAt = now
                records.append(record)
            }
            try await WriteTransaction.run(on: app.db) { [users, records] db in
                try await users.create(on: db)
                try await records.create(on: db)
            }
        }
    }

    /// `count` revoked certificate rows of the issuing CA (for CRL sizes), inserted in bulk; returns their serials.
    func revokedRows(_ count: Int, holder: UUID) async throws -> [[UInt8]] {
        let serials = SerialNumberGenerator()
        let now = Date()
        var made: [[UInt8]] = []
        made.reserveCapacity(count)
        let columns = ["id", "holder_id", "agency_id", "status", "method", "version", "subject", "email", "key_algorithm", "public_key",
                       "serial_hex", "issuer_ca_id", "not_before", "not_after", "requested_at", "revoked_at", "revocation_reason",
                       "reminder_stage", "updated_at"]
        let key = Data([0x30, 0x00])
        for start in stride(from: 0, to: count, by: 1000) {
            let size = min(1000, count - start)
            var batch: [[UInt8]] = []
            for _ in 0..<size { batch.append(serials.next()) }
            made += batch
            let issuerID = loaded.issuingID
            let agencyID = self.agencyID
            try await WriteTransaction.run(on: app.db) { [batch] db in
                let sql = db as! any SQLDatabase
                let insert = sql.insert(into: CertificateModel.schema).columns(columns)
                for serial in batch {
                    insert.values([
                        SQLBind(UUID()), SQLBind(holder), SQLBind(agencyID), SQLBind(CertificateStatus.revoked.rawValue),
                        SQLBind(CertificateMethod.csr.rawValue), SQLBind(2), SQLBind("CN=bench"), SQLBind("bench@bench.go.id"),
                        SQLBind(KeyAlgorithm.p256.rawValue), SQLBind(key), SQLBind(serial.hexString), SQLBind(issuerID),
                        SQLBind(now), SQLBind(now.addingTimeInterval(730 * 86_400)), SQLBind(now), SQLBind(now),
                        SQLBind(RevocationReason.keyCompromise.rawValue), SQLBind(0), SQLBind(now),
                    ] as [any SQLExpression])
                }
                try await insert.run()
            }
        }
        return made
    }

    /// The command line that runs this build's `ams` with `arguments` on the fixture's database and CA, as its own
    /// process (as in production).
    func amsCommand(_ arguments: [String], extraEnvironment: [String] = []) -> [String] {
        // `ams` is built beside `ams-bench` (scripts/bench builds both)
        let bench = URL(fileURLWithPath: Bundle.main.executablePath ?? CommandLine.arguments[0])
        let executable = bench.deletingLastPathComponent().appendingPathComponent("ams").path
        let database = postgresURL.map { ["AMS_DATABASE_URL=\($0)", "AMS_DATABASE_SCHEMA=\(postgresSchema ?? "")"] }
            ?? ["AMS_DATABASE_URL=sqlite:\(databasePath)"]
        return ["env", "LOG_LEVEL=error", "AMS_DATA_DIR=\(folder)"] + database
            + ["AMS_CA_KEK=\(keyEncryptionKeyHex)", "AMS_SECRET_KEY_FILE=\(folder)/secret.key"] + extraEnvironment + [executable] + arguments
    }

    func writePEM(_ name: String, der: [UInt8], label: String) throws -> String {
        let path = folder + "/" + name
        try PEM.encode(der, label: label).write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }
}
