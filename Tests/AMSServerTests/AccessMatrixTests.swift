@testable import AMSServer
import AMSCore
import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

/// Every route × every role, with the expected outcome, checked against the router's own route list: a route
/// missing from the table fails the test.
///
/// Columns: anonymous, applicant (owner of the certificate), applicant of another agency, agency operator of the same
/// agency, agency operator of another agency, CA operator, administrator, auditor. `+` passes authorisation (any
/// answer but 401/403/404 or a redirect to sign-in), `-` is refused (401, 403, 404 or a redirect to sign-in), `*` is
/// a public route whose answer depends on its token or form (any answer but a server error). For state-changing
/// routes the `-` cells are sent (with a valid CSRF token, so the refusal is the authorisation's) and the `+` cells
/// are left to the feature tests, which carry out those actions with real forms.
@Suite("Access control: every route × every role")
struct AccessMatrixTests {
    static let roles = ["anonymous", "holder", "holder-other-agency", "agency-operator", "agency-operator-other-agency",
                        "ca-operator", "administrator", "auditor"]

    static let matrix: [String: String] = [
        "GET /": "********",
        "GET /activate/:token": "********",
        "POST /activate/:token": "********",
        "GET /admin/agencies": "------+-",
        "POST /admin/agencies": "------+-",
        "GET /admin/agencies/new": "------+-",
        "GET /admin/agencies/:agencyID": "------+-",
        "POST /admin/agencies/:agencyID": "------+-",
        "GET /admin/api-keys": "------+-",
        "POST /admin/api-keys": "------+-",
        "POST /admin/api-keys/:keyID/revoke": "------+-",
        "POST /admin/api-keys/:keyID/switch": "------+-",
        "GET /admin/trust-anchors": "------+-",
        "POST /admin/trust-anchors": "------+-",
        "POST /admin/trust-anchors/:anchorID/remove": "------+-",
        "GET /admin/outbox": "------+-",
        "GET /admin/outbox/:messageID": "------+-",
        "GET /admin/users": "------+-",
        "POST /admin/users": "------+-",
        "GET /admin/users/new": "------+-",
        "GET /admin/users/:userID": "------+-",
        "POST /admin/users/:userID/disable": "------+-",
        "POST /admin/users/:userID/enable": "------+-",
        "POST /admin/users/:userID/reissue": "------+-",
        "POST /admin/users/:userID/role": "------+-",
        // the JSON API authenticates with agency keys only: no cookie gets in
        "GET /api/v1/openapi.json": "++++++++",
        // the national e-signature API: HTTP Basic of an agency application, never a session
        "POST /api/sign/pdf": "--------",
        "GET /api/sign/download/:id": "--------",
        "GET /api/user/status/:nik": "--------",
        "POST /api/v2/sign/pdf": "--------",
        "POST /api/v2/sign/get/totp": "--------",
        "POST /api/v2/user/check/status": "--------",
        "POST /api/v2/user/registration": "--------",
        "POST /api/v2/seal/get/activation": "--------",
        "POST /api/v2/seal/revoke/activation": "--------",
        "POST /api/v2/seal/get/totp": "--------",
        "POST /api/v2/seal/pdf": "--------",
        "POST /api/sign/verify": "--------",
        "POST /api/v1/verify": "--------",
        "POST /api/v1/ltv/renew": "--------",
        "POST /api/v2/verify/pdf": "--------",
        "GET /api/v1/certificates": "--------",
        "POST /api/v1/certificates": "--------",
        "GET /api/v1/certificates/:certificateID": "--------",
        "POST /api/v1/certificates/:certificateID/revoke": "--------",
        "GET /api/v1/requests": "--------",
        "POST /api/v1/requests": "--------",
        "GET /api/v1/requests/:requestID": "--------",
        "POST /api/v1/requests/:requestID/actions": "--------",
        "GET /audit": "------++",
        "GET /audit/export.csv": "------++",
        "GET /certificates": "-+++++++",
        "GET /certificates/new": "-++-----",
        "POST /certificates/new": "-++-----",
        "GET /certificates/:certificateID": "-+-+-+++",
        "GET /certificates/:certificateID/download/:file": "-+-+-+++",
        "POST /certificates/approve": "-----+--",
        "POST /certificates/:certificateID/approve": "-----+--",
        "POST /certificates/:certificateID/reject": "-----+--",
        "GET /certificates/:certificateID/renew": "-+------",
        "POST /certificates/:certificateID/renew": "-+------",
        "POST /certificates/:certificateID/replace": "-+------",
        "POST /certificates/:certificateID/confirm": "-+------",
        "POST /certificates/:certificateID/decline": "-+------",
        "POST /certificates/:certificateID/revoke": "-+-+-+--",
        "GET /sign": "-++-----",
        "POST /sign": "-++-----",
        "POST /sign/code": "-++-----",
        "GET /profile/authenticator": "-++-----",
        "POST /profile/authenticator/start": "-++-----",
        "POST /profile/authenticator/confirm": "-++-----",
        "POST /profile/authenticator/remove": "-++-----",
        // a signature's public record (the QR code's link) and pdf.js for the preview
        "GET /v/:id": "********",
        "POST /v/:id": "********",
        "GET /verifikasi": "********",
        "POST /verifikasi": "********",
        "GET /vendor/pdfjs/:file": "********",
        "GET /dashboard": "-+++++++",
        "GET /health": "++++++++",
        "GET /health/live": "++++++++",
        "GET /health/ready": "++++++++",
        "GET /lang/:code": "********",
        "GET /legal/privacy": "++++++++",
        "GET /legal/subscriber-agreement": "++++++++",
        "GET /login": "********",
        "POST /login": "********",
        "POST /logout": "********",
        "GET /profile/email/:token": "********",
        "POST /profile/email/:token": "********",
        "GET /password/change": "-+++++++",
        "POST /password/change": "-+++++++",
        "GET /password/forgot": "********",
        "POST /password/forgot": "********",
        "GET /password/reset/:token": "********",
        "POST /password/reset/:token": "********",
        "GET /pki/ca/:file": "++++++++",
        "GET /pki/crl/:file": "++++++++",
        "POST /pki/ocsp": "********",
        "POST /pki/tsa": "********",
        "GET /pki/ocsp/**": "++++++++",
        "GET /profile": "-++-----",
        "POST /profile": "-++-----",
        "GET /register": "********",
        "POST /register": "********",
        "GET /register/submitted": "********",
        "GET /brand/logo": "********",
        "GET /reports/sla": "---+++++",
        "GET /reports/sla.csv": "---+++++",
        "GET /requests": "---+++++",
        "GET /requests/new": "---++---",
        "POST /requests/new": "---++---",
        // a request still at its agency: the CA does not see it yet
        "GET /requests/:requestID": "---+--++",
        "POST /requests/:requestID/actions": "---+----",
        "GET /requests/:requestID/attachments/:attachmentID": "---+--++",
        "GET /reverifications": "---+++--",
        "GET /seals": "---+++++",
        "POST /seals": "---++---",
        // agency A's seal: its operator, the CA and the readers see it; agency B's operator does not
        "GET /seals/:sealID": "---+-+++",
        "POST /seals/:sealID/approve": "-----+--",
        "POST /seals/:sealID/reject": "-----+--",
        "POST /seals/:sealID/revoke": "-----+--",
        "POST /seals/:sealID/sealers": "---+----",
        "POST /seals/:sealID/sealers/:userID/remove": "---+----",
        "POST /reverifications/:userID": "---+-+--",
        "GET /status/:token": "********",
        "POST /status/:token/resubmit": "********",
        "GET /status/:token/withdraw": "********",
        "POST /status/:token/withdraw": "********",
    ]

