@testable import AMSServer
import AMSCore
import Fluent
import Testing
import VaporTesting

@Suite("Changed identity data needs re-verification before issuance")
struct IdentityReverificationTests {
    @Test(arguments: TestDatabase.all)
    func holderChangesDataAndAnOperatorReverifiesIt(db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            // setup: a verified holder, operators of their agency, of another agency, and of the CA
            let agency = try await t.agency()
            let other = try await t.agency(code: "BKD-RIAU", name: "BKD Riau", domains: ["riau.go.id"])
            let holder = try await t.user("199005052015032001", role: .applicant, agency: agency, email: "siti@sumbarprov.go.id")
            holder.position = "Analis"
            holder.fullName = "Siti Rahmawati"
            holder.identityVerifiedAt = t.clock.now
            try await holder.save(on: t.db)
            try await t.user("op.sumbar", role: .agencyOperator, agency: agency)
            try await t.user("op.riau", role: .agencyOperator, agency: other)
            let browser = t.browser()
            try await browser.signIn(holder.username, TestApp.password)
            // act: an unchanged save changes nothing; a new position needs re-verification
            #expect(try await browser.post("/profile", form: ["fullName": holder.fullName, "position": "Analis", "email": holder.email]).location == "/profile")
            #expect(try await UserModel.find(holder.id, on: t.db)?.reverificationRequired == false)
            let bad = try await browser.post("/profile", form: ["fullName": holder.fullName, "position": "Kepala Bidang", "email": "siti@gmail.com"])
            #expect(bad.status == .unprocessableEntity && bad.body.string.contains("domain dinas instansi"))
            let changed = try await browser.post("/profile", form: ["fullName": holder.fullName, "position": "Kepala Bidang", "email": holder.email])
            #expect(changed.location == "/profile?notice=identity_changed")
            var stored = try #require(try await UserModel.find(holder.id, on: t.db))
            #expect(stored.position == "Kepala Bidang" && stored.reverificationRequired && !stored.mayBeIssuedCertificate)
            // the other agency's operator neither sees nor may re-verify; the holder's agency operator does
            let riau = t.browser()
            try await riau.signIn("op.riau", TestApp.password)
            #expect(!(try await riau.get("/reverifications").body.string.contains("Kepala Bidang")))
            #expect(try await riau.post("/reverifications/\(holder.id!.uuidString)", form: [:], from: "/reverifications").status == .forbidden)
            let sumbar = t.browser()
            try await sumbar.signIn("op.sumbar", TestApp.password)
            #expect(try await sumbar.get("/reverifications").body.string.contains("Kepala Bidang"))
            #expect(try await sumbar.post("/reverifications/\(holder.id!.uuidString)", form: [:], from: "/reverifications").status == .seeOther)
            stored = try #require(try await UserModel.find(holder.id, on: t.db))
            #expect(!stored.reverificationRequired && stored.mayBeIssuedCertificate)
            let actions = try await t.auditActions()
            #expect(actions.contains("account.identity_changed") && actions.contains("account.identity_reverified"))
        }
    }
}
