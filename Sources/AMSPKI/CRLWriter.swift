import Foundation

/// Builds a full RFC 5280 v2 CRL, one revoked entry at a time, so entries can stream from the database straight
/// into DER without an intermediate model per row.
///
/// Extensions: authorityKeyIdentifier and cRLNumber on the list; reasonCode (unless unspecified) and
/// invalidityDate per entry.
public struct CRLWriter: Sendable {
    let issuer: CertificateAuthority
    var entries: DERWriter
    public private(set) var count = 0

    public init(issuer: CertificateAuthority, expectedEntries: Int = 0) {
        self.issuer = issuer
        entries = DERWriter(reservingCapacity: max(256, expectedEntries * 40))
    }

    public mutating func append(_ entry: RevokedEntry) {
        append(serial: entry.serial, revokedAt: entry.revokedAt, reason: entry.reason, invalidityDate: entry.invalidityDate)
    }

    public mutating func append(serial: [UInt8], revokedAt: Date, reason: RevocationReason, invalidityDate: Date?) {
        count += 1
        entries.sequence { entry in
            entry.unsignedInteger(serial)
            entry.time(revokedAt)
            if reason != .unspecified || invalidityDate != nil {
                entry.sequence { extensions in
                    if reason != .unspecified {
                        extensions.sequence { reasonCode in
                            reasonCode.objectIdentifier(.crlReason)
                            reasonCode.constructed(DERWriter.Tag.octetString) { $0.enumerated(reason.rawValue) }
                        }
                    }
                    if let invalidityDate {
                        extensions.sequence { invalidity in
                            invalidity.objectIdentifier(.invalidityDate)
                            invalidity.constructed(DERWriter.Tag.octetString) { $0.generalizedTime(invalidityDate) }
                        }
                    }
                }
            }
        }
    }

    /// Signs and returns the CRL's DER.
    public func finish(number: UInt64, thisUpdate: Date, nextUpdate: Date) throws -> [UInt8] {
        var tbs = DERWriter(reservingCapacity: entries.bytes.count + 512)
        tbs.sequence { list in
            list.integer(1)
            issuer.key.writeSignatureAlgorithm(into: &list)
            list.appendRaw(issuer.subjectDER)
            list.time(thisUpdate)
            list.time(nextUpdate)
            if count > 0 { list.append(tag: DERWriter.Tag.sequence, content: entries.bytes) }
            list.constructed(DERWriter.Tag.contextConstructed(0)) { wrapper in
                wrapper.sequence { extensions in
                    extensions.sequence { aki in
                        aki.objectIdentifier(.authorityKeyIdentifier)
                        aki.constructed(DERWriter.Tag.octetString) { value in
                            value.sequence { $0.append(tag: DERWriter.Tag.contextPrimitive(0), content: issuer.keyIdentifier) }
                        }
                    }
                    extensions.sequence { crlNumber in
                        crlNumber.objectIdentifier(.crlNumber)
                        crlNumber.constructed(DERWriter.Tag.octetString) { $0.integer(Int64(number)) }
                    }
                }
            }
        }
        return try issuer.key.signedStructure(tbs: tbs.bytes)
    }
}
