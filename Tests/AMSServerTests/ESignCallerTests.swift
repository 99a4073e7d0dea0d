@testable import AMSServer
import AMSCore
import AMSPKI
import AMSTestTools
import Fluent
import Foundation
import Testing
import VaporTesting

/// The national e-signature API's callers and signers: the nine user states over both families, applications that
/// are switched off, call from elsewhere or call too often, and v2's registration invitation.
@Suite("National e-signature API: callers and signer states")
struct ESignCallerTests {
    /// A holder of the agency with NIK `nik` and certificates in `statuses` (newest last).
    static func holder(_ t: TestApp, _ username: String, nik: String, agency: AgencyModel, certificates: [(CertificateStatus, expired: Bool)],
                       change: (UserModel) -> Void = { _ in }) async throws {
        let holder = try await t.verifiedHolder(username, agency: agency)
        holder.nik = nik
        change(holder)
        try await holder.save(on: t.db)
        for (index, (status, expired)) in certificates.enumerated() {
            let record = CertificateModel()
            record.$holder.id = holder.id!
            record.$agency.id = agency.id!
            record.status = status
            record.method = .generated
            record.profile = "holder-signing"
            record.requestedVia = "web"
            record.requestedBy = username
            record.version = 1
            record.subject = "CN=\(username)"
            record.email = holder.email
            record.keyAlgorithm = KeyAlgorithm.p256.rawValue
            record.publicKey = Data([0x30, 0x00])
            record.wrappedKey = Data([1, 2, 3])
            record.notAfter = t.clock.now.addingTimeInterval(expired ? -86_400 : 365 * 86_400)
            record.requestedAt = t.clock.now.addingTimeInterval(Double(index - 10) * 3600)
            record.reminderStage = 0
            record.updatedAt = t.clock.now
            try await record.create(on: t.db)
        }
    }

