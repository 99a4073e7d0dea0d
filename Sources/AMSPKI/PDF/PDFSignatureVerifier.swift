import Crypto
import Foundation
import SwiftASN1
import X509

/// Verifies every signature in a PDF (ETSI EN 319 102-1's basic and timestamp validation, as far as AMS carries it):
/// the `/ByteRange` must cover the file from its start to the end of a revision except exactly the signature's own
/// `/Contents` hex string inside the signature dictionary (defeating universal signature forgery and signature
/// wrapping); the message digest and the CMS signature must verify; the signer's chain must reach a trust anchor at the
/// signature's proof-of-existence time (its trusted time-stamp, else now); the certificate must not be revoked before
/// then; and whatever was appended after the signed revision is classified — further signatures and validation data
/// may follow, anything that changes what is shown (incremental saving and shadow attacks) is ``SignatureVerification/Modification/other``.
public struct PDFSignatureVerifier: Sendable {
    public let trustRoots: [Certificate]
    /// The revocation status AMS knows for a certificate it issued (nil: unknown); asked when the document's own
    /// revocation data does not speak to it.
    public let revocation: @Sendable (Certificate) async -> SignatureVerification.Revocation
    /// Certificate policies that mark an institution's electronic seal.
    public let sealPolicies: Set<OID>

    public init(trustRoots: [Certificate], sealPolicies: Set<OID> = [],
                revocation: @escaping @Sendable (Certificate) async -> SignatureVerification.Revocation = { _ in .unknown }) {
        self.trustRoots = trustRoots
        self.sealPolicies = sealPolicies
        self.revocation = revocation
    }

    /// The verdict on each signature and document time-stamp, in the order of the revisions they sign.
    public func verify(_ pdf: [UInt8], now: Date) async throws -> [SignatureVerification] {
        let document = try PDFDocument(pdf)
        let store = (try? DocumentSecurityStore(reading: document)) ?? DocumentSecurityStore()
        let validationData = ValidationData(store: store, certificates: store.certificates.compactMap { try? Certificate(derEncoded: $0) })
        var results: [SignatureVerification] = []
        for field in try signatureFields(document) {
            results.append(await verify(field, pdf: pdf, document: document, validationData: validationData, now: now))
        }
        results.sort { $0.revisionEnd < $1.revisionEnd }
        // B-LTA: a valid document time-stamp signs a revision after the signature's (and so the validation data)
        for index in results.indices where results[index].level == .bLT {
            if results.contains(where: { $0.kind == .documentTimestamp && $0.indication == .totalPassed && $0.revisionEnd > results[index].revisionEnd }) {
                results[index].level = .bLTA
            }
        }
        return results
    }

    /// The document's DSS, its certificates parsed once for all its signatures.
    struct ValidationData {
        let store: DocumentSecurityStore
        let certificates: [Certificate]
    }

    /// A signature field with its signature dictionary's object number.
    struct Field {
        let name: String
        let signatureNumber: Int
    }

    /// The AcroForm's signature fields that hold a signature (through `/Kids` too).
    func signatureFields(_ document: PDFDocument) throws -> [Field] {
        guard let form = try document.resolve(try document.object(document.catalogNumber)["AcroForm"]),
              case .array(let roots)? = try document.resolve(form["Fields"]) else { return [] }
        var found: [Field] = [], visited: Set<Int> = []
        func walk(_ reference: PDFObject, parentName: String?, inheritedType: String?) throws {
            guard let number = reference.referenceNumber, visited.insert(number).inserted, visited.count < 10_000 else { return }
            let field = try document.object(number)
            let partial = field["T"]?.textValue
            let name = [parentName, partial].compactMap { $0 }.joined(separator: ".")
            let type = field["FT"]?.nameValue ?? inheritedType
            if case .array(let kids)? = try document.resolve(field["Kids"]) {
                for kid in kids { try walk(kid, parentName: name.isEmpty ? nil : name, inheritedType: type) }
            }
            if type == "Sig", let signature = field["V"]?.referenceNumber {
                found.append(Field(name: name.isEmpty ? "Signature\(found.count + 1)" : name, signatureNumber: signature))
            }
        }
        for root in roots { try walk(root, parentName: nil, inheritedType: nil) }
        return found
    }

