import Foundation
import SwiftASN1

/// An RFC 3161 TSTInfo as a verifier needs it: the policy, what was stamped (hash algorithm and hash) and the time.
public struct TimeStampInfo: Sendable {
    public let policy: OID
    public let hashAlgorithm: OID
    public let hashedMessage: [UInt8]
    public let time: Date

    public init(_ der: [UInt8]) throws {
        let malformed = CMSSignedDataReader.Failure.malformed("TSTInfo")
        let root = try DER.parse(der)
        guard root.identifier == .sequence, case .constructed(let nodes) = root.content else { throw malformed }
        let fields = Array(nodes)
        guard fields.count >= 5, fields[0].primitiveContent(.integer) == [1], let policyBytes = fields[1].primitiveContent(.objectIdentifier),
              let policy = OID(contentBytes: policyBytes), case .constructed(let imprint) = fields[2].content else { throw malformed }
        let imprintFields = Array(imprint)
        guard imprintFields.count == 2, let algorithm = try CMSSignedDataReader.algorithm(imprintFields[0]),
              let hashed = imprintFields[1].primitiveContent(.octetString),
              let timeBytes = fields[4].primitiveContent(.generalizedTime) else { throw malformed }
        self.policy = policy
        hashAlgorithm = algorithm
        hashedMessage = Array(hashed)
        time = try Self.generalizedTime(String(decoding: timeBytes, as: UTF8.self))
    }

    /// `YYYYMMDDHHMMSS[.fff]Z`.
    static func generalizedTime(_ text: String) throws -> Date {
        let digits = String(text.prefix(14))
        guard text.hasSuffix("Z"), digits.count == 14, digits.allSatisfy(\.isNumber) else {
            throw CMSSignedDataReader.Failure.malformed("genTime")
        }
        let value = { (start: Int, length: Int) in Int(digits.dropFirst(start).prefix(length))! }
        guard let date = Calendar.gregorianUTC.date(from: DateComponents(year: value(0, 4), month: value(4, 2), day: value(6, 2),
                                                                         hour: value(8, 2), minute: value(10, 2), second: value(12, 2)))
        else {
            throw CMSSignedDataReader.Failure.malformed("genTime")
        }
        return date
    }
}
