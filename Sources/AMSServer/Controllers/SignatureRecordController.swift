import AMSCore
import Fluent
import Vapor

/// `/v/<id>`: the public page a visible signature's QR code leads to. Anyone holding the document can see that AMS
/// made this signature — who signed, for which agency, when, with which certificate and whether it is still valid —
/// and upload the copy in hand to learn whether it is that signed file, that file with later additions (another
/// signature appended), or a different or changed one. The upload is hashed, never kept. The id is random
/// (unguessable); an unknown one is a plain 404.
struct SignatureRecordController: RouteCollection {
    let bodyLimit: Int

    func boot(routes: any RoutesBuilder) throws {
        routes.get("v", ":id", use: show)
        routes.on(.POST, "v", ":id", bodyLimit: bodyLimit, use: compare)
    }

    /// How a reader's copy relates to the signed file.
    enum Comparison: String {
        case same, extended, different, notPDF = "not_pdf"
    }

    func load(_ req: Request) async throws -> SignatureRecordModel {
        guard let id = req.parameters.get("id", as: UUID.self),
              let record = try await SignatureRecordModel.query(on: req.db).filter(\.$id == id).with(\.$holder).with(\.$certificate).first() else {
            throw Abort(.notFound)
        }
        return record
    }

    @Sendable func show(req: Request) async throws -> Response {
        try await render(req, record: try await load(req), comparison: nil)
    }

    struct CompareForm: Content {
        var document: File?
    }

    @Sendable func compare(req: Request) async throws -> Response {
        let record = try await load(req)
        let bytes = Array((try? req.content.decode(CompareForm.self))?.document?.data.readableBytesView ?? [])
        return try await render(req, record: record, comparison: Self.compare(bytes, with: record), status: bytes.isEmpty ? .unprocessableEntity : .ok)
    }

    static func compare(_ bytes: [UInt8], with record: SignatureRecordModel) -> Comparison {
        guard bytes.starts(with: Array("%PDF-".utf8)) else { return .notPDF }
        if TokenDigest.sha256Hex(bytes) == record.signedSHA256 { return .same }
        if let length = record.signedLength.map(Int.init), length < bytes.count,
           TokenDigest.sha256Hex(Array(bytes.prefix(length))) == record.signedSHA256 {
            return .extended
        }
        return .different
    }

    func render(_ req: Request, record: SignatureRecordModel, comparison: Comparison?, status: HTTPStatus = .ok) async throws -> Response {
        let certificate = record.certificate
        let zone = req.readerTimeZone
        let state: String = switch certificate.status {
        case .revoked: "revoked"
        case _ where (certificate.notAfter ?? .distantPast) < req.ams.clock.now: "expired"
        default: "valid"
        }
        let agency = try await AgencyModel.find(record.holder.$agency.id, on: req.db)
        return try await req.renderPage("signature-record", titleKey: "record_title", page: RecordPage(
            id: record.id!.uuidString.lowercased(), signer: record.holder.fullName, agency: agency?.name ?? "",
            signedAt: DisplayFormat.timestamp(record.createdAt, in: zone), serial: record.serialHex,
            certificateState: state, certificateStateLabel: req.localized("record_certificate_" + state),
            validUntil: certificate.notAfter.map { DisplayFormat.timestamp($0, in: zone) } ?? "",
            signedSHA256: record.signedSHA256, visible: record.visible,
            comparison: comparison?.rawValue, comparisonText: comparison.map { req.localized("record_compare_" + $0.rawValue) }), status: status)
    }
}