    func verify(_ field: Field, pdf: [UInt8], document: PDFDocument, validationData: ValidationData, now: Date) async -> SignatureVerification {
        var result = SignatureVerification(fieldName: field.name, kind: .signature, indication: .totalFailed, subIndication: .formatFailure,
                                           revisionEnd: 0, coversWholeFile: false, modification: .none, integrity: false, signatureValid: false,
                                           signer: nil, chain: [], trusted: false, keyUsageFitForSigning: false, revocation: .unknown,
                                           revocationSource: nil, level: nil, claimedSigningTime: nil, reason: nil, location: nil,
                                           timestampTime: nil, timestampAuthority: nil, digestAlgorithm: nil, notes: [])
        // the signature dictionary, where it lies in the file, and its /ByteRange
        guard case .offset(let objectStart, _)? = document.locations[field.signatureNumber] else {
            result.notes.append("The signature dictionary is not stored where its /ByteRange could cover it.")
            return result
        }
        var parser = PDFParser(pdf, at: objectStart)
        guard (try? parser.objectHeader()) != nil, let dictionary = try? parser.object() else {
            result.notes.append("The signature dictionary cannot be read.")
            return result
        }
        let objectEnd = parser.position
        result.reason = dictionary["Reason"]?.textValue
        result.location = dictionary["Location"]?.textValue
        result.claimedSigningTime = dictionary["M"]?.textValue.flatMap(Self.pdfDate)
        guard case .array(let rangeItems)? = dictionary["ByteRange"], rangeItems.count == 4 else {
            result.notes.append("The signature has no /ByteRange of four numbers.")
            return result
        }
        let range = rangeItems.compactMap(\.integerValue)
        guard range.count == 4, range[0] == 0, range[1] > 0, range[2] > range[1], range[3] >= 0, range[2] + range[3] <= pdf.count else {
            result.notes.append("The /ByteRange does not describe the file.")
            return result
        }
        let gapStart = range[1], gapEnd = range[2], revisionEnd = range[2] + range[3]
        result.revisionEnd = revisionEnd
        result.coversWholeFile = revisionEnd == pdf.count
        result.modification = modification(of: pdf, after: revisionEnd)
        // the gap is exactly this dictionary's /Contents hex string: nothing else is left unsigned
        let isHex = { (byte: UInt8) in (48...57).contains(byte) || (65...70).contains(byte) || (97...102).contains(byte) }
        guard gapStart >= objectStart, gapEnd <= objectEnd, pdf[gapStart] == UInt8(ascii: "<"), pdf[gapEnd - 1] == UInt8(ascii: ">"),
              pdf[(gapStart + 1)..<(gapEnd - 1)].allSatisfy(isHex), (gapEnd - gapStart - 2) % 2 == 0,
              let contents = dictionary["Contents"]?.decodedBytes,
              contents == (PDFObject.string(Array(pdf[(gapStart + 1)..<(gapEnd - 1)]), hex: true).decodedBytes ?? [])
        else {
            result.notes.append("The unsigned gap of the /ByteRange is not exactly this signature's /Contents (a forged or wrapped signature).")
            return result
        }
        // the signed revision ends where a revision ends
        let tail = String(decoding: pdf[max(0, revisionEnd - 8)..<revisionEnd], as: UTF8.self)
        guard tail.contains("%%EOF") else {
            result.notes.append("The signed bytes do not end at the end of a revision.")
            return result
        }
        if dictionary["Type"]?.nameValue == "DocTimeStamp" || dictionary["SubFilter"]?.nameValue == "ETSI.RFC3161" {
            return await verifyDocumentTimestamp(contents, parts: [pdf[0..<gapStart], pdf[gapEnd..<revisionEnd]], into: result, now: now)
        }
        // the CMS
        let cms: CMSSignedDataReader
        do {
            cms = try CMSSignedDataReader(contents)
        } catch {
            result.notes.append("The signature value is not a CMS SignedData.")
            return result
        }
        result.digestAlgorithm = cms.signer.digestAlgorithm
        guard let signer = cms.signerCertificate() else {
            result.indication = .indeterminate
            result.subIndication = .signingCertificateNotFound
            result.notes.append("The signer's certificate is not in the signature.")
            return result
        }
        result.signer = signer
        if signer.policyIdentifiers.contains(where: sealPolicies.contains) {
            result.kind = .seal
        }
        guard let digest = Self.digest(cms.signer.digestAlgorithm, parts: [pdf[0..<gapStart], pdf[gapEnd..<revisionEnd]]) else {
            result.notes.append("Digest algorithm \(cms.signer.digestAlgorithm) is not supported.")
            return result
        }
        guard let messageDigest = cms.signer.messageDigest, messageDigest == digest else {
            result.subIndication = .hashFailure
            result.notes.append("The document's digest does not match the signed message digest: it was changed.")
            return result
        }
        result.integrity = true
        guard let signedAttributes = cms.signer.signedAttributesDER,
              let algorithm = try? Self.signatureAlgorithm(cms.signer.signatureAlgorithm, digest: cms.signer.digestAlgorithm),
              signer.publicKey.isValidSignature(cms.signer.signature, for: signedAttributes, signatureAlgorithm: algorithm) else {
            result.subIndication = .sigCryptoFailure
            result.notes.append("The signature value does not verify with the signer's key.")
            return result
        }
        result.signatureValid = true
        // the signature time-stamp: the proof that the signature existed at its time
        if let token = cms.signer.unsignedAttributes[.signatureTimeStampToken]?.first {
            if let stamp = await verifyTimestamp(Array(token.encodedBytes), over: cms.signer.signature, now: now) {
                result.timestampTime = stamp.time
                result.timestampAuthority = stamp.authority
            } else {
                result.notes.append("The signature time-stamp does not verify or is not trusted; it is not used.")
            }
        }
        let proofTime = result.timestampTime ?? now
        // the signer's chain at that time, and the key usage
        result.keyUsageFitForSigning = (try? signer.extensions.keyUsage).flatMap { $0.map { $0.digitalSignature || $0.nonRepudiation } } ?? true
        var verifier = Verifier(rootCertificates: CertificateStore(trustRoots)) {
            RFC5280Policy(validationTime: proofTime)
            LeafUsagePolicy(purpose: .documentSigning)
        }
        switch await verifier.validate(leaf: signer, intermediates: CertificateStore(cms.certificates + validationData.certificates)) {
        case .validCertificate(let chain):
            result.chain = Array(chain)
            result.trusted = true
        case .couldNotValidate(let failures):
            result.indication = .indeterminate
            let expired = signer.notValidAfter < proofTime || signer.notValidBefore > proofTime
            let anchored = failures.contains { failure in failure.chain.last.map { root in trustRoots.contains(root) } ?? false }
            result.subIndication = expired ? .outOfBoundsNoPOE : (anchored ? .chainConstraintsFailure : .noCertificateChainFound)
            result.notes.append(expired ? "The signer's certificate was not valid at \(proofTime) and nothing proves the signature older."
                                        : "No chain from the signer's certificate to a trusted root.")
            return result
        }
        // revocation at the proof time: what the document carries, else what the issuer's records say
        let embedded = EmbeddedRevocationData(ocspResponses: validationData.store.ocspResponses, crls: validationData.store.crls,
                                              certificates: validationData.certificates + cms.certificates)
        switch result.chain.count > 1 ? embedded.finding(for: signer, issuer: result.chain[1], at: proofTime) : nil {
        case .good(let source, _)?:
            result.revocation = .good
            result.revocationSource = source == .ocsp ? .ocsp : .crl
        case .revoked(let at, let source)?:
            result.revocation = .revoked(at: at)
            result.revocationSource = source == .ocsp ? .ocsp : .crl
        case nil:
            result.revocation = await revocation(signer)
            result.revocationSource = result.revocation == .unknown ? nil : .issuer
        }
        let carriesRevocationData = [.ocsp, .crl].contains(result.revocationSource)
        result.level = result.timestampTime == nil ? .bB : (carriesRevocationData ? .bLT : .bT)
        switch result.revocation {
        case .revoked(let at) where at <= proofTime:
            result.indication = .indeterminate
            result.subIndication = .revoked
            result.notes.append("The signer's certificate was revoked at \(at), before the signature is proven to exist.")
        case .unknown:
            result.indication = .indeterminate
            result.subIndication = .tryLater
            result.notes.append("The revocation status of the signer's certificate is not known to AMS.")
        default:
            result.indication = .totalPassed
            result.subIndication = nil
        }
        if !result.keyUsageFitForSigning {
            result.indication = .totalFailed
            result.subIndication = .chainConstraintsFailure
            result.notes.append("The signer's certificate is not for signing.")
        }
        return result
    }

