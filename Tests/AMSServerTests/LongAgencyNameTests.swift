@testable import AMSServer
import AMSCore
import AMSPKI
import Fluent
import Testing
import VaporTesting
import X509

/// Newcomer finding (blocker): an agency whose name is longer than 64 characters could never get a certificate for
/// anyone. Agencies now carry a name for certificates, are editable (web and CLI), and data that cannot go into a
/// certificate is refused where it is entered.
@Suite("Long agency and personal names: caught at entry, a certificate name, editable agencies")
struct LongAgencyNameTests {
    static let longName = "Dinas Komunikasi, Informatika dan Statistik Provinsi Sumatera Barat"

    @Test(arguments: TestDatabase.all)
    func aLongAgencyNameGetsACertificateNameAndItsHoldersCertificates(db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            // setup
            #expect(Self.longName.count == 67)
            try await t.user("admin", role: .administrator)
            let admin = t.browser()
            try await admin.signIn("admin", TestApp.password)
            let form = ["code": "DISKOMINFOTIK-SUMBAR", "name": Self.longName, "domains": "sumbarprov.go.id"]
            // act, check: without a certificate name it is refused at once, with the reason
            let refused = try await admin.post("/admin/agencies", form: form, from: "/admin/agencies/new")
            #expect(refused.status == .unprocessableEntity && refused.body.string.contains("67 karakter, lebih dari 64"))
            let created = try await admin.post("/admin/agencies", form: form.merging(["certificateName": "Diskominfotik Provinsi Sumatera Barat"]) { $1 },
                                               from: "/admin/agencies/new")
            #expect(created.location == "/admin/agencies?notice=agency_created")
            let agency = try #require(try await AgencyModel.query(on: t.db).filter(\.$code == "DISKOMINFOTIK-SUMBAR").first())
            #expect(agency.name == Self.longName && agency.nameInCertificates == "Diskominfotik Provinsi Sumatera Barat")
            // a holder of it gets a certificate naming the agency by its certificate name
            try await t.certificateAuthority()
            let holder = try await t.verifiedHolder(agency: agency)
            let record = try await t.issuedCertificate(for: holder, approver: try await t.user("op.ca", role: .caOperator))
            let subject = String(describing: try Certificate(derEncoded: Array(try #require(record.certificateDER))).subject)
            #expect(subject.contains("O=Diskominfotik Provinsi Sumatera Barat"), "\(subject)")
            // the agency can be edited: on the web, and from the command line
            let page = "/admin/agencies/\(agency.id!.uuidString)"
            #expect(try await admin.get(page).body.string.contains(Self.longName))
            let tooLong = try await admin.post(page, form: ["name": Self.longName, "certificateName": ""], from: page)
            #expect(tooLong.status == .unprocessableEntity)
            let edited = try await admin.post(page, form: ["name": Self.longName, "certificateName": "Diskominfotik Sumbar"], from: page)
            #expect(edited.location == "/admin/agencies?notice=agency_updated")
            #expect(try await AgencyModel.find(agency.id, on: t.db)?.certificateName == "Diskominfotik Sumbar")
            try await CommandTests.run(t, ["agency", "update", "--code", "diskominfotik-sumbar", "--certificate-name", "Diskominfotik Prov. Sumbar"])
            #expect(try await AgencyModel.find(agency.id, on: t.db)?.certificateName == "Diskominfotik Prov. Sumbar")
            #expect(try await t.auditActions().filter { $0 == "agency.updated" }.count == 2)
        }
    }

    @Test(arguments: TestDatabase.all)
    func aNameOrUnitThatCannotGoIntoACertificateIsRefusedAtRegistration(db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            let agency = try await t.agency()
            for (field, value, message) in [
                ("fullName", "Raden Ajeng Siti Rahmawati Kusumawardhani Puspitasari Hadiningrat Putri", "tidak muat di sertifikat"),
                ("unit", String(repeating: "Bidang Persandian dan Statistik ", count: 3), "tidak muat di sertifikat"),
            ] {
                var fields = RegistrationRequestTests.fields
                fields["agencyID"] = agency.id!.uuidString
                fields[field] = value
                let response = try await t.browser().postMultipart("/register", fields: fields, files: RegistrationRequestTests.files(),
                                                                   from: "/register")
                #expect(response.status == .unprocessableEntity && response.body.string.contains(message), "\(field)")
            }
            #expect(try await RegistrationRequestModel.query(on: t.db).count() == 0)
        }
    }
}
