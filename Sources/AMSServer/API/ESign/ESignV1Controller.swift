import AMSCore
import Fluent
import Vapor

/// The national e-signature API, v1 (multipart/form-data): `POST /api/sign/pdf` signs one PDF and answers with it
/// (header `id_dokumen`), `GET /api/sign/download/{id_dokumen}` gives it once more within ten minutes, and
/// `GET /api/user/status/{nik}` says where the signer stands. Fields may come in any order.
struct ESignV1Controller: RouteCollection {
    let bodyLimit: Int

    func boot(routes: any RoutesBuilder) throws {
        let api = routes.grouped("api").grouped(ESignError.Middleware(), ESignAuthenticator())
        api.on(.POST, "sign", "pdf", bodyLimit: bodyLimit, use: sign)
        api.get("sign", "download", ":id", use: download)
        api.get("user", "status", ":nik", use: status)
    }

    struct SignForm: Content {
        var file: File?
        var nik: String?
        var passphrase: String?
        var totp: String?
        var tampilan: String?
        var page: String?
        var image: String?
        var imageTTD: File?
        var linkQR: String?
        var tagKoordinat: String?
        var xAxis: String?
        var yAxis: String?
        var width: String?
        var height: String?
        var reason: String?
        var location: String?
        /// AMS's addition: `B-T` (default), `B-LT` or `B-LTA`.
        var signatureLevel: String?

        enum CodingKeys: String, CodingKey {
            case file, nik, passphrase, totp, tampilan, page, image, imageTTD, linkQR, xAxis, yAxis, width, height, reason, location, signatureLevel
            case tagKoordinat = "tag_koordinat"
        }
    }

    @Sendable func sign(req: Request) async throws -> Response {
        let key = try ESignAuthenticator.client(req)
        let form = try req.content.decode(SignForm.self)
        guard let file = form.file, file.data.readableBytes > 0 else { throw ESignError.invalid("file: the PDF to sign.") }
        func number(_ text: String?, _ field: String) throws -> Double? {
            guard let text = text?.trimmingCharacters(in: .whitespaces), !text.isEmpty else { return nil }
            guard let value = Double(text.replacingOccurrences(of: ",", with: ".")), value.isFinite else {
                throw ESignError.invalid("\(field): a number (PDF points).")
            }
            return value
        }
        let useImage = ["true", "1", "yes"].contains((form.image ?? "").lowercased())
        if useImage, (form.imageTTD?.data.readableBytes ?? 0) == 0, form.tampilan?.lowercased() == "visible" {
            throw ESignError.invalid("imageTTD: image=true needs the specimen image (PNG or JPEG).")
        }
        let appearance = ESignAppearanceRequest(
            tampilan: form.tampilan, page: try number(form.page, "page"), x: try number(form.xAxis, "xAxis"), y: try number(form.yAxis, "yAxis"),
            width: try number(form.width, "width"), height: try number(form.height, "height"), marker: form.tagKoordinat,
            specimen: useImage ? form.imageTTD.map { Array($0.data.readableBytesView) } : nil,
            link: useImage ? nil : form.linkQR?.trimmingCharacters(in: .whitespaces).nilIfEmpty)
        let signing = ESignSigning(req, key: key)
        let holder = try await signing.holder(nik: form.nik, email: nil)
        let document = SigningService.Document(
            name: file.filename.isEmpty ? "dokumen.pdf" : file.filename, bytes: Array(file.data.readableBytesView),
            visible: try appearance.visible(locale: .default, timeZone: try await AgencyModel.timeZone(of: holder.$agency.id, on: req.db)),
            reason: form.reason.clipped(FieldLimit.reason).nilIfEmpty, location: form.location.clipped(FieldLimit.reason).nilIfEmpty,
            level: try ESignSigning.level(form.signatureLevel, field: "signatureLevel"))
        let signed = try await signing.sign([document], holder: holder, passphrase: form.passphrase, totp: form.totp)[0]
        let id = try await ESignService(services: req.ams, database: req.db).keep(signed, for: key)
        let response = Response(status: .ok, body: .init(data: Data(signed.bytes)))
        response.headers.contentType = .init(type: "application", subType: "pdf")
        response.headers.replaceOrAdd(name: "id_dokumen", value: id.uuidString.lowercased())
        return response
    }

    @Sendable func download(req: Request) async throws -> Response {
        let key = try ESignAuthenticator.client(req)
        guard let id = req.parameters.get("id", as: UUID.self) else { throw ESignError.downloadGone }
        let kept = try await ESignService(services: req.ams, database: req.db).take(id, for: key)
        let response = Response(status: .ok, body: .init(data: kept.document))
        response.headers.contentType = .init(type: "application", subType: "pdf")
        response.headers.replaceOrAdd(name: .contentDisposition, value: "attachment; filename=\"dokumen-ttd.pdf\"")
        return response
    }

    @Sendable func status(req: Request) async throws -> Response {
        let key = try ESignAuthenticator.client(req)
        let status = try await ESignService(services: req.ams, database: req.db).status(nik: req.parameters.get("nik"), email: nil, key: key)
        return try await StatusAnswer(statusCode: ESignStatusText.code(status), status: status.rawValue, message: ESignStatusText.message(status))
            .encodeResponse(for: req)
    }

    struct StatusAnswer: Content {
        let statusCode: Int
        let status: String
        let message: String

        enum CodingKeys: String, CodingKey {
            case statusCode = "status_code", status, message
        }
    }
}