    /// A document time-stamp: an RFC 3161 token whose imprint is the digest of the bytes `/ByteRange` covers, from a
    /// trusted TSA.
    func verifyDocumentTimestamp(_ token: [UInt8], parts: [ArraySlice<UInt8>], into start: SignatureVerification,
                                 now: Date) async -> SignatureVerification {
        var result = start
        result.kind = .documentTimestamp
        guard let cms = try? CMSSignedDataReader(token), cms.contentType == .tstInfo, let content = cms.content,
              let info = try? TimeStampInfo(content) else {
            result.notes.append("The document time-stamp is not an RFC 3161 token.")
            return result
        }
        result.signer = cms.signerCertificate()
        result.digestAlgorithm = info.hashAlgorithm
        guard let digest = Self.digest(info.hashAlgorithm, parts: parts), digest == info.hashedMessage else {
            result.subIndication = .hashFailure
            result.notes.append("The document's digest does not match the time-stamped one: it was changed.")
            return result
        }
        result.integrity = true
        guard let stamp = await verifyToken(cms, info: info, content: content, now: now) else {
            result.indication = .indeterminate
            result.subIndication = .noCertificateChainFound
            result.notes.append("The document time-stamp does not verify or its authority is not trusted.")
            return result
        }
        result.signatureValid = true
        result.trusted = true
        result.keyUsageFitForSigning = true
        result.timestampTime = stamp.time
        result.timestampAuthority = stamp.authority
        result.claimedSigningTime = stamp.time
        result.indication = .totalPassed
        result.subIndication = nil
        return result
    }

