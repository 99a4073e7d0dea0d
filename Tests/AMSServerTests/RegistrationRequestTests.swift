@testable import AMSServer
import AMSCore
import Fluent
import Foundation
import Testing
import VaporTesting

@Suite("Registration request (SOP step 1)")
struct RegistrationRequestTests {
    static let fields = [
        "fullName": "Siti Rahmawati", "nip": "199005052015032001", "nik": "1371014505900002",
        "email": "siti.rahmawati@sumbarprov.go.id", "phone": "0812 3456 7890", "unit": "Bidang Persandian",
        "position": "Pranata Komputer Ahli Muda",
    ]

    static func files(letter: [UInt8] = SampleDocuments.pdf(), decree: [UInt8] = SampleDocuments.pdf("SK Jabatan"))
        -> [String: (String, [UInt8])] {
        ["recommendationLetter": ("surat rekomendasi.pdf", letter), "jobDecree": ("../../etc/SK jabatan.pdf", decree)]
    }

    private func storedFiles(_ t: TestApp) -> [String] {
        (try? FileManager.default.contentsOfDirectory(atPath: t.services.configuration.attachmentDirectory)) ?? []
    }

    @Test(arguments: TestDatabase.all)
    func applicantSubmitsARequestWithBothDocuments(db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            // setup
            let agency = try await t.agency()
            var fields = Self.fields
            fields["agencyID"] = agency.id!.uuidString
            // act
            let response = try await t.browser().postMultipart("/register", fields: fields, files: Self.files(), from: "/register")
            // check: a stored request with a tracking number, both documents with their hashes
            #expect(response.location == "/register/submitted")
            // the answer page says what happens next and offers no sign-in to someone who has no account yet
            let submitted = try await t.browser().get("/register/submitted").body.string
            #expect(submitted.contains("Yang terjadi berikutnya") && !submitted.contains("href=\"/login\""))
            let request = try #require(try await RegistrationRequestModel.query(on: t.db).with(\.$attachments).first())
            #expect(request.status == .submitted && request.version == 1 && request.phone == "+6281234567890")
            #expect(request.trackingNumber.hasPrefix("AMS-"))
            #expect(request.attachments.count == 2)
            let letter = try #require(request.attachments.first { $0.kind == .recommendationLetter })
            #expect(letter.sha256 == TokenDigest.sha256Hex(SampleDocuments.pdf()))
            #expect(try await t.services.attachments.read(letter.storageKey) == SampleDocuments.pdf())
            #expect(request.attachments.first { $0.kind == .jobDecree }?.originalName == "SK jabatan.pdf")
            #expect(request.currentStep == .agencyCheck)
            #expect(try await StepTimingModel.query(on: t.db).filter(\.$step == .agencyCheck).count() == 1)
            let audit = try #require(try await AuditEntryModel.query(on: t.db).filter(\.$action == "registration.submitted").first())
            #expect(audit.record.details["recommendation_letter_sha256"] == letter.sha256)
            // the mail carries the private status link, and the page shows the timeline
            let mail = try #require(try await t.mails(to: request.email).first)
            #expect(mail.template == "request_received" && mail.body.contains(request.trackingNumber))
            let link = try #require(mail.body.split(separator: "\n").first { $0.contains("/status/") })
            let path = String(link[link.range(of: "/status/")!.lowerBound...])
            let status = try await t.browser().get(path)
            #expect(status.status == .ok)
            #expect(status.body.string.contains(request.trackingNumber))
            #expect(status.body.string.contains("menunggu pemeriksaan operator instansi"))
            #expect(status.body.string.contains("Permohonan diajukan"))
            #expect(request.statusTokenHash != String(path.dropFirst("/status/".count)))
        }
    }

    @Test(arguments: TestDatabase.all)
    func fakeDocumentsAreRefusedAndNothingIsStored(db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            let agency = try await t.agency()
            var fields = Self.fields
            fields["agencyID"] = agency.id!.uuidString
            for fake in [SampleDocuments.html, SampleDocuments.zip, SampleDocuments.pdfHeaderOnJunk] {
                let response = try await t.browser().postMultipart("/register", fields: fields,
                                                                   files: Self.files(decree: fake), from: "/register")
                #expect(response.status == .unprocessableEntity)
                #expect(response.body.string.contains("bukan PDF yang utuh"))
                #expect(response.body.string.contains("value=\"Siti Rahmawati\""))
            }
            #expect(try await RegistrationRequestModel.query(on: t.db).count() == 0)
            #expect(try await RegistrationAttachmentModel.query(on: t.db).count() == 0)
            #expect(try await OutboxMessageModel.query(on: t.db).count() == 0)
            #expect(storedFiles(t).isEmpty)
        }
    }

    @Test(arguments: TestDatabase.all)
    func oversizedDocumentsAreRefused(db: TestDatabase) async throws {
        try await TestApp.with(db, tweak: { $0.uploadMaxBytes = 64 * 1024 }) { t in
            let agency = try await t.agency()
            var fields = Self.fields
            fields["agencyID"] = agency.id!.uuidString
            // a real PDF just over the per-file limit: a clear error next to the field
            let padding = Array(repeating: UInt8(ascii: " "), count: 64 * 1024)
            let big = Array(SampleDocuments.pdf().prefix(9)) + padding + Array(SampleDocuments.pdf().dropFirst(9))
            let response = try await t.browser().postMultipart("/register", fields: fields, files: Self.files(letter: big), from: "/register")
            #expect(response.status == .unprocessableEntity)
            #expect(response.body.string.contains("terlalu besar (paling besar 0 MB)") || response.body.string.contains("terlalu besar"))
            // over a real socket, a body far over the route's limit is cut off before anything is decoded
            let huge = Array(repeating: UInt8(ascii: "A"), count: 400 * 1024)
            let live = t.browser()
            live.live = true
            let tooLarge = try await live.postMultipart("/register", fields: fields, files: Self.files(letter: huge), from: "/register")
            #expect(tooLarge.status == .payloadTooLarge)
            #expect(tooLarge.body.string.contains("terlalu besar"))
            // and a normal upload over the same socket works (the streamed body is collected for the CSRF check)
            let ok = try await live.postMultipart("/register", fields: fields, files: Self.files(), from: "/register")
            #expect(ok.body.string.contains("Permohonan terkirim"))  // the live client follows the redirect
            #expect(try await RegistrationRequestModel.query(on: t.db).count() == 1)
            try await RegistrationRequestModel.query(on: t.db).delete()
            #expect(try await RegistrationRequestModel.query(on: t.db).count() == 0)
        }
    }

    @Test(arguments: TestDatabase.all)
    func namesAreStoredComposedAndTheSameFileTwiceIsRefused(db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            let agency = try await t.agency()
            var fields = Self.fields
            fields["agencyID"] = agency.id!.uuidString
            // the same PDF as letter and decree: refused, with the reason beside the decree
            let same = try await t.browser().postMultipart("/register", fields: fields,
                                                           files: Self.files(letter: SampleDocuments.pdf(), decree: SampleDocuments.pdf()), from: "/register")
            #expect(same.status == .unprocessableEntity && same.body.string.contains("berkas yang sama persis"))
            #expect(try await RegistrationRequestModel.query(on: t.db).count() == 0)
            // a name and unit typed with combining accents (NFD) are stored precomposed (NFC)
            fields["fullName"] = "Ni Luh Pute\u{0301} Sri\u{0301}"
            fields["unit"] = "Bidang Persandian Dinas Kominfo Bali\u{0301}"
            #expect(try await t.browser().postMultipart("/register", fields: fields, files: Self.files(), from: "/register").status == .seeOther)
            let stored = try #require(try await RegistrationRequestModel.query(on: t.db).first())
            #expect(stored.fullName.unicodeScalars.elementsEqual("Ni Luh Put\u{00E9} Sr\u{00ED}".unicodeScalars))
            #expect(stored.unit.unicodeScalars.contains("\u{00ED}") && !stored.unit.unicodeScalars.contains("\u{0301}"))
        }
    }

    @Test(arguments: TestDatabase.all)
    func badIdentityFieldsGetClearErrors(db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            let agency = try await t.agency()
            let cases: [(String, String, String)] = [
                // NIK and NIP refusals name the part that is wrong and what was read there
                ("nip", "19900505201503200", "NIP harus 18 angka (yang tertulis: 17 karakter)"),
                ("nip", "199013452015032001", "Angka ke-1 sampai ke-8 NIP (19901345)"),
                ("nip", "199005052015132001", "Angka ke-9 sampai ke-14 NIP (201513)"),
                ("nip", "199005051999032001", "Tahun TMT CPNS pada NIP (1999) kurang dari 15 tahun"),
                ("nip", "199005052015033001", "Angka ke-15 NIP (3) harus 1"),
                ("nip", "199005052015032000", "Tiga angka terakhir NIP (nomor urut) tidak boleh 000"),
                ("nik", "137101450590002", "NIK harus 16 angka (yang tertulis: 15 karakter)"),
                ("nik", "9971014505900002", "Dua angka pertama NIK (99) bukan kode provinsi"),
                ("nik", "1300014505900002", "kode kabupaten/kota"),
                ("nik", "1371004505900002", "kode kecamatan"),
                ("nik", "1371013205900002", "Angka ke-7 sampai ke-12 NIK (320590)"),
                ("nik", "1371014505900000", "Empat angka terakhir NIK"),
                ("nik", "1371014605900002", "Tanggal lahir pada NIK (06-05-90) tidak sama dengan pada NIP (05-05-1990)"),
                ("nik", "1371010505900002", "Jenis kelamin pada NIK"),
                ("email", "siti@gmail.com", "domain dinas instansi"),
                ("email", "siti@@sumbarprov.go.id", "Alamat surel tidak sah"),
                ("phone", "12345", "Nomor telepon Indonesia"),
                ("fullName", "Siti\nadmin", "Nama 2–128 karakter"),
                ("unit", String(repeating: "x", count: 250), "2–200 karakter"),
            ]
            for (field, value, message) in cases {
                var fields = Self.fields
                fields["agencyID"] = agency.id!.uuidString
                fields[field] = value
                let response = try await t.browser().postMultipart("/register", fields: fields, files: Self.files(), from: "/register")
                #expect(response.status == .unprocessableEntity, "\(field)=\(value)")
                #expect(response.body.string.contains(message), "\(field)=\(value) should say \(message)")
            }
            #expect(try await RegistrationRequestModel.query(on: t.db).count() == 0)
            #expect(storedFiles(t).isEmpty)
        }
    }

    @Test(arguments: TestDatabase.all)
    func aSecondOpenRequestIsNotRecordedAndThePublicFormDoesNotTellAnyone(db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            // setup: an open request for Siti
            let agency = try await t.agency()
            var fields = Self.fields
            fields["agencyID"] = agency.id!.uuidString
            let first = try await t.browser().postMultipart("/register", fields: fields, files: Self.files(), from: "/register")
            // act: someone submits again with her NIK and e-mail address
            let again = try await t.browser().postMultipart("/register", fields: fields, files: Self.files(), from: "/register")
            // check: the same answer as for a new request, nothing recorded, and Siti is told by mail
            #expect(again.status == first.status && again.location == first.location && again.location == "/register/submitted")
            #expect(try await RegistrationRequestModel.query(on: t.db).count() == 1)
            let open = try #require(try await RegistrationRequestModel.query(on: t.db).first())
            let notice = try #require(try await t.mails(to: fields["email"]!).first { $0.template == "duplicate_request" })
            #expect(notice.body.contains(open.trackingNumber))
            #expect(storedFiles(t).count == 2)
            // an operator entering it, or the API, is told by name (they are staff of the agency)
            let service = RegistrationService(services: t.services, database: t.db)
            let input = RegistrationRequestBody(fullName: fields["fullName"], nip: fields["nip"], nik: fields["nik"], email: fields["email"],
                                                phone: fields["phone"], unit: fields["unit"], position: fields["position"])
                .input(agencyID: agency.id!.uuidString, locale: .id)
            var withDocuments = input
            withDocuments.recommendationLetter = .init(filename: "a.pdf", bytes: SampleDocuments.pdf())
            withDocuments.jobDecree = .init(filename: "b.pdf", bytes: SampleDocuments.pdf("SK Jabatan"))
            let refusal = await #expect(throws: ValidationError.self) {
                try await service.submit(withDocuments, enteredBy: nil, context: .system())
            }
            #expect(refusal?.fields["nik"]?.key == "error_open_request_exists")
        }
    }

    @Test(arguments: TestDatabase.all)
    func uploadFormNeedsItsCSRFTokenAndUnknownStatusLinksAreNotFound(db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            let agency = try await t.agency()
            var fields = Self.fields
            fields["agencyID"] = agency.id!.uuidString
            let browser = t.browser()
            try await browser.get("/register")
            let forged = try await browser.postMultipart("/register", fields: fields, files: Self.files(), csrf: "forged")
            #expect(forged.status == .forbidden)
            #expect(try await RegistrationRequestModel.query(on: t.db).count() == 0)
            #expect(try await t.browser().get("/status/" + SecureToken(random: SystemRandomSource()).value).status == .notFound)
            #expect(try await t.browser().get("/status/junk").status == .notFound)
        }
    }
}
