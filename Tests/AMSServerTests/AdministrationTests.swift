@testable import AMSServer
import AMSCore
import Fluent
import Testing
import Vapor
import VaporTesting

@Suite("Agencies and staff accounts")
struct AdministrationTests {
    @Test(arguments: TestDatabase.all)
    func administratorCreatesAgencyAndItsOperator(db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            // setup
            try await t.user("admin", role: .administrator)
            let admin = t.browser()
            try await admin.signIn("admin", TestApp.password)
            // act: the agency, then an operator whose mail is outside the agency's domains, then a correct one
            let agency = try await admin.post("/admin/agencies", form: [
                "code": "diskominfo-sumbar", "name": "Diskominfo Provinsi Sumatera Barat",
                "domains": "sumbarprov.go.id\ndiskominfo.sumbarprov.go.id"], from: "/admin/agencies/new")
            #expect(agency.location == "/admin/agencies?notice=agency_created")
            let stored = try #require(try await AgencyModel.query(on: t.db).with(\.$domains).first())
            #expect(stored.code == "DISKOMINFO-SUMBAR")
            #expect(Set(stored.domains.map(\.domain)) == ["sumbarprov.go.id", "diskominfo.sumbarprov.go.id"])
            let list = try await admin.get("/admin/agencies")
            #expect(list.body.string.contains("Diskominfo Provinsi Sumatera Barat"))
            var form = ["username": "op.sumbar", "email": "op@gmail.com", "fullName": "Operator Sumbar",
                        "role": "agency_operator", "agencyID": stored.id!.uuidString, "locale": "id", "nik": "1371011203850003"]
            let refused = try await admin.post("/admin/users", form: form, from: "/admin/users/new")
            #expect(refused.status == .unprocessableEntity)
            #expect(refused.body.string.contains("domain dinas instansi"))
            #expect(refused.body.string.contains("value=\"op.sumbar\""))
            form["email"] = "op@diskominfo.sumbarprov.go.id"
            let created = try await admin.post("/admin/users", form: form, from: "/admin/users/new")
            // check
            #expect(created.location == "/admin/users?notice=user_created")
            let user = try #require(try await UserModel.query(on: t.db).filter(\.$username == "op.sumbar").first())
            #expect(user.role == .agencyOperator && user.$agency.id == stored.id && user.passwordIsInitial)
            #expect(try await t.initialPassword(for: user.email) != nil)
            let audit = try #require(try await AuditEntryModel.query(on: t.db).filter(\.$action == "account.created").first())
            #expect(audit.actorName == "admin")
            #expect(audit.record.details["agency"] == "DISKOMINFO-SUMBAR")
            #expect(try await t.auditActions().contains("agency.created"))
        }
    }

    @Test(arguments: TestDatabase.all)
    func badAccountInputGetsClearErrorsAndCreatesNothing(db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            try await t.user("admin", role: .administrator)
            let admin = t.browser()
            try await admin.signIn("admin", TestApp.password)
            let cases: [([String: String], String)] = [
                (["username": "x", "email": "a@bssn.go.id", "fullName": "Ani", "role": "auditor"], "Nama pengguna 3–32 karakter"),
                (["username": "ani", "email": "not-an-email", "fullName": "Ani", "role": "auditor"], "Alamat surel tidak sah"),
                (["username": "ani", "email": "a@bssn.go.id", "fullName": "Ani\r\nInjected: yes", "role": "auditor"], "Nama 2–128 karakter"),
                (["username": "ani", "email": "a@bssn.go.id", "fullName": "Ani", "role": "auditor", "nik": "12ab"], "NIK terdiri dari 16 angka"),
                (["username": "ani", "email": "a@bssn.go.id", "fullName": "Ani", "role": "applicant"], "Pilih peran yang tersedia"),
                (["username": "ani", "email": "a@bssn.go.id", "fullName": "Ani", "role": "agency_operator", "nik": "1371011203850003"],
                 "harus terikat pada satu instansi"),
                (["username": "ani", "email": "a@bssn.go.id", "fullName": "Ani", "role": "ca_operator"], "Operator wajib memiliki NIK"),
                (["username": "admin", "email": "a@bssn.go.id", "fullName": "Ani", "role": "auditor"], "sudah dipakai"),
            ]
            for (form, message) in cases {
                let response = try await admin.post("/admin/users", form: form, from: "/admin/users/new")
                #expect(response.status == .unprocessableEntity, "\(form)")
                #expect(response.body.string.contains(message), "\(form) should say \(message)")
            }
            #expect(try await UserModel.query(on: t.db).count() == 1)
            #expect(try await OutboxMessageModel.query(on: t.db).count() == 0)
        }
    }

    @Test(arguments: TestDatabase.all)
    func roleChangeAndDisablingEndTheUsersSessions(db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            // setup
            let admin = try await t.user("admin", role: .administrator)
            let target = try await t.user("ani", role: .auditor)
            let userBrowser = t.browser()
            try await userBrowser.signIn("ani", TestApp.password)
            #expect(try await userBrowser.get("/audit").status == .ok)
            let adminBrowser = t.browser()
            try await adminBrowser.signIn("admin", TestApp.password)
            let detail = "/admin/users/\(target.id!.uuidString)"
            // act: auditor → CA operator
            let changed = try await adminBrowser.post(detail + "/role", form: ["role": "ca_operator", "agencyID": ""], from: detail)
            // check
            #expect(changed.location == detail + "?notice=role_changed")
            #expect(try await userBrowser.get("/audit").status == .seeOther)
            try await userBrowser.signIn("ani", TestApp.password)
            #expect(try await userBrowser.get("/audit").status == .forbidden)
            // disabling ends the session and blocks sign-in; enabling restores it
            #expect(try await adminBrowser.post(detail + "/disable", form: [:], from: detail).status == .seeOther)
            #expect(try await userBrowser.get("/dashboard").status == .seeOther)
            #expect(try await t.browser().signIn("ani", TestApp.password).status == .unauthorized)
            #expect(try await adminBrowser.post(detail + "/enable", form: [:], from: detail).status == .seeOther)
            #expect(try await t.browser().signIn("ani", TestApp.password).status == .seeOther)
            // an administrator cannot change their own role or disable themself
            let selfPath = "/admin/users/\(admin.id!.uuidString)"
            let own = try await adminBrowser.post(selfPath + "/disable", form: [:], from: "/dashboard")
            #expect(own.status == .unprocessableEntity)
            let actions = try await t.auditActions()
            #expect(actions.contains("account.role_changed") && actions.contains("account.disabled") && actions.contains("account.enabled"))
        }
    }

    @Test(arguments: TestDatabase.all)
    func movingAVerifiedHolderToAnotherAgencyRequiresReverification(db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            // setup: a verified applicant of one agency
            let first = try await t.agency(code: "A-ONE", name: "Agency One", domains: ["one.go.id"])
            let second = try await t.agency(code: "A-TWO", name: "Agency Two", domains: ["two.go.id"])
            let admin = try await t.user("admin", role: .administrator)
            let holder = try await t.user("holder", role: .applicant, agency: first, email: "holder@one.go.id")
            holder.identityVerifiedAt = t.clock.now
            try await holder.save(on: t.db)
            #expect(holder.mayBeIssuedCertificate)
            // act: a move whose e-mail does not fit the new agency is refused; after fixing the e-mail it works
            let service = AccountService(services: t.services, database: t.db)
            await #expect(throws: ValidationError.self) {
                try await service.changeRole(of: holder, to: .applicant, agencyID: second.id, actor: admin, context: .system())
            }
            holder.email = "holder@two.go.id"
            try await holder.save(on: t.db)
            try await service.changeRole(of: holder, to: .applicant, agencyID: second.id, actor: admin, context: .system())
            // check
            let stored = try #require(try await UserModel.find(holder.id, on: t.db))
            #expect(stored.reverificationRequired && !stored.mayBeIssuedCertificate)
        }
    }

    @Test(arguments: TestDatabase.all)
    func theLastActiveAdministratorKeepsTheRole(db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            let first = try await t.user("admin", role: .administrator)
            let second = try await t.user("admin2", role: .administrator)
            let service = AccountService(services: t.services, database: t.db)
            try await service.setActive(false, user: second, actor: first, context: .system())
            await #expect(throws: ValidationError.self) {
                try await service.changeRole(of: first, to: .auditor, agencyID: nil, actor: second, context: .system())
            }
            let stored = try #require(try await UserModel.find(first.id, on: t.db))
            #expect(stored.role == .administrator)
        }
    }

    @Test(arguments: TestDatabase.all)
    func reissuedInitialPasswordReplacesTheOld(db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            try await t.user("admin", role: .administrator)
            let account = try await AccountService(services: t.services, database: t.db).createAccount(
                .init(username: "rudi", email: "rudi@bssn.go.id", fullName: "Rudi Hartono", nik: "3171011203850004", role: "ca_operator"), context: .system())
            let first = try #require(try await t.initialPassword(for: account.email))
            t.clock.advance(by: 80 * 3600)
            let admin = t.browser()
            try await admin.signIn("admin", TestApp.password)
            let detail = "/admin/users/\(account.id!.uuidString)"
            #expect(try await admin.post(detail + "/reissue", form: [:], from: detail).location == detail + "?notice=initial_reissued")
            t.clock.advance(by: 1)
            let second = try #require(try await t.initialPassword(for: account.email))
            #expect(second != first)
            #expect(try await t.browser().signIn("rudi", first).status == .unauthorized)
            #expect(try await t.browser().signIn("rudi", second).location == "/password/change")
        }
    }

    @Test(arguments: TestDatabase.all)
    func userListSearchesAndPaginates(db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            try await t.user("admin", role: .administrator)
            for index in 0..<30 { try await t.user(String(format: "op%02d", index), role: .caOperator) }
            try await t.user("siti", role: .auditor)
            let admin = t.browser()
            try await admin.signIn("admin", TestApp.password)
            let first = try await admin.get("/admin/users")
            #expect(first.body.string.contains("Halaman 1 / 2"))
            let second = try await admin.get("/admin/users?page=2")
            #expect(second.body.string.contains("op29"))
            let search = try await admin.get("/admin/users?q=siti")
            #expect(search.body.string.contains("siti@bssn.go.id") && !search.body.string.contains("op01"))
            let byRole = try await admin.get("/admin/users?role=auditor")
            #expect(byRole.body.string.contains("siti") && !byRole.body.string.contains("op01"))
            let none = try await admin.get("/admin/users?q=zzzz")
            #expect(none.body.string.contains("Belum ada pengguna yang cocok"))
        }
    }
}
