@testable import AMSServer
import AMSTestTools
import Foundation
import Testing
import VaporTesting

/// Newcomer finding (operators and applicants): nothing said whose AMS it is or where to get help. The authority's
/// name, a helpdesk contact and its logo are settings, shown on every page and in every mail.
@Suite("Branding: the authority's name, helpdesk and logo")
struct BrandingTests {
    static let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D]

    @Test func theSettingsAreReadAndBadOnesRefusedByName() throws {
        let folder = try ScratchFolder("ams-brand")
        defer { folder.remove() }
        let logo = try folder.write("logo.png", Self.png)
        let notAnImage = try folder.write("logo.pdf", Array("%PDF-1.7".utf8))
        let read = try AppConfiguration.fromEnvironment(["AMS_BRAND_NAME": "BSrE — Balai Besar Sertifikasi Elektronik",
                                                         "AMS_HELPDESK": "helpdesk@bsre.go.id · (021) 7805814", "AMS_BRAND_LOGO_FILE": logo])
        #expect(read.branding.authorityName == "BSrE — Balai Besar Sertifikasi Elektronik")
        #expect(read.branding.logo?.contentType == "image/png" && read.branding.logo?.bytes == Self.png)
        #expect(try AppConfiguration.fromEnvironment([:]).branding == Branding())
        for bad in [["AMS_BRAND_LOGO_FILE": notAnImage], ["AMS_BRAND_LOGO_FILE": folder.path("missing.png")],
                    ["AMS_HELPDESK": "line one\nline two"], ["AMS_BRAND_NAME": String(repeating: "x", count: 101)]] {
            #expect(throws: ConfigurationError.self, "\(bad)") { try AppConfiguration.fromEnvironment(bad) }
        }
        #expect(Branding.imageType(Array("<?xml version=\"1.0\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\"/>".utf8)) == "image/svg+xml")
    }

    @Test func everyPageAndMailShowsThemAndTheLogoIsServed() async throws {
        try await TestApp.with(.sqlite, tweak: {
            $0.branding = Branding(authorityName: "BSrE — Balai Besar Sertifikasi Elektronik", helpdesk: "helpdesk@bsre.go.id · (021) 7805814",
                                   logo: .init(bytes: Self.png, contentType: "image/png"))
        }) { t in
            // pages: the login page and the public form, signed out
            for path in ["/login", "/register", "/password/forgot"] {
                let page = try await t.browser().get(path).body.string
                #expect(page.contains("BSrE — Balai Besar Sertifikasi Elektronik") && page.contains("helpdesk@bsre.go.id · (021) 7805814"), "\(path)")
                #expect(page.contains("<img src=\"/brand/logo\""), "\(path)")
            }
            let logo = try await t.browser().get("/brand/logo")
            #expect(logo.status == .ok && logo.headers.contentType?.description == "image/png" && Array(logo.body.readableBytesView) == Self.png)
            // a mail: the reset link's
            let user = try await t.user("budi", role: .caOperator)
            _ = try await t.browser().post("/password/forgot", form: ["identifier": "budi"])
            let mail = try #require(try await t.mails(to: user.email).first)
            #expect(mail.body.contains("BSrE — Balai Besar Sertifikasi Elektronik\nBantuan: helpdesk@bsre.go.id · (021) 7805814"))
        }
        // without settings: the built-in logo, and /brand/logo is not there
        try await TestApp.with(.sqlite) { t in
            let login = try await t.browser().get("/login").body.string
            #expect(login.contains("<img src=\"/img/logo.svg\"") && !login.contains("Bantuan:"))
            #expect(try await t.browser().get("/brand/logo").status == .notFound)
        }
    }
}
