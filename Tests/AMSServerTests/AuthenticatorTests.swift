@testable import AMSServer
import AMSCore
import AMSPKI
import AMSTestTools
import Fluent
import Foundation
import Testing
import VaporTesting

/// The authenticator app as the second factor for signing: enrolment on the profile (QR code, first code, recovery
/// codes shown once), each app code and recovery code usable once, removal only with the password, and the policy
/// switch that lets the passphrase alone open the key.
@Suite("Authenticator app and recovery codes for signing")
struct AuthenticatorTests {
    /// The enrolled secret, read back as the app would have it from the QR code.
    static func secret(_ t: TestApp, _ holder: UserModel) async throws -> [UInt8] {
        let service = AuthenticatorService(services: t.services, database: t.db)
        let row = try #require(try await service.authenticator(of: holder))
        return try service.secret(row, holder: holder)
    }

    @Test(arguments: TestDatabase.all)
    func aHolderEnrolsAnAppAndSignsWithItsCodesAndRecoveryCodesEachOnce(db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            let (_, _, holder, _, _) = try await t.issuedWorld()
            let browser = t.browser()
            try await browser.signIn(holder.username, TestApp.password)
            // the profile page leads there
            #expect(try await browser.get("/profile").body.string.contains("href=\"/profile/authenticator\""))
            // enrolment: a QR code, then a wrong first code, then the right one
            let started = try await browser.post("/profile/authenticator/start", form: [:], from: "/profile/authenticator").body.string
            #expect(started.contains("id=\"authenticator-qr\"") && started.contains("data:image/svg+xml;base64,"))
            let secret = try await Self.secret(t, holder)
            let wrong = try await browser.post("/profile/authenticator/confirm", form: ["code": "000000"], from: "/profile/authenticator")
            #expect(wrong.status == .unprocessableEntity && wrong.body.string.contains("Kode tidak cocok"))
            #expect(try await !AuthenticatorService(services: t.services, database: t.db).isEnrolled(holder))
            let first = TOTP(secret: secret).code(at: t.clock.now)
            let confirmed = try await browser.post("/profile/authenticator/confirm", form: ["code": first], from: "/profile/authenticator").body.string
            let recovery = confirmed.matches(of: /<code>([A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4})<\/code>/).map { String($0.1) }
            #expect(recovery.count == 10 && Set(recovery).count == 10)
            // nothing of the secret or the codes in the audit log
            let details = try await AuditEntryModel.query(on: t.db).all().map(\.details).joined()
            #expect(!details.contains(TOTP.base32(secret)) && !recovery.contains { details.contains($0) })
            #expect(try await t.auditActions().contains("authenticator.enrolled"))

            let document = try SigningFixtures.document("fpdf2-classic-xref.pdf")
            func sign(_ code: String) async throws -> HTTPStatus {
                try await browser.postMultipart("/sign", fields: ["passphrase": TestApp.passphrase, "code": code],
                                                files: ["documents[]": ("surat.pdf", document)], from: "/sign").status
            }
            // the app's code of the next step signs (the first code's step was spent on enrolment); the same code again does not
            t.clock.advance(by: 30)
            let code = TOTP(secret: secret).code(at: t.clock.now)
            #expect(try await sign(code) == .ok)
            #expect(try await sign(code) == .unprocessableEntity)
            // a recovery code signs once, in any case and spacing
            #expect(try await sign(recovery[0].lowercased().replacingOccurrences(of: "-", with: " ")) == .ok)
            #expect(try await sign(recovery[0]) == .unprocessableEntity)
            #expect(try await SignatureRecordModel.query(on: t.db).count() == 2)
            // each refusal counted (a success clears the count: two refusals, the last after the last success)
            #expect(try await UserModel.find(holder.id, on: t.db)?.signingFailures == 1)
            #expect(try await t.auditActions().filter { $0 == "signature.failed" }.count == 2)
            #expect(try await browser.get("/profile/authenticator").body.string.contains("Sisa kode pemulihan: 9."))

            // removal needs the password
            let refused = try await browser.post("/profile/authenticator/remove", form: ["password": "bukan kata sandinya"], from: "/profile/authenticator")
            #expect(refused.status == .unprocessableEntity)
            #expect(try await browser.post("/profile/authenticator/remove", form: ["password": TestApp.password], from: "/profile/authenticator").status == .seeOther)
            let authenticators = try await AuthenticatorModel.query(on: t.db).count(), codes = try await RecoveryCodeModel.query(on: t.db).count()
            #expect(authenticators == 0 && codes == 0)
            t.clock.advance(by: 30)
            #expect(try await sign(TOTP(secret: secret).code(at: t.clock.now)) == .unprocessableEntity)
        }
    }

    @Test(arguments: TestDatabase.all)
    func withoutTheSecondFactorPolicyThePassphraseAloneOpensTheKey(db: TestDatabase) async throws {
        try await TestApp.with(db, tweak: { $0.signing.secondFactorRequired = false }) { t in
            let (_, _, holder, _, _) = try await t.issuedWorld()
            let service = SigningService(services: t.services, database: t.db, threadPool: t.app.threadPool)
            let document = SigningService.Document(name: "surat.pdf", bytes: try SigningFixtures.document("fpdf2-classic-xref.pdf"))
            let signed = try await service.sign([document], holder: holder, passphrase: TestApp.passphrase, code: "",
                                                context: .system())
            #expect(signed.count == 1)
            // a code typed anyway must still be right
            await #expect(throws: DomainError.self) {
                _ = try await service.sign([document], holder: holder, passphrase: TestApp.passphrase, code: "123456",
                                           context: .system())
            }
        }
    }

    @Test(arguments: TestDatabase.all)
    func withTheDefaultPolicyTheSecondFactorIsRequired(db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            let (_, _, holder, _, _) = try await t.issuedWorld()
            let service = SigningService(services: t.services, database: t.db, threadPool: t.app.threadPool)
            let document = SigningService.Document(name: "surat.pdf", bytes: try SigningFixtures.document("fpdf2-classic-xref.pdf"))
            await #expect(throws: DomainError.self) {
                _ = try await service.sign([document], holder: holder, passphrase: TestApp.passphrase, code: "",
                                           context: .system())
            }
            #expect(try await SignatureRecordModel.query(on: t.db).count() == 0)
        }
    }
}
