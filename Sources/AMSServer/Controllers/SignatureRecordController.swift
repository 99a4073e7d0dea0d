import AMSCore
import Fluent
import Vapor

/// `/v/<id>`: the public page a visible signature's QR code leads to. Anyone holding the document can see that AMS
/// made this signature — who signed, when, with which certificate and whether it is still valid — and compare the
/// SHA-256 of the signed file with their copy. The id is random (unguessable); an unknown one is a plain 404.
struct SignatureRecordController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("v", ":id", use: show)
    }

    @Sendable func show(req: Request) async throws -> Response {
        guard let id = req.parameters.get("id", as: UUID.self),
              let record = try await SignatureRecordModel.query(on: req.db).filter(\.$id == id).with(\.$holder).with(\.$certificate).first() else {
            throw Abort(.notFound)
        }
        let certificate = record.certificate
        let zone = req.readerTimeZone
        let state: String = switch certificate.status {
        case .revoked: "revoked"
        case _ where (certificate.notAfter ?? .distantPast) < req.ams.clock.now: "expired"
        default: "valid"
        }
        return try await req.renderPage("signature-record", titleKey: "record_title", page: RecordPage(
            signer: record.holder.fullName, signedAt: DisplayFormat.timestamp(record.createdAt, in: zone), serial: record.serialHex,
            certificateState: state, certificateStateLabel: req.localized("record_certificate_" + state),
            validUntil: certificate.notAfter.map { DisplayFormat.timestamp($0, in: zone) } ?? "",
            signedSHA256: record.signedSHA256, visible: record.visible))
    }

    struct RecordPage: Encodable {
        let signer: String
        let signedAt: String
        let serial: String
        let certificateState: String
        let certificateStateLabel: String
        let validUntil: String
        let signedSHA256: String
        let visible: Bool
    }
}