    static func key(_ route: Route) -> String {
        "\(route.method.rawValue) /" + route.path.map(\.description).joined(separator: "/")
    }

    @Test(arguments: TestDatabase.all)
    func everyRouteAnswersEveryRoleAsTheTableSays(db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            // the table covers the router, and only the router
            let routes = t.app.routes.all
            let keys = Set(routes.map(Self.key))
            for key in keys.sorted() { #expect(Self.matrix[key] != nil, "route without an entry in the access matrix: \(key)") }
            for key in Self.matrix.keys.sorted() where !keys.contains(key) { Issue.record("matrix entry without a route: \(key)") }
            // setup: agency A with a submitted request and a holder with a certificate; agency B; staff
            let world = try await TwoAgencyWorld.make(t)
            let (agency, request, attachment, holder, certificate) = (world.agency, world.request, world.attachment, world.holder, world.certificate)
            try await t.user("admin", role: .administrator)
            let auditor = try await t.user("auditor", role: .auditor)
            let key = APIKeyModel(agencyID: agency.id!, name: "SIMPEG", keyPrefix: "ams_test", keyHash: String(repeating: "0", count: 64),
                                  createdAt: t.clock.now, createdByID: nil)
            try await key.create(on: t.db)
            let message = try #require(try await OutboxMessageModel.query(on: t.db).first())
            let opSumbar = try #require(try await UserModel.query(on: t.db).filter(\.$username == "op.sumbar").first())
            let seal = try await SealService(services: t.services, database: t.db, threadPool: t.app.threadPool)
                .request(agency: agency, name: "Segel Diskominfo", contactEmail: "tte@sumbarprov.go.id", by: opSumbar, context: .system())
            func value(_ name: String, in route: Route) -> String {
                let first = route.path.first?.description ?? ""
                switch name {
                case "requestID": return request.id!.uuidString
                case "attachmentID": return attachment.id!.uuidString
                case "certificateID": return certificate.id!.uuidString
                case "userID": return first == "admin" ? auditor.id!.uuidString : holder.id!.uuidString
                case "keyID": return key.id!.uuidString
                case "agencyID": return agency.id!.uuidString
                case "messageID": return message.id!.uuidString
                case "sealID": return seal.id!.uuidString
                case "code": return "en"
                case "file": return first == "pki" ? (route.path.dropFirst().first?.description == "crl" ? "issuing.crl" : "issuing.crt")
                    : "certificate.pem"
                default: return String(repeating: "A", count: 43)
                }
            }
            // the cast, signed in once each
            var browsers: [TestBrowser] = [t.browser()]
            for username in [holder.username, TwoAgencyWorld.otherHolder, "op.sumbar", "op.riau", "op.ca", "admin", "auditor"] {
                let browser = t.browser()
                #expect(try await browser.signIn(username, TestApp.password).status == .seeOther)
                browsers.append(browser)
            }
            var checked = 0
            // GETs first, then the refusals of state-changing routes (none of which changes anything)
            for route in routes.sorted(by: { ($0.method == .GET ? 0 : 1, Self.key($0)) < ($1.method == .GET ? 0 : 1, Self.key($1)) }) {
                guard let row = Self.matrix[Self.key(route)] else { continue }
                let path = "/" + route.path.map { component -> String in
                    switch component {
                    case .constant(let text): text
                    case .parameter(let name): value(name, in: route)
                    case .anything, .catchall: "MAMCAQA="
                    }
                }.joined(separator: "/")
                for (index, expected) in row.enumerated() {
                    if route.method != .GET && expected == "+" { continue }
                    let browser = browsers[index]
                    let response = route.method == .GET
                        ? try await browser.get(path)
                        : try await browser.post(path, form: ["version": "1", "reason": "keyCompromise", "note": "x"],
                                                 from: index == 0 ? "/login" : "/dashboard")
                    let status = response.status.code
                    let toSignIn = (300..<400).contains(status) && (response.headers.first(name: .location) ?? "").hasPrefix("/login")
                    let refused = [401, 403, 404].contains(status) || toSignIn
                    let cell = "\(Self.roles[index]): \(route.method) \(path) → \(status) \(response.headers.first(name: .location) ?? "")"
                    switch expected {
                    case "+": #expect(!refused && status < 500, "\(cell)")
                    case "-": #expect(refused, "\(cell)")
                    default: #expect(status < 500, "\(cell)")
                    }
                    checked += 1
                }
            }
            #expect(checked > 400, "\(checked) cells checked")
            // nothing the refused requests touched changed
            #expect(try await t.record(certificate.id).status == .issued)
            #expect(try await UserModel.find(auditor.id, on: t.db)?.isActive == true)
        }
    }
}
