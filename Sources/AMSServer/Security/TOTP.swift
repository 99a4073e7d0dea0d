import Crypto
import Foundation

/// Time-based one-time passwords (RFC 6238, on RFC 4226's HOTP) as authenticator apps make them: HMAC-SHA-1, six
/// digits, 30-second steps. A code is accepted in the step it belongs to or one step either side (clock drift), and
/// only in a step later than the last one accepted, so a code seen once cannot be used again.
struct TOTP: Sendable {
    let secret: [UInt8]
    var digits = 6
    var period: TimeInterval = 30

    /// The step a moment falls in.
    func step(at date: Date) -> UInt64 {
        UInt64(max(0, date.timeIntervalSince1970) / period)
    }

    /// The code of `step` (RFC 4226 §5.3: dynamic truncation of HMAC-SHA-1 over the big-endian counter).
    func code(step: UInt64) -> String {
        var counter = step.bigEndian
        let message = withUnsafeBytes(of: &counter) { Array($0) }
        let mac = Array(HMAC<Insecure.SHA1>.authenticationCode(for: message, using: SymmetricKey(data: secret)))
        let offset = Int(mac[mac.count - 1] & 0x0F)
        let binary = (UInt32(mac[offset] & 0x7F) << 24) | (UInt32(mac[offset + 1]) << 16) | (UInt32(mac[offset + 2]) << 8) | UInt32(mac[offset + 3])
        var modulus: UInt32 = 1
        for _ in 0..<digits { modulus *= 10 }
        let value = String(binary % modulus)
        return String(repeating: "0", count: digits - value.count) + value
    }

    func code(at date: Date) -> String { code(step: step(at: date)) }

    /// The step `candidate` belongs to, if it is the code of the current step or one either side and that step is
    /// later than `lastAcceptedStep`; nil otherwise. Compared in constant time.
    func acceptedStep(_ candidate: String, at date: Date, lastAcceptedStep: UInt64?) -> UInt64? {
        let typed = candidate.filter { !$0.isWhitespace }
        guard typed.count == digits, typed.allSatisfy(\.isASCII), typed.allSatisfy(\.isNumber) else { return nil }
        let now = step(at: date)
        // (the where clause drops the step before 0, which &- wraps to the largest value)
        for step in [now &- 1, now, now + 1] where step <= now + 1 {
            if let last = lastAcceptedStep, step <= last { continue }
            if TokenDigest.constantTimeEquals(code(step: step), typed) { return step }
        }
        return nil
    }

    /// The `otpauth://` URI an authenticator app reads from the enrolment QR code.
    func provisioningURI(issuer: String, account: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        let label = (issuer + ":" + account).addingPercentEncoding(withAllowedCharacters: allowed) ?? account
        let issuerParameter = issuer.addingPercentEncoding(withAllowedCharacters: allowed) ?? issuer
        return "otpauth://totp/\(label)?secret=\(Self.base32(secret))&issuer=\(issuerParameter)&algorithm=SHA1&digits=\(digits)&period=\(Int(period))"
    }

    /// RFC 4648 base32 without padding, as authenticator apps take secrets.
    static func base32(_ bytes: [UInt8]) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
        var output = "", buffer: UInt32 = 0, bits = 0
        for byte in bytes {
            buffer = (buffer << 8) | UInt32(byte)
            bits += 8
            while bits >= 5 {
                output.append(alphabet[Int((buffer >> UInt32(bits - 5)) & 31)])
                bits -= 5
            }
        }
        if bits > 0 { output.append(alphabet[Int((buffer << UInt32(5 - bits)) & 31)]) }
        return output
    }
}
