import AMSCore
import AMSPKI
import Crypto
import Foundation

/// The proof of work the public registration form asks of the browser: a hashcash stamp AMS issues and checks itself
/// (no third-party CAPTCHA service). The page carries a challenge `issued.bits.nonce.mac`; the browser's script
/// (`Public/js/form-work.js`) finds a counter such that SHA-256 of `nonce:counter` starts with `bits` zero bits and
/// sends it with the form. One submission costs about 2^bits hashes (2^20 ≈ one second in a browser), so a flood from
/// one machine costs that much per request on top of the per-address and global limits. The MAC (HMAC-SHA256 under a
/// key derived from the server secret) makes challenges unforgeable; each is spent once (``SpentChallengeModel``)
/// and lives ``lifetime`` seconds.
struct FormChallenge: Sendable {
    let key: SymmetricKey
    /// Leading zero bits the stamp's SHA-256 must have.
    let bits: Int
    /// How long a challenge may be solved and sent after the form was served.
    let lifetime: TimeInterval

    /// Why a stamp is refused, or the nonce to spend when it is accepted.
    enum Verdict: Equatable {
        case solved(nonce: String, expiresAt: Date)
        /// No challenge or counter came with the form (the script did not run).
        case missing
        /// The challenge was not one AMS issued, or the counter is not a number.
        case forged
        case expired
        /// The counter does not give the required zero bits.
        case unsolved
    }

    /// A new challenge for a form served at `now`.
    func issue(now: Date, random: any RandomSource) -> String {
        let body = "\(Int(now.timeIntervalSince1970)).\(bits).\(random.bytes(count: 16).hexString)"
        return body + "." + mac(body)
    }

    /// Checks a stamp sent with the form at `now`.
    func check(challenge: String?, work: String?, now: Date) -> Verdict {
        guard let challenge, let work, !challenge.isEmpty, !work.isEmpty else { return .missing }
        let parts = challenge.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 4, let issued = Int(parts[0]), let required = Int(parts[1]),
              TokenDigest.constantTimeEquals(parts[3], mac(parts[0...2].joined(separator: "."))),
              work.count <= 12, work.allSatisfy(\.isASCIIDigit)
        else { return .forged }
        let expiresAt = Date(timeIntervalSince1970: TimeInterval(issued) + lifetime)
        guard now < expiresAt else { return .expired }
        let digest = Array(SHA256.hash(data: Data("\(parts[2]):\(work)".utf8)))
        // the difficulty is the one the challenge was issued with (a setting changed meanwhile spoils no open form)
        guard Self.leadingZeroBits(digest) >= required else { return .unsolved }
        return .solved(nonce: parts[2], expiresAt: expiresAt)
    }

    static func leadingZeroBits(_ bytes: [UInt8]) -> Int {
        var count = 0
        for byte in bytes {
            if byte == 0 { count += 8; continue }
            return count + byte.leadingZeroBitCount
        }
        return count
    }

    private func mac(_ body: String) -> String {
        Array(HMAC<SHA256>.authenticationCode(for: Data(("form-work:" + body).utf8), using: key)).hexString
    }
}

private extension Character {
    var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}
