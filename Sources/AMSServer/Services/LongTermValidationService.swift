import AMSCore
import AMSPKI
import Fluent
import Foundation
import NIOPosix
import X509

/// Makes the PAdES B-LT and B-LTA documents AMS hands out, and renews B-LTA documents a caller brings back: the
/// validation data goes into the document's DSS — the chain, the time-stamping unit's and the OCSP responder's
/// certificates, one OCSP answer (signed by the delegated responder, statuses from AMS's records) for every
/// certificate of AMS's issuing CA the document's signatures and time-stamps rest on, and the root's CRL for the
/// issuing CA — and B-LTA adds a document time-stamp from AMS's TSA over it. The issuing CA's own CRL is left out on
/// purpose: at national size it is megabytes, while the OCSP answers cover exactly the certificates the document needs.
struct LongTermValidationService: Sendable {
    let services: AMSServices
    let database: any Database
    /// Where the PDF work runs, off the event loops.
    let threadPool: NIOThreadPool

    enum Failure: Error, Equatable {
        /// AMS's TSA or CRLs are not ready (a fresh installation before its first maintenance pass).
        case notReady
        /// Nothing to renew: the document has no signature or time-stamp.
        case unsigned
        /// A signature or time-stamp in it does not verify (or the document was changed after one): renewing would
        /// only time-stamp a broken document.
        case notValid(field: String)
    }

    /// What a renewal did to one document.
    struct Renewal: Sendable {
        let bytes: [UInt8]
        /// When the time-stamping certificate behind the newest time-stamp expired or expires (before renewal).
        let previousExpiry: Date?
        let timestampTime: Date
    }

    /// Re-time-stamps a document a caller hands back (B-LTA maintenance, ETSI EN 319 142-1 §5.5): every signature and
    /// time-stamp in it must verify now; then fresh validation data for the certificates of AMS's issuing CA it rests
    /// on — the signers' and the time-stamping units' — and a new document time-stamp from AMS's TSA, whose
    /// certificate lives longer, extend the proof before the old time-stamp's certificate expires.
    func renew(_ pdf: [UInt8], context: AuditContext) async throws -> Renewal {
        let report = try await VerificationService(services: services, database: database).verify(pdf)
        guard !report.signatures.isEmpty else { throw Failure.unsigned }
        if let broken = report.signatures.first(where: { $0.indication != .totalPassed || $0.modification == .other }) {
            throw Failure.notValid(field: broken.fieldName)
        }
        let loaded = try await services.caKeys.current(on: database)
        guard let tsa = loaded.tsa else { throw Failure.notReady }
        let ours = report.signatures.flatMap { [$0.signer, $0.timestampAuthority] }.compactMap { $0 }
            .filter { $0.issuer == loaded.issuing.certificate.subject }
        let store = try await validationData(forSerials: ours.map { Array($0.serialNumber.bytes) },
                                             certificates: ours.compactMap { try? $0.derBytes }, loaded: loaded)
        let now = services.clock.now
        let serials = services.serials
        let renewed = try await threadPool.runIfActive {
            try Self.extend(pdf, to: .bLTA, with: store, tsa: tsa, at: now, serials: serials)
        }
        let newest = report.signatures.filter { $0.timestampTime != nil }.max { $0.timestampTime! < $1.timestampTime! }
        try await WriteTransaction.run(on: database) { [services] db in
            try await services.audit.append(.documentTimestampRenewed, context: context, targetType: "document",
                                            targetID: TokenDigest.sha256Hex(renewed),
                                            details: ["document_sha256": TokenDigest.sha256Hex(pdf), "signatures": String(report.signatures.count)],
                                            on: db)
        }
        return Renewal(bytes: renewed, previousExpiry: newest?.timestampAuthority?.notValidAfter, timestampTime: now)
    }

    /// The validation data for certificates of AMS's issuing CA, by serial, made now.
    func validationData(forSerials serials: [[UInt8]], certificates: [[UInt8]], loaded: LoadedAuthorities) async throws -> DocumentSecurityStore {
        guard let tsa = loaded.tsa else { throw Failure.notReady }
        var rootCRL = try await CRLStateModel.query(on: database).filter(\.$authority.$id == loaded.rootID).first()
        if rootCRL == nil || rootCRL!.nextUpdate <= services.clock.now {
            _ = try await CRLPublisher(services: services).publish(authority: loaded.root, id: loaded.rootID, on: database)
            rootCRL = try await CRLStateModel.query(on: database).filter(\.$authority.$id == loaded.rootID).first()
        }
        guard let rootCRL else { throw Failure.notReady }
        let tsaSerial = Array(try Certificate(derEncoded: tsa.unit.der).serialNumber.bytes)
        var wanted: [[UInt8]] = []
        for serial in serials + [tsaSerial] where !wanted.contains(serial) { wanted.append(serial) }
        let statuses = try await OCSPResponder(services: services).lookUp(wanted, issuerID: loaded.issuingID, on: database)
        let answers = wanted.map { serial in
            (query: loaded.ocsp.query(forSerial: serial), status: statuses[serial.hexString] ?? OCSPCertificateStatus.unknown)
        }
        let response = try loaded.ocsp.successful(answers: answers, nonce: nil, producedAt: services.clock.now)
        return DocumentSecurityStore(certificates: certificates + [loaded.issuing.der, loaded.root.der, tsa.unit.der, loaded.responder.der],
                                     ocspResponses: [response], crls: [Array(rootCRL.der)])
    }

    /// `pdf` (signed) raised to `level`: as it is for B-T; with `store` appended for B-LT; and a document time-stamp
    /// after it for B-LTA. CPU work: run it off the event loop.
    static func extend(_ pdf: [UInt8], to level: SignatureLevel, with store: DocumentSecurityStore, tsa: TimeStampAuthority, at time: Date,
                       serials: SerialNumberGenerator) throws -> [UInt8] {
        guard level != .bT else { return pdf }
        let withData = try store.append(to: pdf)
        guard level == .bLTA else { return withData }
        return try tsa.documentTimestamp(withData, fieldName: "AMS-TS-" + Array(serials.next().prefix(6)).hexString, at: time,
                                         serial: serials.next())
    }
}
