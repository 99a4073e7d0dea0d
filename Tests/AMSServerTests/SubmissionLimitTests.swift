@testable import AMSServer
import AMSCore
import Fluent
import Foundation
import Testing
import VaporTesting

/// Security finding (medium): the public form could be flooded (one address, 18 requests with two 2 MB PDFs each in a
/// minute, mails to addresses the sender chose). Limits per address and in all, a cap per mail domain and a free-disk
/// floor, each set small here.
@Suite("The public form is bounded: per address, in all, per mail domain, and by free disk")
struct SubmissionLimitTests {
    /// The form of applicant number `index` (NIP, NIK and e-mail of their own; NIK and NIP agree on the birth date).
    static func person(_ index: Int, agency: AgencyModel, domain: String = "sumbarprov.go.id") -> [String: String] {
        RegistrationRequestTests.fields.merging([
            "nip": "199005052015032" + String(format: "%03d", index), "nik": "137101450590" + String(format: "%04d", index),
            "email": "pegawai\(index)@\(domain)", "agencyID": agency.id!.uuidString,
        ]) { $1 }
    }

    static func submit(_ t: TestApp, _ form: [String: String], from address: String) async throws -> BrowserResponse {
        try await t.browser(address: address).postMultipart("/register", fields: form, files: RegistrationRequestTests.files(),
                                                             from: "/register")
    }

    @Test(arguments: TestDatabase.all)
    func oneAddressIsLimitedPerHourAndOthersAreNot(db: TestDatabase) async throws {
        try await TestApp.with(db, tweak: { $0.trustForwardedFor = true; $0.submissionLimits.perAddressPerHour = 2 }) { t in
            // setup
            let agency = try await t.agency()
            // act: three submissions from one address within the hour
            var answers: [HTTPStatus] = []
            for index in 1...3 { answers.append(try await Self.submit(t, Self.person(index, agency: agency), from: "198.51.100.7").status) }
            // check: the third is refused with a clear answer and nothing of it is kept; another address may submit
            #expect(answers == [.seeOther, .seeOther, .tooManyRequests])
            #expect(try await RegistrationRequestModel.query(on: t.db).count() == 2)
            #expect(try await t.mails(to: "pegawai3@sumbarprov.go.id").isEmpty)
            let refused = try await Self.submit(t, Self.person(4, agency: agency), from: "198.51.100.7")
            #expect(refused.body.string.contains("Terlalu banyak permohonan") && refused.headers.first(name: .retryAfter) == "3600")
            #expect(try await Self.submit(t, Self.person(5, agency: agency), from: "203.0.113.9").status == .seeOther)
            // an hour later the address may submit again
            t.clock.advance(by: 3601)
            #expect(try await Self.submit(t, Self.person(6, agency: agency), from: "198.51.100.7").status == .seeOther)
        }
    }

    @Test(arguments: TestDatabase.all)
    func allAddressesTogetherAreLimited(db: TestDatabase) async throws {
        try await TestApp.with(db, tweak: { $0.trustForwardedFor = true; $0.submissionLimits.globalPerHour = 2 }) { t in
            let agency = try await t.agency()
            #expect(try await Self.submit(t, Self.person(1, agency: agency), from: "198.51.100.1").status == .seeOther)
            #expect(try await Self.submit(t, Self.person(2, agency: agency), from: "198.51.100.2").status == .seeOther)
            #expect(try await Self.submit(t, Self.person(3, agency: agency), from: "198.51.100.3").status == .tooManyRequests)
        }
    }

    @Test(arguments: TestDatabase.all)
    func aMailDomainHasACapOnOpenRequests(db: TestDatabase) async throws {
        try await TestApp.with(db, tweak: { $0.submissionLimits.openPerMailDomain = 1 }) { t in
            let agency = try await t.agency()
            #expect(try await Self.submit(t, Self.person(1, agency: agency), from: "-").status == .seeOther)
            let second = try await Self.submit(t, Self.person(2, agency: agency), from: "-")
            #expect(second.status == .unprocessableEntity && second.body.string.contains("terlalu banyak permohonan yang berjalan"))
            #expect(try await RegistrationRequestModel.query(on: t.db).count() == 1)
        }
    }

    @Test(arguments: TestDatabase.all)
    func documentsAreRefusedUnderTheFreeDiskFloor(db: TestDatabase) async throws {
        try await TestApp.with(db, tweak: { $0.submissionLimits.freeDiskFloorBytes = .max }) { t in
            // act
            let agency = try await t.agency()
            let refused = try await Self.submit(t, Self.person(1, agency: agency), from: "-")
            // check: a clear "try later", nothing stored
            #expect(refused.status == .serviceUnavailable && refused.body.string.contains("ruang penyimpanan hampir habis"))
            #expect(try await RegistrationRequestModel.query(on: t.db).count() == 0)
            let files = (try? FileManager.default.contentsOfDirectory(atPath: t.services.configuration.attachmentDirectory)) ?? []
            #expect(files.isEmpty)
        }
    }
}