    /// The time and authority of a valid, trusted RFC 3161 token over `signature`, or nil.
    func verifyTimestamp(_ token: [UInt8], over signature: [UInt8], now: Date) async -> (time: Date, authority: Certificate)? {
        guard let cms = try? CMSSignedDataReader(token), cms.contentType == .tstInfo, let content = cms.content,
              let info = try? TimeStampInfo(content),
              let imprint = Self.digest(info.hashAlgorithm, parts: [signature[...]]), imprint == info.hashedMessage else { return nil }
        return await verifyToken(cms, info: info, content: content, now: now)
    }

    /// A token's own signature and its authority's chain to a trust anchor, for time-stamping.
    func verifyToken(_ cms: CMSSignedDataReader, info: TimeStampInfo, content: [UInt8], now: Date) async -> (time: Date, authority: Certificate)? {
        guard let authority = cms.signerCertificate(),
              let digest = Self.digest(cms.signer.digestAlgorithm, parts: [content[...]]), cms.signer.messageDigest == digest,
              let signed = cms.signer.signedAttributesDER,
              let algorithm = try? Self.signatureAlgorithm(cms.signer.signatureAlgorithm, digest: cms.signer.digestAlgorithm),
              authority.publicKey.isValidSignature(cms.signer.signature, for: signed, signatureAlgorithm: algorithm)
        else { return nil }
        var verifier = Verifier(rootCertificates: CertificateStore(trustRoots)) {
            RFC5280Policy(validationTime: min(info.time, now))
            LeafUsagePolicy(purpose: .timeStamping)
        }
        guard case .validCertificate = await verifier.validate(leaf: authority, intermediates: CertificateStore(cms.certificates)) else { return nil }
        return (info.time, authority)
    }

