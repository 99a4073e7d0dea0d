import AMSCore
import AMSPKI
import Crypto
import Fluent
import Foundation
import NIOPosix

/// Signs PDF documents for a holder with the key AMS keeps under their passphrase (PAdES B-T, AMS's own TSA),
/// invisibly or with a visible appearance (QR code of the signature's record page, specimen image, text). The key
/// opens only with the passphrase and, as the policy asks, a second factor — the holder's authenticator app (or one
/// of its recovery codes), or a code mailed on request, bound to the number of documents, single use, five minutes —
/// and only for its holder. Five wrong passphrases or codes lock signing for 30 minutes, mail the holder and are
/// audited. Every signature is a record and an audit entry; the documents are not kept.
package struct SigningService: Sendable {
    let services: AMSServices
    let database: any Database
    let threadPool: NIOThreadPool

    package init(services: AMSServices, database: any Database, threadPool: NIOThreadPool) {
        self.services = services
        self.database = database
        self.threadPool = threadPool
    }

    static let codeLifetime: TimeInterval = 5 * 60
    static let failuresBeforeLock = 5
    static let lockDuration: TimeInterval = 30 * 60
    /// Documents one call may sign (the web offers up to ten; the national API's bulk takes more).
    static let maximumDocuments = 50
    /// A visible signature's size when the caller gives none (a corner or a text marker), in points.
    static let defaultVisibleSize = (width: 200.0, height: 80.0)

    var maximumDocumentBytes: Int { services.configuration.signing.maximumDocumentBytes }

    /// Whether the holder can sign now, and with which certificate; else why not, in a word a page can show.
    enum Readiness: Equatable {
        case ready(certificateID: UUID)
        case noCertificate
        case expired
        case revoked
        /// Only a certificate whose key the holder keeps themself (a CSR): AMS has no key to sign with.
        case ownKeyOnly
        case reverificationPending
        case locked(until: Date)
    }

    /// A document to sign, with how its signature is to look and what it says.
    package struct Document: Sendable {
        package var name: String
        package var bytes: [UInt8]
        /// nil: invisible.
        package var visible: Visible?
        package var reason: String?
        package var location: String?
        /// B-T unless the caller asks for long-term validation data (B-LT) and a document time-stamp (B-LTA).
        package var level: SignatureLevel

        package init(name: String, bytes: [UInt8], visible: Visible? = nil, reason: String? = nil, location: String? = nil,
                     level: SignatureLevel = .bT) {
            self.name = name
            self.bytes = bytes
            self.visible = visible
            self.reason = reason
            self.location = location
            self.level = level
        }
    }

    /// A visible signature as the caller asks for it (nil: invisible).
    package struct Visible: Sendable {
        var placement: SignatureAppearance.Placement
        var specimen: SpecimenImage?
        /// Whether the appearance carries a QR code: of `link`, or by default of the signature's record page.
        var qrCode: Bool
        var link: String?
        /// The language and time zone of the text line.
        var locale: AppLocale
        var timeZone: AgencyTimeZone
    }

    package struct Signed: Sendable {
        package let name: String
        package let bytes: [UInt8]
        package let recordID: UUID
    }

    func readiness(of holder: UserModel) async throws -> Readiness {
        let now = services.clock.now
        if let until = holder.signingLockedUntil, until > now { return .locked(until: until) }
        if holder.reverificationRequired { return .reverificationPending }
        let certificates = try await CertificateModel.query(on: database).filter(\.$holder.$id == holder.id!)
            .sort(\.$requestedAt, .descending).all()
        if let usable = certificates.first(where: { $0.status == .issued && $0.wrappedKey != nil && ($0.notAfter ?? .distantPast) > now }) {
            return .ready(certificateID: usable.id!)
        }
        if certificates.contains(where: { $0.status == .issued && $0.wrappedKey == nil && ($0.notAfter ?? .distantPast) > now }) { return .ownKeyOnly }
        if certificates.contains(where: { $0.status == .issued }) { return .expired }
        if certificates.contains(where: { $0.status == .revoked }) { return .revoked }
        return .noCertificate
    }

    /// Mails the holder a code for signing `documents` documents (the newest code is the one that counts).
    func mailCode(to holder: UserModel, documents: Int, context: AuditContext) async throws {
        guard case .ready = try await readiness(of: holder) else { throw DomainError(.signingUnavailable, "holder cannot sign now") }
        guard (1...Self.maximumDocuments).contains(documents) else {
            throw ValidationError(fields: ["documentCount": .init("error_signing_document_count", ["max": String(Self.maximumDocuments)])])
        }
        let code = (0..<6).map { _ in String(services.random.uniform(below: 10)) }.joined()
        let now = services.clock.now
        let row = SigningCodeModel()
        row.$user.id = holder.id!
        row.codeHash = Self.codeHash(code, holder: holder.id!)
        row.documents = documents
        row.createdAt = now
        row.expiresAt = now.addingTimeInterval(Self.codeLifetime)
        let mail = services.mail.compose(to: holder, template: "signing_code",
                                         arguments: ["code": code, "documents": String(documents), "minutes": String(Int(Self.codeLifetime / 60))])
        try await WriteTransaction.run(on: database) { [services] db in
            try await row.create(on: db)
            try await services.audit.append(.signingCodeSent, context: context, targetType: "user", targetID: holder.id!.uuidString,
                                            details: ["documents": String(documents)], on: db)
            try await services.outbox.enqueue(mail, context: context, on: db)
        }
    }

    /// Signs `documents` for `holder`; every document is checked before the key is opened, so a bad one costs no
    /// attempt and nothing is signed.
    package func sign(_ documents: [Document], holder: UserModel, passphrase: String, code: String, context: AuditContext) async throws -> [Signed] {
        guard case .ready(let certificateID) = try await readiness(of: holder),
              let certificate = try await CertificateModel.find(certificateID, on: database) else {
            throw DomainError(.signingUnavailable, "holder cannot sign now")
        }
        try check(documents)
        let now = services.clock.now
        // the second factor, then the passphrase: either wrong counts as one failure, and both answer alike
        let mailedCode = try await secondFactor(code, documents: documents.count, holder: holder, context: context)
        let wrapped = Array(certificate.wrappedKey ?? Data())
        let algorithm = KeyAlgorithm(rawValue: certificate.keyAlgorithm) ?? .p256
        let key: SigningKey
        do {
            key = try await services.keyOpenings.run { try PassphraseKeyWrap.unwrap(wrapped, passphrase: passphrase, algorithm: algorithm) }
        } catch PKIError.wrongPassphrase {
            try await recordFailure(holder, reason: "passphrase", context: context)
            throw DomainError(.signingCredentialsWrong, "wrong passphrase")
        }
        guard let der = certificate.certificateDER.map({ [UInt8]($0) }) else {
            throw DomainError(.serverBusy, "the time-stamping unit is not ready")
        }
        // the records' ids are known before signing: the QR codes link to their pages
        let recordIDs = documents.map { _ in UUID() }
        let baseURL = services.configuration.publicBaseURL
        let signedDocuments = try await DocumentSigning(services: services, database: database, threadPool: threadPool).sign(
            documents, as: .init(certificateDER: der, serialHex: certificate.serialHex ?? "", key: key, name: holder.fullName,
                                 appearanceLine: "signature_appearance_by", fieldPrefix: "AMS-"),
            at: now) { index in baseURL + "/v/" + recordIDs[index].uuidString.lowercased() }
        let signed = zip(documents, zip(signedDocuments, recordIDs)).map { ($0, $1.0.bytes, $1.0.field, $1.1) }
        var results: [Signed] = []
        var records: [SignatureRecordModel] = []
        for (document, bytes, field, recordID) in signed {
            let record = SignatureRecordModel()
            record.id = recordID
            record.$holder.id = holder.id!
            record.$certificate.id = certificate.id!
            record.serialHex = certificate.serialHex ?? ""
            record.documentSHA256 = TokenDigest.sha256Hex(document.bytes)
            record.signedSHA256 = TokenDigest.sha256Hex(bytes)
            record.signedLength = Int64(bytes.count)
            record.fieldName = field
            record.visible = document.visible != nil
            record.level = document.level.rawValue
            // the calling application by name (`api:<name>`), or the web
            record.via = context.actorRole == "api_client" ? context.actorName : "web"
            record.createdAt = now
            records.append(record)
            results.append(Signed(name: Self.signedName(document.name), bytes: bytes, recordID: record.id!))
        }
        let finalRecords = records
        try await WriteTransaction.run(on: database) { [services] db in
            if let mailedCode {
                try await SigningCodeModel.query(on: db).filter(\.$id == mailedCode).set(\.$usedAt, to: now).update()
            }
            try await UserModel.query(on: db).filter(\.$id == holder.id!).set(\.$signingFailures, to: 0).update()
            for record in finalRecords {
                try await record.create(on: db)
                try await services.audit.append(.signatureCreated, context: context, targetType: "signature", targetID: record.id!.uuidString,
                                                details: ["serial": record.serialHex, "document_sha256": record.documentSHA256,
                                                          "signed_sha256": record.signedSHA256, "field": record.fieldName,
                                                          "visible": String(record.visible), "via": record.via,
                                                          "level": record.level ?? SignatureLevel.bT.rawValue], on: db)
            }
        }
        for _ in finalRecords { services.metrics.documentSigned("signature") }
        return results
    }

    /// The second factor: nothing when the policy does not ask for one and none was typed; else a code mailed for
    /// this many documents (returned, spent with the signatures), the authenticator app's code or a recovery code
    /// (spent now). A wrong one counts as a failure and throws.
    private func secondFactor(_ code: String, documents: Int, holder: UserModel, context: AuditContext) async throws -> UUID? {
        let typed = code.filter { !$0.isWhitespace }
        if typed.isEmpty, !services.configuration.signing.secondFactorRequired { return nil }
        let now = services.clock.now
        let mailed = try await SigningCodeModel.query(on: database).filter(\.$user.$id == holder.id!).filter(\.$usedAt == nil)
            .filter(\.$expiresAt > now).sort(\.$createdAt, .descending).all()
        if let matched = mailed.first(where: { TokenDigest.constantTimeEquals($0.codeHash, Self.codeHash(typed, holder: holder.id!)) }),
           matched.documents == documents {
            return matched.id!
        }
        if !typed.isEmpty, try await AuthenticatorService(services: services, database: database).spend(typed, holder: holder, context: context) {
            return nil
        }
        try await recordFailure(holder, reason: "code", context: context)
        throw DomainError(.signingCredentialsWrong, "wrong or unusable code")
    }

    /// Documents are PDFs AMS can sign, within the limits, and a visible signature can go where it is asked; the
    /// refusal names the file and why.
    func check(_ documents: [Document]) throws {
        guard (1...Self.maximumDocuments).contains(documents.count) else {
            throw ValidationError(fields: ["documents": .init("error_signing_document_count", ["max": String(Self.maximumDocuments)])])
        }
        for document in documents {
            let name = LogSafe.field(document.name, limit: 120)
            guard document.bytes.count <= maximumDocumentBytes else {
                throw ValidationError(fields: ["documents": .init("error_signing_too_large", ["name": name, "mb": String(maximumDocumentBytes >> 20)])])
            }
            do {
                let parsed = try PDFDocument(document.bytes)
                _ = try parsed.pages()
                if let visible = document.visible { _ = try SignatureAppearance(placement: visible.placement).place(in: parsed) }
            } catch let problem as PDFError {
                let (key, arguments): (String, [String: String]) = switch problem {
                case .encrypted: ("error_signing_encrypted", [:])
                case .noChangesAllowed: ("error_signing_no_changes", [:])
                case .notAPDF: ("error_signing_not_pdf", [:])
                case .noSuchPage(let page, let pages): ("error_signing_no_such_page", ["page": String(page), "pages": String(pages)])
                case .outsidePage: ("error_signing_outside_page", [:])
                case .markerNotFound(let marker): ("error_signing_marker_missing", ["marker": LogSafe.field(marker, limit: 80)])
                default: ("error_signing_damaged", [:])
                }
                throw ValidationError(fields: ["documents": .init(key, arguments.merging(["name": name]) { $1 })])
            }
        }
    }

    /// One more wrong passphrase or code: audited; the fifth in a row locks signing for 30 minutes and mails the holder.
    private func recordFailure(_ holder: UserModel, reason: String, context: AuditContext) async throws {
        let now = services.clock.now
        let failures = (holder.signingFailures ?? 0) + 1
        let locks = failures >= Self.failuresBeforeLock
        let lockMail = services.mail.compose(to: holder, template: "signing_locked", arguments: ["minutes": String(Int(Self.lockDuration / 60))])
        try await WriteTransaction.run(on: database) { [services] db in
            try await UserModel.query(on: db).filter(\.$id == holder.id!)
                .set(\.$signingFailures, to: locks ? 0 : failures)
                .set(\.$signingLockedUntil, to: locks ? now.addingTimeInterval(Self.lockDuration) : holder.signingLockedUntil)
                .update()
            try await services.audit.append(.signingFailed, outcome: .failure, context: context, targetType: "user",
                                            targetID: holder.id!.uuidString, details: ["reason": reason, "failures": String(failures)], on: db)
            if locks {
                try await services.audit.append(.signingLocked, outcome: .denied, context: context, targetType: "user",
                                                targetID: holder.id!.uuidString, details: ["minutes": String(Int(Self.lockDuration / 60))], on: db)
                try await services.outbox.enqueue(lockMail, context: context, on: db)
            }
        }
    }

    static func codeHash(_ code: String, holder: UUID) -> String {
        TokenDigest.hex("signing-code:" + holder.uuidString + ":" + code)
    }

    /// `surat.pdf` → `surat-ttd.pdf`.
    static func signedName(_ name: String) -> String {
        let base = RegistrationService.cleanFilename(name)
        let stem = base.lowercased().hasSuffix(".pdf") ? String(base.dropLast(4)) : base
        return stem + "-ttd.pdf"
    }
}
