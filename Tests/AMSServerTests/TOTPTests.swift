@testable import AMSServer
import Foundation
import Testing

/// The second factor's one-time codes: RFC 6238's test vectors, the drift window, no reuse, and the enrolment URI.
@Suite("Time-based one-time passwords (RFC 6238)")
struct TOTPTests {
    static let rfcSecret = Array("12345678901234567890".utf8)

    @Test(arguments: [(59, "94287082"), (1_111_111_109, "07081804"), (1_111_111_111, "14050471"), (1_234_567_890, "89005924"),
                      (2_000_000_000, "69279037"), (20_000_000_000, "65353130")])
    func theRFCsSHA1VectorsAreMet(time: Int, code: String) {
        let totp = TOTP(secret: Self.rfcSecret, digits: 8)
        #expect(totp.code(at: Date(timeIntervalSince1970: TimeInterval(time))) == code)
    }

    @Test func aCodeIsTakenInItsStepOrOneEitherSideAndOnlyOnce() {
        let totp = TOTP(secret: Self.rfcSecret)
        let now = Date(timeIntervalSince1970: 1_111_111_111)
        let step = totp.step(at: now)
        #expect(totp.acceptedStep(totp.code(step: step), at: now, lastAcceptedStep: nil) == step)
        #expect(totp.acceptedStep(totp.code(step: step - 1), at: now, lastAcceptedStep: nil) == step - 1)
        #expect(totp.acceptedStep(totp.code(step: step + 1), at: now, lastAcceptedStep: nil) == step + 1)
        #expect(totp.acceptedStep(totp.code(step: step - 2), at: now, lastAcceptedStep: nil) == nil)
        // reuse: the same code, or an older one, after a step was accepted
        #expect(totp.acceptedStep(totp.code(step: step), at: now, lastAcceptedStep: step) == nil)
        #expect(totp.acceptedStep(totp.code(step: step - 1), at: now, lastAcceptedStep: step) == nil)
        // typing: spaces are forgiven, letters and wrong lengths are not
        let code = totp.code(step: step)
        #expect(totp.acceptedStep(String(code.prefix(3)) + " " + String(code.suffix(3)), at: now, lastAcceptedStep: nil) == step)
        #expect(totp.acceptedStep("12345a", at: now, lastAcceptedStep: nil) == nil && totp.acceptedStep("12345", at: now, lastAcceptedStep: nil) == nil)
    }

    @Test func theEnrolmentURIIsWhatAuthenticatorAppsRead() {
        #expect(TOTP.base32(Array("foobar".utf8)) == "MZXW6YTBOI")  // RFC 4648 §10, without padding
        let uri = TOTP(secret: Self.rfcSecret).provisioningURI(issuer: "AMS BSrE", account: "199005052015032001")
        #expect(uri == "otpauth://totp/AMS%20BSrE%3A199005052015032001?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=AMS%20BSrE&algorithm=SHA1&digits=6&period=30")
    }
}