    /// What was appended after `revisionEnd`, judged object by object: new objects and the rewritten ones that only
    /// add signatures (catalog's AcroForm and DSS, the form's field list, a page's annotations with signature widgets,
    /// an empty signature field filled) may follow a signature; filled form fields are form filling; anything else —
    /// a page's content, its resources, a font, an image — is a change of what is shown.
    func modification(of pdf: [UInt8], after revisionEnd: Int) -> SignatureVerification.Modification {
        guard revisionEnd < pdf.count else { return .none }
        guard let signed = try? PDFDocument(Array(pdf[0..<revisionEnd])), let current = try? PDFDocument(pdf) else { return .other }
        var result = SignatureVerification.Modification.signatures
        for (number, location) in current.locations {
            guard let old = signed.locations[number] else { continue }  // a new object
            if case .offset(let newOffset, _) = location, case .offset(let oldOffset, _) = old, newOffset == oldOffset { continue }
            if case .inStream(let newStream, let newIndex) = location, case .inStream(let oldStream, let oldIndex) = old,
               newStream == oldStream, newIndex == oldIndex { continue }
            if case .free = location, case .free = old { continue }
            // (an object deleted or unreadable after signing is a change of its own kind)
            guard let before = try? signed.object(number), let after = try? current.object(number) else { return .other }
            switch Self.change(from: before, to: after, isCatalog: number == current.catalogNumber, current: current) {
            case .signatures: continue
            case .formFilling: result = .formFilling
            default: return .other
            }
        }
        // a new page or a replaced page tree would be caught above (the catalog or the page tree node changed)
        return result
    }

    /// How one rewritten object changed.
    static func change(from before: PDFObject, to after: PDFObject, isCatalog: Bool, current: PDFDocument) -> SignatureVerification.Modification {
        if before == after { return .signatures }
        switch (before, after) {
        case (.array(let old), .array(let new)):
            // a field list or an annotation list: everything kept, additions only signature widgets
            guard new.count >= old.count, Array(new.prefix(old.count)) == old else { return .other }
            let added = new.dropFirst(old.count)
            return added.allSatisfy { isSignatureWidget($0, in: current) } ? .signatures : .other
        case (.dictionary, .dictionary):
            let changedKeys = Set(keys(before) + keys(after)).filter { before[$0] != after[$0] }
            if isCatalog { return changedKeys.isSubset(of: ["AcroForm", "DSS", "Extensions"]) ? .signatures : .other }
            if before["Type"]?.nameValue == "Page" || (before["Contents"] != nil && before["MediaBox"] != nil) {
                guard changedKeys == ["Annots"] else { return .other }
                guard case .array(let old)? = before["Annots"] ?? .array([]), case .array(let new)? = after["Annots"] else {
                    // an indirect annotation list became another one: judged as its own object
                    return after["Annots"]?.referenceNumber != nil ? .signatures : .other
                }
                return change(from: .array(old), to: .array(new), isCatalog: false, current: current)
            }
            if before["FT"]?.nameValue == "Sig" || after["FT"]?.nameValue == "Sig" {
                let emptyBefore = before["V"] == nil || before["V"] == .null
                return emptyBefore && changedKeys.isSubset(of: ["V", "AP", "F"]) ? .signatures : .other
            }
            if before["Fields"] != nil || after["SigFlags"] != nil {
                guard changedKeys.isSubset(of: ["Fields", "SigFlags", "DR", "DA"]) else { return .other }
                if case .array(let old)? = before["Fields"], case .array(let new)? = after["Fields"] {
                    return change(from: .array(old), to: .array(new), isCatalog: false, current: current)
                }
                return .signatures
            }
            if ["Tx", "Ch", "Btn"].contains(before["FT"]?.nameValue ?? ""), changedKeys.isSubset(of: ["V", "AP", "AS"]) {
                return .formFilling
            }
            return .other
        default:
            return .other
        }
    }

