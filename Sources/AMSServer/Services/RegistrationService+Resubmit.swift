import AMSCore
import Fluent
import Foundation

extension RegistrationService {
    /// What the applicant may correct when resubmitting a returned request; empty documents keep the earlier ones.
    struct Correction: Sendable {
        var phone: String
        var unit: String
        var position: String
        var recommendationLetter: UploadedFile?
        var jobDecree: UploadedFile?
    }

    /// Resubmits a returned request: new document revisions (earlier ones are kept) and corrected fields, in the
    /// transition's transaction; documents that fail the checks leave everything as it was. A document the same as
    /// the current one (same SHA-256) is no new revision, and a resubmission that changes nothing is refused: the
    /// agency would only see the request it returned.
    func resubmit(_ request: RegistrationRequestModel, correction: Correction, context: AuditContext) async throws {
        var problems: [String: String] = [:]
        let phone = Self.normalisedPhone(correction.phone)
        if phone == nil { problems["phone"] = "error_invalid_phone" }
        let unit = Self.unitName(correction.unit, problems: &problems)
        let position = Self.plainText(correction.position, range: 2...200)
        if position == nil { problems["position"] = "error_invalid_text" }
        let current = Dictionary(request.attachments.map { ($0.kind, $0) }, uniquingKeysWith: { $0.revision > $1.revision ? $0 : $1 })
        let files: [(RegistrationAttachmentModel.Kind, String, UploadedFile)] = [
            (.recommendationLetter, "recommendationLetter", correction.recommendationLetter),
            (.jobDecree, "jobDecree", correction.jobDecree),
        ].compactMap { kind, field, file in file.map { (kind, field, $0) } }
            .filter { kind, _, file in current[kind]?.sha256 != TokenDigest.sha256Hex(file.bytes) }
        for (_, field, file) in files {
            switch PDFSniffer.inspect(file.bytes, maximumSize: services.configuration.uploadMaxBytes) {
            case .pdf: break
            case .tooLarge: problems[field] = "error_file_too_large"
            default: problems[field] = "error_file_not_pdf"
            }
        }
        // the letter and the decree as they would stand after this resubmission must be two different files
        var standing = current.mapValues(\.sha256)
        for (kind, _, file) in files { standing[kind] = TokenDigest.sha256Hex(file.bytes) }
        if problems.isEmpty, let letter = standing[.recommendationLetter], letter == standing[.jobDecree] {
            problems[files.contains { $0.0 == .jobDecree } ? "jobDecree" : "recommendationLetter"] = "error_same_file_twice"
        }
        guard problems.isEmpty, let phone, let unit, let position else { throw invalid(problems) }
        if files.isEmpty, phone == request.phone, unit == request.unit, position == request.position {
            throw invalid(["form": "error_resubmission_unchanged"])
        }
        if !files.isEmpty { try await ensureRoomForDocuments() }
        var stored: [RegistrationAttachmentModel] = []
        let now = services.clock.now
        do {
            for (kind, _, file) in files {
                let key = try await services.attachments.store(file.bytes)
                let revision = (request.attachments.filter { $0.kind == kind }.map(\.revision).max() ?? 0) + 1
                stored.append(RegistrationAttachmentModel(requestID: request.id!, kind: kind, revision: revision, storageKey: key,
                                                          sha256: TokenDigest.sha256Hex(file.bytes), byteCount: file.bytes.count,
                                                          originalName: Self.cleanFilename(file.filename), createdAt: now))
            }
            let newAttachments = stored
            // The timeline keeps what changed (earlier values stay readable there; earlier documents stay as revisions).
            var changes: [RequestChange] = []
            for (field, old, new) in [("phone", request.phone, phone), ("unit", request.unit, unit), ("position", request.position, position)]
            where old != new { changes.append(.field(field, from: old, to: new)) }
            for attachment in newAttachments { changes.append(.document(attachment.kind.rawValue, revision: attachment.revision)) }
            try await transition(request, .init(event: .resubmit, reason: nil, note: nil, expectedVersion: request.version, changes: changes),
                                 by: .applicant, context: context, updates: { request in
                                     request.phone = phone
                                     request.unit = unit
                                     request.position = position
                                 }, alsoInTransaction: { db in
                                     for attachment in newAttachments { try await attachment.create(on: db) }
                                 })
        } catch {
            for attachment in stored { await services.attachments.delete(attachment.storageKey) }
            throw error
        }
    }
}
