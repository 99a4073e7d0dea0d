@testable import AMSServer
import AMSCore
import Fluent
import Foundation
import Testing
import VaporTesting

/// Newcomer finding (registration): times reached people as "13:24 UTC UTC" and ISO strings. Each agency has its
/// time zone (WIB, WITA or WIT; WIB by default), pages and mails show times in it, always named.
@Suite("Times in the agency's time zone, named")
struct AgencyTimeZoneTests {
    @Test(arguments: TestDatabase.all)
    func anAgencyInWITSeesWITTimesOnItsPagesAndTheCAsStaffSeeWIB(db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            // setup: an agency in Jayapura, its operator, a request of it
            let agency = try await t.agency()
            try await t.user("admin", role: .administrator)
            try await t.user("op.papua", role: .agencyOperator, agency: agency, nik: "9171010101800001")
            let admin = t.browser()
            try await admin.signIn("admin", TestApp.password)
            let page = "/admin/agencies/\(agency.id!.uuidString)"
            // act: a zone that does not exist is refused; WIT is taken
            let refused = try await admin.post(page, form: ["name": agency.name, "timeZone": "UTC"], from: page)
            #expect(refused.status == .unprocessableEntity && refused.body.string.contains("Pilih WIB, WITA atau WIT"))
            #expect(try await admin.post(page, form: ["name": agency.name, "timeZone": "WIT"], from: page).location
                == "/admin/agencies?notice=agency_updated")
            #expect(try await AgencyModel.find(agency.id, on: t.db)?.timeZone == .wit)
            #expect(try await admin.get(page).body.string.contains("<option value=\"WIT\" selected>"))
            let request = try await t.submittedRequest(agency: try #require(try await AgencyModel.find(agency.id, on: t.db)))
            // check: the request's timeline is in WIT for its operator; the clock's moment read in Jayapura
            let witTime = DisplayFormat.timestamp(request.createdAt, in: .wit)
            #expect(witTime.hasSuffix(" WIT"))
            let desk = t.browser()
            try await desk.signIn("op.papua", TestApp.password)
            let requestPage = try await desk.get("/requests/\(request.id!.uuidString)").body.string
            #expect(requestPage.contains(witTime) && !requestPage.contains("UTC"))
            // the administrator (no agency) reads the audit log in WIB, named
            let audit = try await admin.get("/audit").body.string
            #expect(audit.contains(" WIB") && !audit.contains("UTC"))
            // the command line sets a zone too, and refuses one that does not exist
            try await CommandTests.run(t, ["agency", "update", "--code", agency.code, "--time-zone", "wita"])
            #expect(try await AgencyModel.find(agency.id, on: t.db)?.timeZone == .wita)
            await #expect(throws: (any Error).self) {
                try await CommandTests.run(t, ["agency", "update", "--code", agency.code, "--time-zone", "GMT+7"])
            }
        }
    }

    @Test(arguments: TestDatabase.all)
    func mailShowsTimesInTheRecipientsZoneNamed(db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            let agency = try await t.agency()
            agency.timeZoneIdentifier = AgencyTimeZone.wita.rawValue
            try await agency.save(on: t.db)
            let user = try await t.user("op.sulsel", role: .agencyOperator, agency: agency, nik: "7371010101800001")
            let browser = t.browser()
            try await browser.signIn("op.sulsel", TestApp.password)
            // act: a password change, whose notice names the time
            let new = "Coto Makassar Pagi 2026!"
            _ = try await browser.post("/password/change", form: ["currentPassword": TestApp.password, "newPassword": new,
                                                                  "confirmPassword": new], from: "/password/change")
            // check
            let notice = try #require(try await t.mails(to: user.email).first { $0.template == "password_changed" })
            #expect(notice.body.contains(DisplayFormat.timestamp(t.clock.now, in: .wita)) && notice.body.contains(" WITA"))
            #expect(!notice.body.contains("UTC") && !notice.body.contains("T0") && !notice.body.contains("Z\n"))
        }
    }
}