    @Test(arguments: TestDatabase.all)
    func everyOneOfTheNineStatesIsReportedByBothFamilies(db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            let agency = try await t.agency()
            let client = try await ESignClient.make(t, agency: agency)
            // one person in each state
            try await Self.holder(t, "199001012015031001", nik: "1371010101900001", agency: agency, certificates: [(.issued, false)])
            try await Self.holder(t, "199001012015031002", nik: "1371010101900002", agency: agency, certificates: [(.issued, true)])
            try await Self.holder(t, "199001012015031003", nik: "1371010101900003", agency: agency, certificates: [(.issued, true), (.pending, false)])
            try await Self.holder(t, "199001012015031004", nik: "1371010101900004", agency: agency, certificates: [(.issued, false)]) {
                $0.reverificationRequired = true
            }
            try await Self.holder(t, "199001012015031005", nik: "1371010101900005", agency: agency, certificates: [(.pending, false)])
            try await Self.holder(t, "199001012015031006", nik: "1371010101900006", agency: agency, certificates: [])
            try await Self.holder(t, "199001012015031008", nik: "1371010101900008", agency: agency, certificates: [(.issued, false)]) {
                $0.isActive = false
            }
            try await Self.holder(t, "199001012015031009", nik: "1371010101900009", agency: agency, certificates: [(.revoked, false)])
            // someone whose registration request is still open counts as waiting too (no account yet)
            let open = try await t.submittedRequest(agency: agency)
            let expected: [(String, SignerStatus)] = [
                ("1371010101900001", .issue), ("1371010101900002", .expired), ("1371010101900003", .renew),
                ("1371010101900004", .waitingForVerification), ("1371010101900005", .new), ("1371010101900006", .noCertificate),
                ("3578014107900009", .notRegistered), ("1371010101900008", .suspend), ("1371010101900009", .revoke),
                (open.nik, .waitingForVerification),
            ]
            #expect(Set(expected.map(\.1)) == Set(SignerStatus.allCases))
            for (nik, status) in expected {
                let v2 = try await client.json(.POST, "/api/v2/user/check/status", ["nik": nik])
                #expect(v2.status == .ok && v2.jsonObject?["status"] as? String == status.rawValue, "\(nik): \(v2.body.string)")
                let v1 = try await client.get("/api/user/status/\(nik)")
                #expect(v1.jsonObject?["status"] as? String == status.rawValue && v1.jsonObject?["status_code"] as? Int == ESignStatusText.code(status),
                        "\(nik): \(v1.body.string)")
            }
            // an expired certificate is reported as such when signing too, not as "not registered"
            let expired = try await client.json(.POST, "/api/v2/sign/pdf", ["nik": "1371010101900002", "passphrase": "x", "totp": "123456",
                                                                            "file": [Data(SampleDocuments.pdf()).base64EncodedString()]])
            #expect(expired.status == .conflict && expired.esignError?.message.contains("EXPIRED") == true, "\(expired.body.string)")
        }
    }

    @Test(arguments: TestDatabase.all)
    func switchedOffUnknownOffListAndTooFrequentCallersAreRefused(db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            let agency = try await t.agency()
            let client = try await ESignClient.make(t, agency: agency, perMinute: "3")
            let body: [String: Any] = ["nik": "3578014107900009"]
            // within the rate: answered; the fourth call in the minute: 429 with Retry-After
            for _ in 0..<3 { #expect(try await client.json(.POST, "/api/v2/user/check/status", body).status == .ok) }
            let tooMany = try await client.json(.POST, "/api/v2/user/check/status", body)
            #expect(tooMany.status == .tooManyRequests && tooMany.esignError?.code == 4290 && tooMany.headers.first(name: .retryAfter) == "60")
            t.clock.advance(by: 60)
            #expect(try await client.json(.POST, "/api/v2/user/check/status", body).status == .ok)
            // a wrong key, a wrong user name, no credential: 401 in the API's shape
            let wrongKey = ESignClient(t: t, user: client.user, key: "ams_" + String(repeating: "A", count: 43))
            #expect(try await wrongKey.json(.POST, "/api/v2/user/check/status", body).esignError?.code == 4010)
            let wrongUser = ESignClient(t: t, user: "ams_other", key: client.key)
            #expect(try await wrongUser.json(.POST, "/api/v2/user/check/status", body).status == .unauthorized)
            let anonymous = try await t.app.testing().sendRequest(.GET, "/api/user/status/3578014107900009")
            #expect(anonymous.status == .unauthorized && anonymous.esignError?.code == 4010)
            // switched off by the administrator: 401 until switched on again
            let key = try #require(try await APIKeyModel.query(on: t.db).first())
            let admin = t.browser()
            try await admin.signIn("admin", TestApp.password)
            #expect(try await admin.post("/admin/api-keys/\(key.id!)/switch", form: [:]).status == .seeOther)
            t.clock.advance(by: 60)
            #expect(try await client.json(.POST, "/api/v2/user/check/status", body).status == .unauthorized)
            _ = try await admin.post("/admin/api-keys/\(key.id!)/switch", form: [:])
            #expect(try await client.json(.POST, "/api/v2/user/check/status", body).status == .ok)
            // a key limited to other addresses: 403
            let elsewhere = try await ESignClient.make(t, agency: agency, name: "E-Office", addresses: "203.0.113.7, 10.20.0.0/16")
            let offList = try await elsewhere.json(.POST, "/api/v2/user/check/status", body)
            #expect(offList.status == .forbidden && offList.esignError?.code == 4030)
            // a list that is not one is refused on the page
            let bad = try await admin.post("/admin/api-keys", form: ["agencyID": agency.id!.uuidString, "name": "Salah", "allowedAddresses": "10.0.0.0/33"])
            #expect(bad.status == .unprocessableEntity)
            let actions = try await t.auditActions()
            #expect(actions.contains("esign.refused") && actions.contains("api_key.disabled") && actions.contains("api_key.enabled"))
        }
    }

    @Test(arguments: TestDatabase.all)
    func housekeepingDeletesDownloadsPastTheirTenMinutesAndCallCountsOlderThanAnHour(db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            let client = try await ESignClient.make(t, agency: try await t.agency())
            let key = try #require(try await APIKeyModel.query(on: t.db).first())
            let body: [String: Any] = ["nik": "3578014107900009"]
            // a call counted an hour and a minute ago, one now
            #expect(try await client.json(.POST, "/api/v2/user/check/status", body).status == .ok)
            t.clock.advance(by: 61 * 60)
            #expect(try await client.json(.POST, "/api/v2/user/check/status", body).status == .ok)
            // documents kept eleven minutes, two hours and one minute ago
            for (name, age) in [("sebelas-menit.pdf", 11.0 * 60), ("dua-jam.pdf", 7200), ("satu-menit.pdf", 60)] {
                let row = SignedDownloadModel()
                row.$key.id = key.id!
                row.name = name
                row.document = Data("%PDF-1.7".utf8)
                row.createdAt = t.clock.now.addingTimeInterval(-age)
                row.expiresAt = row.createdAt.addingTimeInterval(SignedDownloadModel.lifetime)
                try await row.create(on: t.db)
            }
            // act
            let deleted = try await ESignService(services: t.services, database: t.db).prune()
            // check: the two past their ten minutes and the old count are gone; the rest stays
            #expect(deleted == 2)
            #expect(try await SignedDownloadModel.query(on: t.db).all().map(\.name) == ["satu-menit.pdf"])
            let minutes = try await t.sql.raw("SELECT minute FROM api_call_counts").all()
                .map { try $0.decode(column: "minute", as: Int64.self) }
            #expect(minutes == [Int64(t.clock.now.timeIntervalSince1970 / 60)])
            #expect(try await ESignService(services: t.services, database: t.db).prune() == 0)
        }
    }

    @Test(arguments: TestDatabase.all)
    func v2RegistrationStartsARegistrationThePersonCompletesOnTheAgencysForm(db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            let agency = try await t.agency()
            let client = try await ESignClient.make(t, agency: agency)
            let address = "rina.marlina@sumbarprov.go.id"
            #expect(try await client.json(.POST, "/api/v2/user/check/status", ["email": address]).jsonObject?["status"] as? String == "NOT_REGISTERED")
            let started = try await client.json(.POST, "/api/v2/user/registration", ["nama": "Rina Marlina", "email": address])
            #expect(started.status == .accepted && started.jsonObject?["status"] as? String == "WAITING_FOR_VERIFICATION", "\(started.body.string)")
            // the person is now waiting, and a second start answers that state
            #expect(try await client.json(.POST, "/api/v2/user/check/status", ["email": address]).jsonObject?["status"] as? String
                    == "WAITING_FOR_VERIFICATION")
            #expect(try await client.json(.POST, "/api/v2/user/registration", ["nama": "Rina Marlina", "email": address]).status == .conflict)
            // the mailed link opens the request form with name, address and agency filled in
            let mail = try #require(try await t.mails(to: address).first)
            #expect(mail.body.contains("SRIKANDI Sumbar"))
            let link = try #require(mail.body.range(of: #"/register\?invitation=[A-Za-z0-9_-]{43}"#, options: .regularExpression))
            let form = try await t.browser().get(String(mail.body[link])).body.string
            #expect(form.contains("value=\"\(agency.id!.uuidString)\" selected") && form.contains("value=\"Rina Marlina\"")
                    && form.contains("value=\"\(address)\""), "\(form.prefix(200))")
            // the token is stored hashed only
            let stored = try #require(try await RegistrationInvitationModel.query(on: t.db).first())
            #expect(!mail.body.contains(stored.tokenHash))
            // after seven days the invitation is over
            t.clock.advance(by: RegistrationInvitationModel.lifetime + 1)
            #expect(try await client.json(.POST, "/api/v2/user/check/status", ["email": address]).jsonObject?["status"] as? String == "NOT_REGISTERED")
            // outside the agency's mail domains: refused; already known: the current state, 409
            let foreign = try await client.json(.POST, "/api/v2/user/registration", ["nama": "Rina Marlina", "email": "rina@gmail.com"])
            #expect(foreign.status == .badRequest && foreign.esignError?.message.contains("official mail domains") == true)
            let holder = try await t.verifiedHolder(agency: agency)
            let known = try await client.json(.POST, "/api/v2/user/registration", ["nama": holder.fullName, "email": holder.email])
            #expect(known.status == .conflict && known.jsonObject?["status"] as? String == "NO_CERTIFICATE")
            #expect(try await t.auditActions().contains("registration.invited"))
        }
    }
}

