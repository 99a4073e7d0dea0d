@testable import AMSServer
import AMSCore
import AMSPKI
import AMSTestTools
import Fluent
import Foundation
import Testing
import VaporTesting

/// Administrators add the roots verification trusts besides AMS's own: a foreign CA's signature is untrusted until
/// its root is added, trusted after, untrusted again once it is removed; what is not a CA certificate is refused.
@Suite("Trust anchors for verification")
struct TrustAnchorTests {
    @Test(arguments: TestDatabase.all)
    func anAddedRootMakesAForeignSignatureTrusted(db: TestDatabase) async throws {
        try await TestApp.with(db, clock: CertificateRevocationTests.realClock()) { t in
            let (_, _, holder, _, record) = try await t.issuedWorld()
            try await t.user("admin", role: .administrator)
            let admin = t.browser()
            try await admin.signIn("admin", TestApp.password)
            let document = try SigningFixtures.document("signed-once-by-another-ca.pdf")
            let rootPEM = try String(contentsOf: SigningFixtures.corpus.appendingPathComponent("signed-once-by-another-ca.root.crt"), encoding: .utf8)
            func verdict() async throws -> SignatureVerification {
                try #require(try await VerificationService(services: t.services, database: t.db).verify(document).signatures.first)
            }
            #expect(try await verdict().subIndication == .noCertificateChainFound)
            // a holder's certificate is no root; garbage is no certificate
            let holderPEM = PEM.encode(Array(try #require(record.certificateDER)), label: "CERTIFICATE")
            #expect(try await admin.post("/admin/trust-anchors", form: ["pem": holderPEM]).body.string.contains("bukan sertifikat CA"))
            #expect(try await admin.post("/admin/trust-anchors", form: ["pem": "bukan sertifikat"]).status == .unprocessableEntity)
            // act: the foreign root added
            #expect(try await admin.post("/admin/trust-anchors", form: ["pem": rootPEM]).status == .seeOther)
            #expect(try await admin.post("/admin/trust-anchors", form: ["pem": rootPEM]).body.string.contains("sudah ada"))
            let trusted = try await verdict()
            #expect(trusted.trusted && trusted.indication == .indeterminate && trusted.subIndication == .tryLater)
            // removed again: untrusted
            let anchor = try #require(try await TrustAnchorModel.query(on: t.db).first())
            #expect(try await admin.post("/admin/trust-anchors/\(anchor.id!)/remove", form: [:]).status == .seeOther)
            #expect(try await verdict().subIndication == .noCertificateChainFound)
            let actions = try await t.auditActions()
            #expect(actions.contains("trust_anchor.added") && actions.contains("trust_anchor.removed"))
            // only administrators
            let other = t.browser()
            try await other.signIn(holder.username, TestApp.password)
            #expect(try await other.get("/admin/trust-anchors").status == .forbidden)
        }
    }
}
