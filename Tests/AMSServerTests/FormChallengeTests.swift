@testable import AMSServer
import AMSCore
import Fluent
import Foundation
import Testing
import VaporTesting

/// Security finding (medium): the public form could be flooded. Besides the limits per address and in all, every
/// submission carries a proof of work AMS serves and checks itself (``FormChallenge``): a stamp missing, forged,
/// unsolved, stale or sent twice records nothing and says what to do.
@Suite("The public form asks for a proof of work")
struct FormChallengeTests {
    /// Posts the form with the stamp `stamp` makes from the challenge the page served.
    static func submit(_ browser: TestBrowser, _ form: [String: String],
                       stamp: (_ challenge: String) -> [String: String]) async throws -> BrowserResponse {
        let page = try await browser.get("/register").body.string
        let challenge = try #require(TestBrowser.attribute("data-work-challenge", in: page))
        return try await browser.postMultipart("/register", fields: form.merging(stamp(challenge)) { $1 },
                                               files: RegistrationRequestTests.files(), csrf: TestBrowser.csrfToken(in: page))
    }

    @Test func theFormServesAChallengeAndItsScript() async throws {
        try await TestApp.with(.sqlite, tweak: { $0.submissionLimits.workBits = 12 }) { t in
            _ = try await t.agency()
            let page = try await t.browser().get("/register").body.string
            let challenge = try #require(TestBrowser.attribute("data-work-challenge", in: page))
            #expect(challenge.split(separator: ".")[1] == "12")
            #expect(page.contains(#"<script src="/js/form-work.js" defer></script>"#))
            let script = try await t.browser().get("/js/form-work.js")
            #expect(script.status == .ok && script.body.string.contains("data-work-challenge"))
        }
    }

    @Test(arguments: TestDatabase.all)
    func aMissingForgedUnsolvedOrStaleStampRecordsNothing(db: TestDatabase) async throws {
        try await TestApp.with(db, tweak: { $0.submissionLimits.workBits = 12 }) { t in
            let agency = try await t.agency()
            let form = SubmissionLimitTests.person(1, agency: agency)
            // act, check: no stamp (the script never ran)
            let missing = try await Self.submit(t.browser(), form) { _ in ["challenge": "", "work": ""] }
            #expect(missing.status == .unprocessableEntity && missing.body.string.contains("Aktifkan JavaScript"))
            // a stamp made for an easier challenge than the one served (the bits changed, the MAC no longer matches)
            let forged = try await Self.submit(t.browser(), form) { challenge in
                var parts = challenge.split(separator: ".").map(String.init)
                parts[1] = "1"
                let easier = parts.joined(separator: ".")
                return ["challenge": easier, "work": TestBrowser.solve(easier)]
            }
            #expect(forged.status == .unprocessableEntity && forged.body.string.contains("Pemeriksaan antispam tidak valid"))
            // a counter that does not give the zero bits
            let unsolved = try await Self.submit(t.browser(), form) { challenge in
                var counter = 0
                while FormChallenge.leadingZeroBits(Self.digest(challenge, counter)) >= 12 { counter += 1 }
                return ["challenge": challenge, "work": String(counter)]
            }
            #expect(unsolved.status == .unprocessableEntity && unsolved.body.string.contains("Pemeriksaan antispam tidak valid"))
            // a form left open longer than a challenge lives
            let browser = t.browser()
            let page = try await browser.get("/register").body.string
            let challenge = try #require(TestBrowser.attribute("data-work-challenge", in: page))
            t.clock.advance(by: 2 * 3600 + 1)
            let stale = try await browser.postMultipart("/register", fields: form.merging(["challenge": challenge, "work": TestBrowser.solve(challenge)]) { $1 },
                                                        files: RegistrationRequestTests.files(), csrf: TestBrowser.csrfToken(in: page))
            #expect(stale.status == .unprocessableEntity && stale.body.string.contains("terlalu lama terbuka"))
            #expect(try await RegistrationRequestModel.query(on: t.db).count() == 0)
            #expect(try await t.mails(to: form["email"]!).isEmpty)
            // the refused form comes back with a new challenge to solve
            #expect(TestBrowser.attribute("data-work-challenge", in: stale.body.string) != challenge)
        }
    }

    @Test(arguments: TestDatabase.all)
    func aSolvedStampIsSpentByOneSubmission(db: TestDatabase) async throws {
        try await TestApp.with(db, tweak: { $0.submissionLimits.workBits = 12 }) { t in
            let agency = try await t.agency()
            let browser = t.browser()
            let page = try await browser.get("/register").body.string
            let challenge = try #require(TestBrowser.attribute("data-work-challenge", in: page))
            let stamp = ["challenge": challenge, "work": TestBrowser.solve(challenge)]
            // act: the same stamp for two different applicants
            let first = try await browser.postMultipart("/register", fields: SubmissionLimitTests.person(1, agency: agency).merging(stamp) { $1 },
                                                        files: RegistrationRequestTests.files(), csrf: TestBrowser.csrfToken(in: page))
            let replay = try await browser.postMultipart("/register", fields: SubmissionLimitTests.person(2, agency: agency).merging(stamp) { $1 },
                                                         files: RegistrationRequestTests.files(), csrf: TestBrowser.csrfToken(in: page))
            // check
            #expect(first.status == .seeOther)
            #expect(replay.status == .unprocessableEntity && replay.body.string.contains("sudah pernah dikirim"))
            #expect(try await RegistrationRequestModel.query(on: t.db).count() == 1)
        }
    }

    static func digest(_ challenge: String, _ counter: Int) -> [UInt8] {
        let nonce = challenge.split(separator: ".")[2]
        return Array(SHA256.hash(data: Data("\(nonce):\(counter)".utf8)))
    }
}
