@testable import AMSServer
import AMSCore
import ConsoleKit
import Fluent
import Testing
import Vapor

@Suite("Shell commands and first start")
struct CommandTests {
    @Test(arguments: TestDatabase.all)
    func firstStartCreatesOneAdministratorOnce(db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            // act
            let created = try await FirstAdministratorBootstrap.createIfNeeded(services: t.services, database: t.db, email: "admin@bssn.go.id")
            let again = try await FirstAdministratorBootstrap.createIfNeeded(services: t.services, database: t.db, email: "admin@bssn.go.id")
            // check
            let credentials = try #require(created)
            #expect(again == nil)
            #expect(credentials.username == "admin" && credentials.password.count == 8)
            #expect(try await UserModel.query(on: t.db).count() == 1)
            // the one-time password is not kept anywhere: not in the outbox, not in the audit log
            #expect(try await OutboxMessageModel.query(on: t.db).count() == 0)
            let audit = try await AuditEntryModel.query(on: t.db).all()
            #expect(audit.map(\.action) == ["system.first_administrator_created"])
            #expect(!audit.contains { $0.details.contains(credentials.password) })
            // it signs in once, and only reaches the change-password page; a second sign-in with it is refused
            #expect(try await t.browser().signIn("admin", credentials.password).location == "/password/change")
            let second = try await t.browser().signIn("admin", credentials.password)
            #expect(second.status == .unauthorized && second.body.string.contains("kedaluwarsa"))
        }
    }

    @Test func theOneTimePasswordGoesToAnOwnerOnlyFileNotToTheOutput() throws {
        // setup
        let directory = NSTemporaryDirectory() + "ams-first-admin-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let credentials = (username: "admin", password: "Xk7pQ2mZ")
        // act
        let path = try FirstAdministratorBootstrap.writeCredentials(credentials, directory: directory)
        let banner = FirstAdministratorBootstrap.banner(username: "admin", file: path, signInURL: "https://ams.bssn.go.id/login", hours: 72)
        // check
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        #expect(try String(contentsOfFile: path, encoding: .utf8).contains("password: Xk7pQ2mZ"))
        #expect(banner.contains(path) && !banner.contains("Xk7pQ2mZ"))
    }

    @Test(arguments: TestDatabase.all)
    func userAndAgencyCommandsCreateRecords(db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            // act
            try await Self.run(t, ["agency", "create", "--code", "BKD-SUMBAR", "--name", "BKD Sumatera Barat", "--domains", "bkd.sumbarprov.go.id"])
            try await Self.run(t, ["user", "create", "--username", "op.bkd", "--email", "op@bkd.sumbarprov.go.id", "--name", "Operator BKD",
                              "--role", "agency_operator", "--agency", "bkd-sumbar", "--nik", "1371011203850003"])
            // check
            let user = try #require(try await UserModel.query(on: t.db).filter(\.$username == "op.bkd").with(\.$agency).first())
            #expect(user.agency?.code == "BKD-SUMBAR")
            #expect(try await t.initialPassword(for: "op@bkd.sumbarprov.go.id") != nil)
            let entry = try #require(try await AuditEntryModel.query(on: t.db).filter(\.$action == "account.created").first())
            #expect(entry.actorName == "cli" && entry.actorRole == "system")
            await #expect(throws: CommandFailure.self) {
                try await Self.run(t, ["user", "create", "--username", "x", "--email", "bad", "--name", "X", "--role", "auditor"])
            }
            await #expect(throws: CommandFailure.self) {
                try await Self.run(t, ["user", "create", "--username", "appl", "--email", "a@bkd.sumbarprov.go.id", "--name", "Appl", "--role", "applicant"])
            }
        }
    }

    @Test(arguments: TestDatabase.all)
    func auditVerifyCommandFailsOnATamperedLog(db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            try await Self.run(t, ["agency", "create", "--code", "BKD-SUMBAR", "--name", "BKD Sumatera Barat", "--domains", "bkd.sumbarprov.go.id"])
            try await Self.run(t, ["audit", "verify"])
            try await t.sql.raw("UPDATE audit_entries SET actor_name = 'someone' WHERE sequence = 1").run()
            await #expect(throws: CommandFailure.self) { try await Self.run(t, ["audit", "verify", "--full"]) }
        }
    }

    @Test(arguments: TestDatabase.all)
    func auditVerifyGoesOnFromItsSignedCheckpoint(db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            try await Self.run(t, ["agency", "create", "--code", "BKD-SUMBAR", "--name", "BKD Sumatera Barat", "--domains", "bkd.sumbarprov.go.id"])
            try await Self.run(t, ["audit", "verify"])
            let first = try await t.sql.raw("SELECT sequence FROM audit_checkpoints").all().map { try $0.decode(column: "sequence", as: Int64.self) }
            // three more entries: the next run starts after the checkpoint and checks only those
            try await Self.run(t, ["agency", "create", "--code", "BKD-RIAU", "--name", "BKD Riau", "--domains", "bkd.riau.go.id"])
            let checkpoints = AuditCheckpoints(chain: AuditChain(key: t.services.secrets.auditChainKey))
            let start = try await checkpoints.latest(on: t.db)
            let report = try await t.services.auditVerifier.verify(on: t.db, from: start)
            let head = try await t.sql.raw("SELECT MAX(sequence) AS last FROM audit_entries").first()!.decode(column: "last", as: Int64.self)
            #expect(first.count == 1 && start.sequence == first[0] && report.isIntact && report.checkedEntries == head - first[0])
            try await Self.run(t, ["audit", "verify"])
            #expect(try await checkpoints.latest(on: t.db).sequence == head)
            // an entry after the checkpoint altered: the incremental run finds it
            try await Self.run(t, ["agency", "create", "--code", "BKD-JAMBI", "--name", "BKD Jambi", "--domains", "bkd.jambiprov.go.id"])
            let actor = try await t.sql.raw("SELECT actor_name FROM audit_entries WHERE sequence = \(bind: head + 1)").first()!
                .decode(column: "actor_name", as: String.self)
            try await t.sql.raw("UPDATE audit_entries SET actor_name = 'someone' WHERE sequence = \(bind: head + 1)").run()
            await #expect(throws: CommandFailure.self) { try await Self.run(t, ["audit", "verify"]) }
            try await t.sql.raw("UPDATE audit_entries SET actor_name = \(bind: actor) WHERE sequence = \(bind: head + 1)").run()
            try await Self.run(t, ["audit", "verify"])
            // a checkpoint row written without the key is refused, not trusted
            try await t.sql.raw("""
                INSERT INTO audit_checkpoints (id, sequence, entry_mac, checkpoint_mac, created_at)
                VALUES (\(bind: UUID()), \(bind: head + 100), 'x', 'y', \(bind: Date()))
                """).run()
            await #expect(throws: CommandFailure.self) { try await Self.run(t, ["audit", "verify"]) }
        }
    }

    static func run(_ t: TestApp, _ arguments: [String]) async throws {
        let console = Terminal()
        let input = CommandInput(arguments: ["ams"] + arguments)
        var context = CommandContext(console: console, input: input)
        context.application = t.app
        try await console.run(t.app.asyncCommands.group(), with: context)
        _ = input
    }
}
