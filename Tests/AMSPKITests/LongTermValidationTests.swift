import AMSPKI
import AMSTestTools
import Foundation
import Testing
import X509

/// PAdES B-LT and B-LTA as AMSPKI makes them: a DSS with the chain, OCSP answers and CRLs appended after the signature,
/// then a document time-stamp over it; AMS's verifier reads the embedded data (revocation at signing time needs no
/// one's records) and pyHanko's long-term validation passes offline with only the root trusted.
@Suite("Long-term validation: PAdES B-LT and B-LTA")
struct LongTermValidationTests {
    typealias Signer = PDFSigningTests.Signer

    /// The validation data for `signer`'s signature, made at `time`: the chain and TSA certificates, OCSP answers for
    /// the signer's and the TSA's certificates (`signerStatus` for the signer's), and both CAs' CRLs.
    static func validationData(_ signer: Signer, at time: Date, signerStatus: OCSPCertificateStatus = .good) throws -> DocumentSecurityStore {
        let ocsp = OCSPResponseBuilder(issuer: signer.hierarchy.issuing, signer: signer.hierarchy.responder)
        let answers = [
            (query: ocsp.query(forSerial: Array(signer.certificate.serialNumber.bytes)), status: signerStatus),
            (query: ocsp.query(forSerial: Array(try Certificate(derEncoded: signer.tsa.unit.der).serialNumber.bytes)), status: .good),
        ]
        let crls = try [signer.hierarchy.root, signer.hierarchy.issuing].map { authority in
            try CRLWriter(issuer: authority).finish(number: 1, thisUpdate: time, nextUpdate: time.addingTimeInterval(7 * 86_400))
        }
        return DocumentSecurityStore(
            certificates: [try signer.certificate.derBytes, signer.hierarchy.issuing.der, signer.hierarchy.root.der, signer.tsa.unit.der,
                           signer.hierarchy.responder.der],
            ocspResponses: [try ocsp.successful(answers: answers, nonce: nil, producedAt: time)],
            crls: crls)
    }

    static func documentTimestamp(_ pdf: [UInt8], tsa: TimeStampAuthority, at time: Date) throws -> [UInt8] {
        try tsa.documentTimestamp(pdf, fieldName: "AMS-TS", at: time, serial: SerialNumberGenerator().next())
    }

    @Test(arguments: ["fpdf2-classic-xref.pdf", "qpdf-object-streams.pdf"])
    func bLTAndBLTAAreMadeAndPyHankoValidatesThemOffline(name: String) async throws {
        let signer = try Signer()
        let signed = try signer.sign(try SigningFixtures.document(name))
        let now = Date()
        // act
        let lt = try Self.validationData(signer, at: now).append(to: signed)
        let lta = try Self.documentTimestamp(lt, tsa: signer.tsa, at: now)
        // check: every earlier byte kept; AMS reads the levels and the embedded revocation data
        #expect(Array(lt.prefix(signed.count)) == signed && Array(lta.prefix(lt.count)) == lt)
        let verifier = PDFSignatureVerifier(trustRoots: [signer.hierarchy.root.certificate]) { _ in .unknown }
        let ltResult = try #require(try await verifier.verify(lt, now: now).first)
        #expect(ltResult.indication == .totalPassed, "\(ltResult.notes)")
        #expect(ltResult.level == .bLT && ltResult.revocationSource == .ocsp && ltResult.modification == .signatures)
        let ltaResults = try await verifier.verify(lta, now: now)
        #expect(ltaResults.map(\.kind) == [.signature, .documentTimestamp])
        #expect(ltaResults.allSatisfy { $0.indication == .totalPassed }, "\(ltaResults.map(\.notes))")
        #expect(ltaResults[0].level == .bLTA && ltaResults[1].timestampAuthority != nil)
        // pyHanko, offline, root only: B-T alone fails for want of revocation data; B-LT and B-LTA pass as such
        let folder = try ScratchFolder("ams-ltv")
        defer { folder.remove() }
        let roots = [try folder.write("root.pem", signer.hierarchy.rootPEM)]
        let bt = try SigningFixtures.pyHankoLongTerm(signed, rootPaths: roots)
        #expect(bt.stdout.contains("dss none") && bt.stdout.contains("AMS1 type=signature lta=INDETERMINATE level=none"), "\(bt.combined)")
        let ltOutput = try SigningFixtures.pyHankoLongTerm(lt, rootPaths: roots)
        #expect(ltOutput.stdout.contains("dss certs=5 ocsps=1 crls=2"), "\(ltOutput.combined)")
        #expect(ltOutput.stdout.contains("AMS1 type=signature lta=INDETERMINATE level=B-LT evidence=none"), "\(ltOutput.combined)")
        let ltaOutput = try SigningFixtures.pyHankoLongTerm(lta, rootPaths: roots)
        #expect(ltaOutput.stdout.contains("AMS1 type=signature lta=PASSED level=B-LTA"), "\(ltaOutput.combined)")
        #expect(ltaOutput.stdout.contains("AMS-TS type=timestamp intact=True valid=True trusted=True"), "\(ltaOutput.combined)")
    }

