import AMSCore
import AMSPKI
import Fluent
import Foundation
import NIOPosix

/// Signs documents with one certificate and its opened key, as a holder's signature and an institution's seal both
/// do: each document gets a field of its own, its appearance where asked (the line "… oleh <name>", the name, the time
/// in the reader's zone, a QR code of its link), a CAdES signature time-stamped by AMS's TSA, and — for the documents
/// that ask for B-LT or B-LTA — the long-term validation data, made once for the whole call. The PDF work runs on
/// the thread pool, off the event loops.
struct DocumentSigning: Sendable {
    let services: AMSServices
    let database: any Database
    let threadPool: NIOThreadPool

    /// Who signs and how the signature names them.
    struct Signer: Sendable {
        let certificateDER: [UInt8]
        let serialHex: String
        let key: SigningKey
        /// The name in the signature dictionary and on the appearance.
        let name: String
        /// The localisation key of the appearance's first line ("Ditandatangani …" / "Disegel …").
        let appearanceLine: String
        /// Field names are this and six random bytes in hex.
        let fieldPrefix: String
    }

    struct Signed: Sendable {
        let bytes: [UInt8]
        let field: String
    }

    /// The documents signed at `time`, in order; `link(index)` is where a document's QR code points unless the caller
    /// gave a link of its own.
    func sign(_ documents: [SigningService.Document], as signer: Signer, at time: Date,
              link: @escaping @Sendable (Int) -> String) async throws -> [Signed] {
        let loaded = try await services.caKeys.current(on: database)
        guard let tsa = loaded.tsa else { throw DomainError(.serverBusy, "the time-stamping unit is not ready") }
        let store: DocumentSecurityStore? = documents.contains(where: { $0.level != .bT })
            ? try await LongTermValidationService(services: services, database: database, threadPool: threadPool)
                .validationData(forSerials: [[UInt8](hex: signer.serialHex) ?? []], certificates: [signer.certificateDER], loaded: loaded)
            : nil
        let cades = CAdESSigner(certificate: signer.certificateDER, key: signer.key, chain: [loaded.issuing.der])
        let serials = services.serials
        return try await threadPool.runIfActive {
            try documents.enumerated().map { index, document in
                let appearance = document.visible.map { choice in
                    SignatureAppearance(placement: choice.placement, image: choice.specimen,
                                        qrPayload: choice.qrCode ? Array((choice.link ?? link(index)).utf8) : nil,
                                        lines: [Localizer.text(signer.appearanceLine, choice.locale), signer.name,
                                                DisplayFormat.timestamp(time, in: choice.timeZone)])
                }
                let field = signer.fieldPrefix + Array(serials.next().prefix(6)).hexString
                let signed = try PDFIncrementalSigner().sign(document.bytes, details: .init(
                    signingTime: time, signerName: signer.name, reason: document.reason, location: document.location, fieldName: field,
                    appearance: appearance)) { parts in
                    try cades.sign(digest: signer.key.digest(parts: parts)) { request in
                        try tsa.token(for: request, at: time, serial: serials.next())
                    }.cms
                }
                let bytes = try store.map { try LongTermValidationService.extend(signed, to: document.level, with: $0, tsa: tsa, at: time,
                                                                                 serials: serials) } ?? signed
                return Signed(bytes: bytes, field: field)
            }
        }
    }
}
