@testable import AMSServer
import AMSCore
import AMSPKI
import AMSTestTools
import Fluent
import Foundation
import Testing
import VaporTesting

/// Security finding (high): an agency API key obtained a holder's signing certificate for a key the agency held. A
/// certificate for a person is now requested by that person only: the API may start the request, which then waits
/// for the holder to confirm it, signed in and re-entering their password; approvers see who started it and how.
@Suite("An agency application cannot obtain a holder's certificate for a key it holds")
struct AgencyStartedRequestTests {
    @Test(arguments: TestDatabase.all)
    func anAPIStartedRequestWaitsForTheHoldersConfirmation(db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            // setup: the agency's application holds a key of its own and knows the holder's NIP
            try await t.certificateAuthority()
            let agency = try await t.agency()
            let holder = try await t.verifiedHolder(agency: agency)
            try await t.user("op.ca", role: .caOperator)
            try await t.user("admin", role: .administrator)
            let admin = t.browser()
            try await admin.signIn("admin", TestApp.password)
            let key = try await t.apiKey(agency: agency, admin: admin)
            let agencyCSR = try TestApp.csrSource(commonName: "made by the agency")
            guard case .csr(let csrBytes) = agencyCSR else { Issue.record("no CSR"); return }
            let pem = PEM.encode(csrBytes, label: "CERTIFICATE REQUEST")
            let body = try String(data: JSONEncoder().encode(["holder": holder.username, "csr": pem]), encoding: .utf8)!
            // act: the attack as reported
            let created = try await t.callAPI(.POST, "/api/v1/certificates", key: key, json: body)
            // check: the request exists but waits for the holder; nobody can approve it
            #expect(created.status == .created)
            let summary = try created.content.decode(CertificateAPIController.Summary.self)
            #expect(summary.status == .awaitingHolder && summary.serial == nil && summary.certificatePEM == nil)
            let page = "/certificates/\(summary.id.uuidString)"
            let ca = t.browser()
            try await ca.signIn("op.ca", TestApp.password)
            let shown = try await ca.get(page).body.string
            #expect(shown.contains("Menunggu konfirmasi pemegang") && shown.contains("Aplikasi instansi «SIMPEG Sumbar» melalui API"))
            #expect(!shown.contains("/approve\""), "an operator is offered approval of an unconfirmed request")
            let forced = try await ca.post(page + "/approve", form: ["version": String(summary.version)], from: page)
            #expect(forced.status == .conflict)
            let selected = try await ca.post("/certificates/approve", form: ["selected": "\(summary.id.uuidString):\(summary.version)"],
                                             from: "/certificates")
            #expect(selected.status == .conflict)
            #expect(try await t.record(summary.id).status == .awaitingHolder)
            // the holder confirms only with their password
            let browser = t.browser()
            try await browser.signIn(holder.username, TestApp.password)
            #expect(try await browser.get(page).body.string.contains("Konfirmasi permohonan ini"))
            let wrong = try await browser.post(page + "/confirm", form: ["password": "bukan kata sandinya"], from: page)
            #expect(wrong.status == .unprocessableEntity && wrong.body.string.contains("Kata sandi salah"))
            #expect(try await t.record(summary.id).status == .awaitingHolder)
            let confirmed = try await browser.post(page + "/confirm", form: ["password": TestApp.password], from: page)
            #expect(confirmed.status == .seeOther)
            let record = try await t.record(summary.id)
            #expect(record.status == .pending && record.holderConfirmedAt != nil && record.requestedVia == "api")
            #expect(try await ca.get(page).body.string.contains("dikonfirmasi pemegang"))
            // now a CA operator may approve it; the audit log tells who started and who confirmed it
            let approved = try await ca.post(page + "/approve", form: ["version": String(record.version)], from: page)
            let issued = try await t.record(summary.id)
            #expect(approved.status == .seeOther && issued.status == .issued)
            let actions = try await AuditEntryModel.query(on: t.db).filter(\.$targetID == summary.id.uuidString).sort(\.$sequence).all()
            #expect(actions.map(\.action).prefix(3) == ["certificate.requested", "certificate.confirmed_by_holder", "certificate.approved"])
            #expect(actions.first?.actorName == "api:SIMPEG Sumbar")
            #expect(try await t.services.auditVerifier.verify(on: t.db).isIntact)
        }
    }

    @Test(arguments: TestDatabase.all)
    func theHolderMayDeclineAndNothingIsSigned(db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            // setup
            try await t.certificateAuthority()
            let agency = try await t.agency()
            let holder = try await t.verifiedHolder(agency: agency)
            let started = try await t.certificateService().request(holder: holder, source: try TestApp.csrSource(commonName: "x"),
                                                                   origin: .agencyApplication(name: "SIMPEG Sumbar"), context: .system())
            let page = "/certificates/\(started.id!.uuidString)"
            let browser = t.browser()
            try await browser.signIn(holder.username, TestApp.password)
            // act
            let declined = try await browser.post(page + "/decline", form: [:], from: page)
            // check: closed, never signed, and the holder may ask for their own now
            #expect(declined.status == .seeOther)
            let record = try await t.record(started.id)
            #expect(record.status == .rejected && record.serialHex == nil && record.certificateDER == nil)
            let again = try await browser.post(page + "/confirm", form: ["password": TestApp.password], from: page)
            #expect(again.status == .conflict)
        }
    }
}
