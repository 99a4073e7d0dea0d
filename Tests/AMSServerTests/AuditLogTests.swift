@testable import AMSServer
import AMSCore
import Fluent
import SQLKit
import Testing
import VaporTesting

@Suite("The audit log (Pencatatan)")
struct AuditLogTests {
    /// Writes `count` entries through the real appender, at times with fractional milliseconds (so the chain is
    /// checked across the database's own time round trip).
    private func fill(_ t: TestApp, count: Int) async throws {
        for index in 0..<count {
            t.clock.advance(by: 1.000_37 + Double(index) * 0.013_1)
            try await t.services.audit.appendAlone(.agencyCreated, context: .system("test"), targetType: "agency",
                                                   targetID: "a\(index)", details: ["n": String(index)], on: t.db)
        }
    }

    @Test(arguments: TestDatabase.all)
    func intactLogVerifies(db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            try await fill(t, count: 200)
            let report = try await AuditVerifier(chain: AuditChain(key: t.services.secrets.auditChainKey), batchSize: 7).verify(on: t.db)
            #expect(report.isIntact)
            #expect(report.checkedEntries == 200)
        }
    }

    @Test(arguments: TestDatabase.all)
    func editingOneRowIsFoundAndNamed(db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            // setup
            try await fill(t, count: 10)
            // act: change one detail with plain SQL
            try await t.sql.raw(#"UPDATE audit_entries SET details = '{"n":"999"}' WHERE sequence = 6"#).run()
            // check
            let report = try await t.services.auditVerifier.verify(on: t.db)
            #expect(!report.isIntact)
            #expect(report.firstBadSequence == 6)
            #expect(report.problem?.contains("altered") == true)
            // in small batches too (the entry in the second batch, the third already being read)
            let batched = try await AuditVerifier(chain: AuditChain(key: t.services.secrets.auditChainKey), batchSize: 4).verify(on: t.db)
            #expect(batched.firstBadSequence == 6 && batched.checkedEntries == 5)
        }
    }

    @Test(arguments: TestDatabase.all)
    func deletingARowIsFound(db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            try await fill(t, count: 10)
            try await t.sql.raw("DELETE FROM audit_entries WHERE sequence = 4").run()
            let report = try await t.services.auditVerifier.verify(on: t.db)
            #expect(report.firstBadSequence == 4)
            #expect(report.problem?.contains("missing") == true)
        }
    }

    @Test(arguments: TestDatabase.all)
    func reorderingRowsIsFound(db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            try await fill(t, count: 10)
            // swap the sequence numbers of entries 3 and 7
            try await t.sql.raw("UPDATE audit_entries SET sequence = -1 WHERE sequence = 3").run()
            try await t.sql.raw("UPDATE audit_entries SET sequence = 3 WHERE sequence = 7").run()
            try await t.sql.raw("UPDATE audit_entries SET sequence = 7 WHERE sequence = -1").run()
            let report = try await t.services.auditVerifier.verify(on: t.db)
            #expect(report.firstBadSequence == 3)
        }
    }

    @Test(arguments: TestDatabase.all)
    func cuttingOffTheTailIsFound(db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            try await fill(t, count: 10)
            try await t.sql.raw("DELETE FROM audit_entries WHERE sequence >= 9").run()
            let report = try await t.services.auditVerifier.verify(on: t.db)
            #expect(report.firstBadSequence == 9)
            #expect(report.problem?.contains("chain head") == true)
        }
    }

    @Test(arguments: TestDatabase.all)
    func aForgedEntryWithoutTheKeyIsFound(db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            // setup: an attacker with database access but not the key appends an entry with a MAC of their own
            try await fill(t, count: 3)
            let last = try #require(try await AuditEntryModel.query(on: t.db).sort(\.$sequence, .descending).first())
            let forged = AuditRecord(sequence: 4, occurredAt: t.clock.now, actorID: nil, actorName: "admin", actorRole: "administrator",
                                     action: "account.created", targetType: "user", targetID: "x", outcome: .success,
                                     clientAddress: "1.2.3.4", requestID: "r", details: [:])
            let wrongChain = AuditChain(key: .init(size: .bits256))
            try await AuditEntryModel(record: forged, previousMAC: last.mac, mac: wrongChain.mac(previousMAC: last.mac, record: forged)).create(on: t.db)
            // check
            #expect(try await t.services.auditVerifier.verify(on: t.db).firstBadSequence == 4)
        }
    }

    @Test(arguments: TestDatabase.all)
    func concurrentAppendsGetGapFreeSequenceNumbers(db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            let audit = t.services.audit
            let database = t.db
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<40 {
                    group.addTask {
                        try await audit.appendAlone(.mailQueued, context: .system(), targetID: "m\(index)", on: database)
                    }
                }
                try await group.waitForAll()
            }
            let sequences = try await AuditEntryModel.query(on: t.db).sort(\.$sequence).all().map(\.sequence)
            #expect(sequences == Array(1...40))
            #expect(try await t.services.auditVerifier.verify(on: t.db).isIntact)
        }
    }

    @Test(arguments: TestDatabase.all)
    func entriesReadInWordsInTheReadersLanguage(db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            // setup: a request forwarded to the CA (its audit entry names the event and both statuses by code)
            let agency = try await t.agency()
            let request = try await t.submittedRequest(agency: agency)
            let desk = try await t.user("op.sumbar", role: .agencyOperator, agency: agency, nik: "1371010101800001")
            try await RegistrationService(services: t.services, database: t.db).transition(
                request, .init(event: .forwardToCA, reason: nil, note: nil, expectedVersion: request.version, checklist: Set(AgencyChecklistItem.allCases)),
                by: .operatorAccount(desk), context: .system())
            try await t.user("ani", role: .auditor)
            let auditor = t.browser()
            try await auditor.signIn("ani", TestApp.password)
            // act
            let page = try await auditor.get("/audit?action=registration.transition").body.string
            // check: the action, detail names and the codes of statuses and events in words
            #expect(page.contains(">Tahap permohonan berubah</td>"))
            #expect(page.contains("peristiwa: Diteruskan ke CA") && page.contains("dari: Diajukan") && page.contains("ke: Diteruskan ke CA"))
            #expect(!page.contains("from=submitted") && !page.contains("event=forward_to_ca"))
            _ = try await auditor.get("/lang/en?next=%2F")
            let english = try await auditor.get("/audit?action=registration.transition").body.string
            #expect(english.contains(">Request moved on</td>") && english.contains("event: Forwarded to the CA"))
            // the filter lists actions by their words too, and every action has words in both languages
            #expect(english.contains(">Signed in</option>"))
            for action in AuditAction.allCases {
                #expect(AuditText.action(action.rawValue, locale: .id) != action.rawValue && AuditText.action(action.rawValue, locale: .en) != action.rawValue,
                        "\(action.rawValue)")
            }
        }
    }

    @Test(arguments: TestDatabase.all)
    func auditorFiltersAndExportsCSV(db: TestDatabase) async throws {
        try await TestApp.with(db, tweak: { $0.trustForwardedFor = true }) { t in
            // setup: some sign-ins, one failed from a forged-looking forwarded address (typed user names of accounts
            // that do not exist are not recorded at all)
            try await t.user("ani", role: .auditor)
            try await t.user("budi", role: .caOperator)
            try await t.browser().signIn("budi", TestApp.password)
            try await t.browser(address: "=cmd|' /C calc'!A0").signIn("nobody", "wrong guess here")
            let auditor = t.browser()
            try await auditor.signIn("ani", TestApp.password)
            // act
            let page = try await auditor.get("/audit?action=auth.sign_in.failed")
            let csv = try await auditor.get("/audit/export.csv?action=auth.sign_in.succeeded")
            // check
            #expect(page.status == .ok)
            // actions in words, their codes on hover; only the filtered action
            #expect(page.body.string.contains("title=\"auth.sign_in.failed\">Masuk gagal</td>"))
            #expect(!page.body.string.contains("title=\"auth.sign_in.succeeded\""))
            #expect(csv.headers.contentType?.subType == "csv")
            #expect(csv.headers.first(name: .contentDisposition)?.contains("attachment") == true)
            let lines = csv.body.string.split(separator: "\r\n")
            #expect(lines.first?.hasPrefix("sequence,occurred_at_utc,actor") == true)
            #expect(lines.count == 3)
            #expect(lines.dropFirst().allSatisfy { $0.contains("auth.sign_in.succeeded") })
            // a period (times sent to the database as bound values): the test clock's day holds both sign-ins, an
            // earlier year none
            let today = AuditCSVExport.utcMilliseconds(t.clock.now).prefix(10)
            let thatDay = try await auditor.get("/audit/export.csv?action=auth.sign_in.succeeded&from=\(today)&to=\(today)")
            #expect(thatDay.body.string.split(separator: "\r\n").count == 3)
            let earlier = try await auditor.get("/audit/export.csv?action=auth.sign_in.succeeded&from=2020-01-01&to=2020-12-31")
            #expect(earlier.status == .ok && earlier.body.string.split(separator: "\r\n").count == 1)
            let all = try await auditor.get("/audit/export.csv")
            #expect(all.body.string.contains("'=cmd|"))
            #expect(try await t.auditActions().contains("audit.exported"))
        }
    }

    @Test(arguments: TestDatabase.all)
    func auditEntriesNeverHoldPasswordsAndNeutraliseLineBreaks(db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            try await t.user("budi", role: .caOperator)
            let secret = "my very secret guess"
            try await t.browser().signIn("budi\nFAKE admin signed in", secret)
            try await t.browser().signIn("budi", secret)
            let rows = try await t.sql.raw("SELECT * FROM audit_entries").all()
            #expect(!rows.isEmpty)
            for row in rows {
                let text = try ["actor_name", "target_id", "details"].map { try row.decode(column: $0, as: String.self) }.joined()
                #expect(!text.contains(secret))
                #expect(!text.contains("\n"))
            }
        }
    }

    @Test(arguments: TestDatabase.all)
    func theExportStreamsEveryEntryOfALongLogInOrderAcrossItsBatches(db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            // setup: more entries than two export batches, by two actors
            let total = AuditCSVExport.batchSize * 2 + 345
            let entries = (0..<total).map { index in
                AuditLog.Entry(action: .agencyCreated, context: .system(index % 3 == 0 ? "importer" : "test"), targetType: "agency",
                               targetID: "a\(index)", details: ["n": String(index)])
            }
            for chunk in stride(from: 0, to: total, by: 500) {
                try await WriteTransaction.run(on: t.db) { db in
                    try await t.services.audit.appendMany(Array(entries[chunk..<min(chunk + 500, total)]), on: db)
                }
            }
            try await t.user("ani", role: .auditor)
            let auditor = t.browser()
            try await auditor.signIn("ani", TestApp.password)
            // act
            let all = try await auditor.get("/audit/export.csv?action=agency.created")
            let byActor = try await auditor.get("/audit/export.csv?action=agency.created&actor=importer")
            // check: every entry once, in sequence order, across the batches; the actor filter through its index
            func sequences(_ csv: String) -> [Int64] { csv.split(separator: "\r\n").dropFirst().compactMap { Int64($0.prefix { $0 != "," }) } }
            let allSequences = sequences(all.body.string)
            #expect(all.status == .ok && allSequences.count == total && allSequences == allSequences.sorted() && Set(allSequences).count == total)
            #expect(sequences(byActor.body.string).count == (total + 2) / 3 && byActor.body.string.contains("importer"))
            #expect(!byActor.body.string.split(separator: "\r\n").dropFirst().contains { $0.contains(",test,") })
        }
    }

    @Test func theExportWritesTimesAsISO8601UTCWithMilliseconds() {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        for milliseconds in [0, 1_764_627_005_123, 951_782_400_999, 4_102_444_799_500] as [Int64] {
            let date = Date(timeIntervalSince1970: Double(milliseconds) / 1000)
            #expect(AuditCSVExport.utcMilliseconds(date) == formatter.string(from: date))
        }
    }
}