    @Test func aSignatureTimestampedBeforeARevocationStaysPassedWithItsEmbeddedData() async throws {
        let signer = try Signer()
        let signed = try signer.sign(try SigningFixtures.document("fpdf2-classic-xref.pdf"))
        let now = Date()
        let lt = try Self.validationData(signer, at: now).append(to: signed)
        // the certificate is revoked an hour later; the issuer's records say so
        let revokedAt = now.addingTimeInterval(3600)
        let verifier = PDFSignatureVerifier(trustRoots: [signer.hierarchy.root.certificate]) { _ in .revoked(at: revokedAt) }
        let later = now.addingTimeInterval(7200)
        let kept = try #require(try await verifier.verify(lt, now: later).first)
        #expect(kept.indication == .totalPassed && kept.revocation == .good && kept.revocationSource == .ocsp, "\(kept.notes)")
        // without the time-stamp nothing proves the signature older than now: REVOKED (EN 319 102-1)
        let untimestamped = try signer.signWithoutTimestamp(try SigningFixtures.document("fpdf2-classic-xref.pdf"))
        let lost = try #require(try await verifier.verify(untimestamped, now: later).first)
        #expect(lost.indication == .indeterminate && lost.subIndication == .revoked && lost.level == .bB)
        // embedded data that says revoked before the time-stamp wins over records that know nothing
        let revokedEarly = try Self.validationData(signer, at: now, signerStatus: .revoked(at: signer.hierarchy.now.addingTimeInterval(-30),
                                                                                           reason: .keyCompromise))
        let unknowing = PDFSignatureVerifier(trustRoots: [signer.hierarchy.root.certificate]) { _ in .unknown }
        let revoked = try #require(try await unknowing.verify(try revokedEarly.append(to: signed), now: now).first)
        #expect(revoked.subIndication == .revoked && revoked.revocationSource == .ocsp)
    }

    @Test func revocationDataNotSignedByTheIssuerIsIgnored() async throws {
        let signer = try Signer()
        let other = try Signer()
        let signed = try signer.sign(try SigningFixtures.document("fpdf2-classic-xref.pdf"))
        let now = Date()
        // a "good" OCSP answer and CRLs from another hierarchy, about this serial
        var forged = try Self.validationData(other, at: now)
        let ocsp = OCSPResponseBuilder(issuer: other.hierarchy.issuing, signer: other.hierarchy.responder)
        forged.ocspResponses = [try ocsp.successful(answers: [(ocsp.query(forSerial: Array(signer.certificate.serialNumber.bytes)), .good)],
                                                    nonce: nil, producedAt: now)]
        let verifier = PDFSignatureVerifier(trustRoots: [signer.hierarchy.root.certificate]) { _ in .unknown }
        let result = try #require(try await verifier.verify(try forged.append(to: signed), now: now).first)
        #expect(result.revocationSource == nil && result.subIndication == .tryLater && result.level == .bT)
    }

    @Test func theStoreIsReadBackAndAddingToItKeepsWhatItHeld() throws {
        let signer = try Signer()
        let signed = try signer.sign(try SigningFixtures.document("incremental-update.pdf"))
        let first = try Self.validationData(signer, at: Date())
        let once = try first.append(to: signed)
        #expect(try DocumentSecurityStore(reading: PDFDocument(once)) == first)
        let extra = DocumentSecurityStore(certificates: [signer.hierarchy.root.der, try signer.certificate.derBytes], crls: [[0x30, 0x00]])
        let read = try DocumentSecurityStore(reading: PDFDocument(try extra.append(to: once)))
        #expect(read.certificates == first.certificates && read.ocspResponses == first.ocspResponses)
        #expect(read.crls == first.crls + [[0x30, 0x00]])
    }
}