/// The integrator's view: a small Python `requests` client (`Tests/ESign/agency_client.py`) signs a letter through
/// v1 and a bulk through v2 against AMS on a live socket; the holder's mailed codes are typed in as they arrive.
@Suite("National e-signature API: an agency's own client")
struct ESignClientProgramTests {
    @Test func anIntegratorsPythonClientSignsThroughBothFamilies() async throws {
        try await TestApp.with(.sqlite, clock: CertificateRevocationTests.realClock()) { t in
            let (holder, client, root, folder) = try await ESignAPITests.world(t)
            defer { folder.remove() }
            let port = try await t.startLiveServer()
            let codes = try ScratchFolder("ams-esign-codes"), out = try ScratchFolder("ams-esign-out")
            defer { codes.remove(); out.remove() }
            let corpus = SigningFixtures.corpus
            let bulk = ["fpdf2-classic-xref.pdf", "qpdf-object-streams.pdf", "incremental-update.pdf"].map { corpus.appendingPathComponent($0).path }
            let script = SigningFixtures.tests.appendingPathComponent("ESign/agency_client.py").path
            // act: the client runs; each mailed code is typed in as it arrives
            async let run = ExternalTool.runDetached(["python3", script, "http://127.0.0.1:\(port)", client.user, client.key, ESignAPITests.nik,
                                                      TestApp.passphrase, codes.url.path, out.url.path,
                                                      corpus.appendingPathComponent("marker-on-last-page.pdf").path] + bulk)
            for (number, documents) in [(1, 1), (2, bulk.count)] {
                var code: String?
                for _ in 0..<300 where code == nil {
                    let mail = try await t.mails(to: holder.email).first { $0.body.contains("menandatangani \(documents) dokumen") }
                    if let body = mail?.body, let found = body.range(of: #"\b[0-9]{6}\b"#, options: .regularExpression) { code = String(body[found]) }
                    if code == nil { try await Task.sleep(nanoseconds: 100_000_000) }
                }
                _ = try codes.write("code-\(number)", try #require(code))
            }
            let output = try await run
            // check: four signed files, each valid and trusted
            #expect(output.status == 0, "\(output.combined)")
            let written = output.stdout.split(separator: "\n").map { String($0.split(separator: " ")[0]) }
            #expect(written.count == 1 + bulk.count)
            for path in written {
                let verdict = try ESignAPITests.verdict(Array(try Data(contentsOf: URL(fileURLWithPath: path))), root: root)
                #expect(verdict.count == 1 && verdict[0].contains("intact=True valid=True trusted=True"), "\(path): \(verdict)")
            }
            await t.stopLiveServer()
        }
    }
}
