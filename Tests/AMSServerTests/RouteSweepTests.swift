@testable import AMSServer
import AMSCore
import Fluent
import Foundation
import SQLKit
import Testing
import Vapor
import VaporTesting

/// Checks generated from the router's own route list, so a new route is covered the day it is added.
@Suite("Every route: CSRF on every state-changing form, security headers and cookie flags on every page, GETs change nothing")
struct RouteSweepTests {
    /// A concrete path for a route pattern: parameters become ids that exist nowhere.
    static func path(_ route: Route) -> String {
        "/" + route.path.map { component -> String in
            switch component {
            case .constant(let text): text
            case .parameter: UUID().uuidString
            case .anything, .catchall: "x"
            }
        }.joined(separator: "/")
    }

    /// Rows of every AMS table except the audit log and sign-in bookkeeping (which record the refusals), and the
    /// latest change of every table that keeps one.
    static func snapshot(_ t: TestApp) async throws -> [String: Int] {
        var counts: [String: Int] = [:]
        for table in ["users", "registration_requests", "certificates"] {
            let row = try await t.sql.raw("SELECT MAX(updated_at) AS m FROM \(ident: table)").first()
            counts[table + ".updated_at"] = Int((try row?.decode(column: "m", as: Date?.self))??.timeIntervalSince1970 ?? 0)
        }
        for table in ["agencies", "agency_email_domains", "users", "registration_requests", "registration_attachments",
                      "registration_events", "registration_step_timings", "activation_tokens", "password_reset_tokens",
                      "certificates", "certificate_authorities", "crl_states", "outbox_messages", "api_keys"] {
            let row = try await t.sql.raw("SELECT COUNT(*) AS n FROM \(ident: table)").first()
            counts[table] = try row?.decode(column: "n", as: Int.self)
        }
        return counts
    }

    @Test(arguments: TestDatabase.all)
    func everyStateChangingRouteRefusesAMissingOrForeignToken(db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            try await t.certificateAuthority()
            try await t.user("op.ca", role: .caOperator)
            let browser = t.browser()
            try await browser.signIn("op.ca", TestApp.password)
            let other = t.browser()
            try await other.get("/login")
            let foreignToken = try #require(TestBrowser.csrfToken(in: other.lastPage))
            let before = try await Self.snapshot(t)
            let formRoutes = t.app.routes.all.filter { route in
                [.POST, .PUT, .PATCH, .DELETE].contains(route.method)
                    && !["api", "pki"].contains(route.path.first?.description ?? "")
            }
            #expect(formRoutes.count >= 25, "the sweep found \(formRoutes.count) form routes")
            var refused = 0
            for route in formRoutes {
                for token in ["", foreignToken] {
                    let response = try await browser.post(Self.path(route), form: ["version": "1", "reason": "keyCompromise"], csrf: token)
                    #expect(response.status == .forbidden, "\(route.method) \(route.path.string) with token '\(token.prefix(6))' → \(response.status)")
                    if response.status == .forbidden { refused += 1 }
                }
            }
            #expect(refused == formRoutes.count * 2)
            #expect(try await Self.snapshot(t) == before, "a refused form changed the database")
            let rejected = try await t.auditActions().filter { $0 == "security.csrf_rejected" }.count
            #expect(rejected == formRoutes.count * 2)
        }
    }

    @Test(arguments: TestDatabase.all)
    func everyPageCarriesTheSecurityHeadersAndSafeCookies(db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            try await t.certificateAuthority()
            try await t.user("admin", role: .administrator)
            let signedIn = t.browser()
            try await signedIn.signIn("admin", TestApp.password)
            let pages = t.app.routes.all.filter { $0.method == .GET }
            #expect(pages.count >= 30)
            let before = try await Self.snapshot(t)
            for route in pages {
                for browser in [t.browser(), signedIn] {
                    let response = try await browser.get(Self.path(route))
                    let name = "GET \(route.path.string) → \(response.status.code)"
                    #expect(response.headers.first(name: "X-Content-Type-Options") == "nosniff", "\(name)")
                    #expect(response.headers.first(name: "Content-Security-Policy")?.contains("frame-ancestors 'none'") == true, "\(name)")
                    #expect(response.headers.first(name: "Referrer-Policy") == "no-referrer", "\(name)")
                    #expect(response.status.code < 500, "\(name)")
                    for cookie in response.headers[.setCookie] {
                        let flags = cookie.lowercased()
                        #expect(flags.contains("httponly") && flags.contains("secure") && flags.contains("samesite"), "\(name): \(cookie)")
                    }
                }
            }
            // reading changes no data (sessions and the audit log of refusals are bookkeeping, not data)
            #expect(try await Self.snapshot(t) == before, "a GET changed the database")
        }
    }

    @Test(arguments: TestDatabase.all)
    func usersOfAnotherAgencyReachNoRecordByItsId(db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            // setup: in agency A a registration request with its documents, a holder with a certificate; agency B's users
            let world = try await TwoAgencyWorld.make(t)
            let (request, attachment, holder, certificate) = (world.request, world.attachment, world.holder, world.certificate)
            let ids = ["requestID": request.id!.uuidString, "attachmentID": attachment.id!.uuidString,
                       "certificateID": certificate.id!.uuidString, "userID": holder.id!.uuidString, "file": "certificate.pem"]
            let routes = t.app.routes.all.filter { route in
                !["api", "pki"].contains(route.path.first?.description ?? "")
                    && route.path.contains { if case .parameter(let name) = $0 { ids[name] != nil } else { false } }
                    && !route.path.contains { if case .parameter(let name) = $0 { ids[name] == nil } else { false } }
            }
            #expect(routes.count >= 15, "the sweep found \(routes.count) routes with record ids")
            let before = try await Self.snapshot(t)
            for username in [TwoAgencyWorld.otherHolder, "op.riau"] {
                let browser = t.browser()
                try await browser.signIn(username, TestApp.password)
                for route in routes {
                    let path = "/" + route.path.map { component -> String in
                        if case .parameter(let name) = component { return ids[name]! }
                        return component.description
                    }.joined(separator: "/")
                    let response = route.method == .GET
                        ? try await browser.get(path)
                        : try await browser.post(path, form: ["version": "1", "reason": "keyCompromise", "event": "forward_to_ca",
                                                              "password": TestApp.password], from: "/dashboard")
                    #expect([403, 404].contains(response.status.code), "\(username): \(route.method) \(path) → \(response.status)")
                }
            }
            #expect(try await Self.snapshot(t) == before, "a refused request changed the database")
            #expect(try await t.record(certificate.id).status == .issued)
        }
    }
}
