import AMSCore
import AMSPKI
import Fluent
import Foundation
import Vapor

/// The certificate list and its search.
extension CertificateController {
    @Sendable func list(req: Request) async throws -> Response {
        let text = req.searchText()
        return try await renderList(req, text: text, status: req.query[String.self, at: "status"].flatMap(CertificateStatus.init(rawValue:)))
    }

    func renderList(_ req: Request, text: String, status: CertificateStatus?, problem: String? = nil,
                    httpStatus: HTTPStatus = .ok) async throws -> Response {
        let user = try req.requireUser()
        var query = Self.visible(to: user, on: req.db).with(\.$holder)
        if let status { query = query.filter(\.$status == status) }
        if !text.isEmpty {
            let holders = try await UserModel.query(on: req.db).filter(\.$username == text).all().compactMap(\.id)
            query = query.group(.or) {
                $0.filter(\.$serialHex == text.lowercased()).filter(\.$subject ~~ text).filter(\.$email == text.lowercased())
                if !holders.isEmpty { $0.filter(\.$holder.$id ~~ holders) }
            }
        }
        let total = try await query.count()
        let pagination = Pagination(page: req.query[Int.self, at: "page"] ?? 1, pageSize: Self.pageSize, total: total,
                                    baseQuery: ["q": text, "status": status?.rawValue ?? ""])
        let rows = try await query.sort(\.$requestedAt, .descending).range(pagination.offset..<(pagination.offset + Self.pageSize)).all()
        let statuses = [SelectOption(value: "", label: req.localized("certificate_all_statuses"), selected: status == nil)]
            + CertificateStatus.allCases.map {
                SelectOption(value: $0.rawValue, label: req.localized("certificate_status_\($0.rawValue)"), selected: $0 == status)
            }
        let actor = user.actor
        let selectable = rows.map { $0.status == .pending && Permissions.canDecideCertificate(actor: actor, holderID: $0.$holder.id) }
        return try await req.renderPage("certificates", titleKey: "certificates_title", page: CertificateListPage(
            rows: zip(rows, selectable).map { CertificatePage.row($0, req, selectable: $1) }, query: text, statuses: statuses,
            canRequest: Permissions.canRequestCertificate(actor: actor), canApprove: selectable.contains(true), problem: problem,
            pagination: pagination), status: httpStatus)
    }
}