    static func keys(_ object: PDFObject) -> [String] {
        guard case .dictionary(let entries) = object else { return [] }
        return entries.map(\.key)
    }

    /// Whether `reference` is a widget of a signature field.
    static func isSignatureWidget(_ reference: PDFObject, in document: PDFDocument) -> Bool {
        guard let object = try? document.resolve(reference) else { return false }
        if object["FT"]?.nameValue == "Sig" { return true }
        guard object["Subtype"]?.nameValue == "Widget", let parent = try? document.resolve(object["Parent"]) else { return false }
        return parent["FT"]?.nameValue == "Sig"
    }

    static func digest(_ algorithm: OID, parts: [ArraySlice<UInt8>]) -> [UInt8]? {
        func run<H: HashFunction>(_ function: H.Type) -> [UInt8] {
            var hasher = H()
            for part in parts { hasher.update(data: part) }
            return Array(hasher.finalize())
        }
        switch algorithm {
        case .sha256: return run(SHA256.self)
        case .sha384: return run(SHA384.self)
        case .sha512: return run(SHA512.self)
        default: return nil
        }
    }

    /// The signature algorithm a SignerInfo names, with its digest where CMS names only the key type (`rsaEncryption`,
    /// or `id-ecPublicKey` as some signers write it).
    static func signatureAlgorithm(_ der: [UInt8], digest: OID) throws -> Certificate.SignatureAlgorithm {
        guard let algorithm = try CMSSignedDataReader.algorithm(try DER.parse(der)) else { throw CMSSignedDataReader.Failure.malformed("algorithm") }
        switch (algorithm, digest) {
        case (.ecdsaWithSHA256, _), (OID([1, 2, 840, 10045, 2, 1]), .sha256): return .ecdsaWithSHA256
        case (.ecdsaWithSHA384, _), (OID([1, 2, 840, 10045, 2, 1]), .sha384): return .ecdsaWithSHA384
        case (OID([1, 2, 840, 10045, 4, 3, 4]), _), (OID([1, 2, 840, 10045, 2, 1]), .sha512): return .ecdsaWithSHA512
        case (.sha256WithRSAEncryption, _), (OID([1, 2, 840, 113549, 1, 1, 1]), .sha256): return .sha256WithRSAEncryption
        case (OID([1, 2, 840, 113549, 1, 1, 12]), _), (OID([1, 2, 840, 113549, 1, 1, 1]), .sha384): return .sha384WithRSAEncryption
        case (OID([1, 2, 840, 113549, 1, 1, 13]), _), (OID([1, 2, 840, 113549, 1, 1, 1]), .sha512): return .sha512WithRSAEncryption
        default: throw CMSSignedDataReader.Failure.malformed("signature algorithm \(algorithm)")
        }
    }

    /// `D:YYYYMMDDHHmmSS` with an optional offset, as `/M` carries it.
    static func pdfDate(_ text: String) -> Date? {
        var digits = text.hasPrefix("D:") ? String(text.dropFirst(2)) : text
        digits = String(digits.prefix(14))
        guard digits.count == 14, digits.allSatisfy(\.isNumber) else { return nil }
        let value = { (start: Int, length: Int) in Int(digits.dropFirst(start).prefix(length))! }
        return Calendar.gregorianUTC.date(from: DateComponents(year: value(0, 4), month: value(4, 2), day: value(6, 2),
                                                               hour: value(8, 2), minute: value(10, 2), second: value(12, 2)))
    }
}
