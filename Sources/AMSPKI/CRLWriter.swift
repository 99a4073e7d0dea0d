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

    /// `expectedEntries` reserves room up front (an entry takes 35–60 bytes), so a long list is not copied as it grows.
    public init(issuer: CertificateAuthority, expectedEntries: Int = 0) {
        self.issuer = issuer
        entries = DERWriter(reservingCapacity: max(256, expectedEntries * 60))
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
    ///
    /// The revoked list is neither copied into a to-be-signed buffer nor into a signed one: the signature is computed
    /// over the pieces where they lie, and the result is written once into a buffer of its exact size. With a million
    /// entries (about 49 MB) this keeps two lists' worth of memory instead of three or four.
    public func finish(number: UInt64, thisUpdate: Date, nextUpdate: Date) throws -> [UInt8] {
        var prefix = DERWriter(reservingCapacity: issuer.subjectDER.count + 64)
        prefix.integer(1)
        issuer.key.writeSignatureAlgorithm(into: &prefix)
        prefix.appendRaw(issuer.subjectDER)
        prefix.time(thisUpdate)
        prefix.time(nextUpdate)
        var listHeader = DERWriter(reservingCapacity: 8)
        let list: ArraySlice<UInt8> = count > 0 ? entries.bytes[...] : []
        if count > 0 { listHeader.appendHeader(tag: DERWriter.Tag.sequence, length: list.count) }
        var suffix = DERWriter()
        suffix.constructed(DERWriter.Tag.contextConstructed(0)) { wrapper in
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
        let tbsLength = prefix.bytes.count + listHeader.bytes.count + list.count + suffix.bytes.count
        var tbsHeader = DERWriter(reservingCapacity: 8)
        tbsHeader.appendHeader(tag: DERWriter.Tag.sequence, length: tbsLength)
        let tbsParts = [tbsHeader.bytes[...], prefix.bytes[...], listHeader.bytes[...], list, suffix.bytes[...]]
        var trailer = DERWriter()
        issuer.key.writeSignatureAlgorithm(into: &trailer)
        trailer.bitString(try issuer.key.sign(parts: tbsParts))
        var outer = DERWriter(reservingCapacity: 8)
        outer.appendHeader(tag: DERWriter.Tag.sequence, length: tbsHeader.bytes.count + tbsLength + trailer.bytes.count)
        var der: [UInt8] = []
        der.reserveCapacity(outer.bytes.count + tbsHeader.bytes.count + tbsLength + trailer.bytes.count)
        for part in [outer.bytes[...]] + tbsParts + [trailer.bytes[...]] { der.append(contentsOf: part) }
        return der
    }
}
