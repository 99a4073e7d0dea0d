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
        var query = Self.visible(to: user, on: req.db)
        if let status { query = query.filter(\.$status == status) }
        if !text.isEmpty {
            let holders = try await UserModel.query(on: req.db).filter(\.$username == text).all().compactMap(\.id)
            query = query.group(.or) {
                $0.filter(\.$serialHex == text.lowercased()).filter(\.$subject ~~ text).filter(\.$email == text.lowercased())
                if !holders.isEmpty { $0.filter(\.$holder.$id ~~ holders) }
            }
        }
        // newest first, a page after the last one shown (or up to a day), through the (requested_at, id) indexes
        let counted = try await query.copy().cappedCount(KeysetPage.countCap)
        let after = KeysetPage.Cursor(req.query[String.self, at: "after"])
        let dayText = req.query[String.self, at: "day"] ?? ""
        let day = AuditController.Filter.day(dayText)
        var page = query.copy().with(\.$holder)
        if let after {
            page = page.after(\.$requestedAt, after.time, id: after.id, descending: true)
        } else if let day {
            page = page.filter(\.$requestedAt < day.addingTimeInterval(86_400))
        }
        let read = try await page.sort(\.$requestedAt, .descending).sort(\.$id, .descending).limit(Self.pageSize + 1).all()
        let rows = Array(read.prefix(Self.pageSize))
        let keyset = KeysetPage(
            countText: KeysetPage.countText(counted, req),
            isFirst: after == nil && day == nil, lastShown: rows.last.map { KeysetPage.Cursor(time: $0.requestedAt, id: $0.id!).text },
            hasMore: read.count > Self.pageSize, jumpDay: day == nil ? "" : dayText, baseQuery: ["q": text, "status": status?.rawValue ?? ""])
        let statuses = [SelectOption(value: "", label: req.localized("certificate_all_statuses"), selected: status == nil)]
            + CertificateStatus.allCases.map {
                SelectOption(value: $0.rawValue, label: req.localized("certificate_status_\($0.rawValue)"), selected: $0 == status)
            }
        let actor = user.actor
        let selectable = rows.map { $0.status == .pending && Permissions.canDecideCertificate(actor: actor, holderID: $0.$holder.id) }
        return try await req.renderPage("certificates", titleKey: "certificates_title", page: CertificateListPage(
            rows: zip(rows, selectable).map { CertificatePage.row($0, req, selectable: $1) }, query: text, statuses: statuses,
            canRequest: Permissions.canRequestCertificate(actor: actor), canApprove: selectable.contains(true), problem: problem,
            keyset: keyset), status: httpStatus)
    }
}
