@testable import AMSServer
import AMSCore
import AMSTestTools
import Fluent
import Foundation
import Testing
import VaporTesting
import X509

@Suite("The ETSI natural-person profile: given name and surname stated at activation, in the certificate, clean under pkilint")
struct NaturalPersonProfileTests {
    @Test(arguments: TestDatabase.all)
    func namesStatedAtActivationReachTheCertificate(db: TestDatabase) async throws {
        try await TestApp.with(db, tweak: { $0.certificates.subjectRule = .naturalPerson }) { t in
            // setup: a request that reached step 3b, with its activation link
            try await t.certificateAuthority()
            let agency = try await t.agency()
            let agencyOperator = try await t.user("op.sumbar", role: .agencyOperator, agency: agency)
            let caOperator = try await t.user("ca.bssn", role: .caOperator)
            let service = RegistrationService(services: t.services, database: t.db)
            let fields = RegistrationRequestTests.fields
            let submitted = try await t.submittedRequest(agency: agency)
            func step(_ event: RegistrationEvent, by user: UserModel) async throws {
                let request = try #require(try await service.load(submitted.id!))
                try await service.transition(request, .init(event: event, reason: nil, note: nil, expectedVersion: request.version,
                                                            checklist: Set(AgencyChecklistItem.allCases)),
                                             by: .operatorAccount(user), context: .system())
            }
            try await step(.forwardToCA, by: agencyOperator)
            try await step(.registerIdentity, by: caOperator)
            let mail = try #require(try await t.mails(to: fields["email"]!).first { $0.template == "activation_link" })
            let link = try #require(RegistrationWorkflowHTTPTests.path(after: "/activate/", in: mail.body))
            let applicant = t.browser()
            let data = ["birthPlace": "Padang", "birthDate": "1990-05-05", "address": "Jl. Jend. Sudirman No. 51, Padang", "acceptTerms": "yes"]
            // act, check: the form asks for both names; neither, or a name with digits, is refused
            #expect(try await applicant.get(link).body.string.contains("name=\"surname\""))
            let neither = try await applicant.post(link, form: data)
            #expect(neither.status == .unprocessableEntity && neither.body.string.contains("Isi nama depan, nama keluarga, atau keduanya"))
            let digits = try await applicant.post(link, form: data.merging(["givenName": "Siti", "surname": "R4hmawati"]) { $1 })
            #expect(digits.status == .unprocessableEntity && digits.body.string.contains("huruf saja"))
            // decomposed input is stored composed (NFC)
            let done = try await applicant.post(link, form: data.merging(["givenName": "Siti", "surname": "Rahmawati\u{0301}"]) { $1 })
            #expect(done.status == .ok)
            try await step(.confirmData, by: agencyOperator)
            try await step(.verify, by: caOperator)
            let holder = try #require(try await UserModel.query(on: t.db).filter(\.$username == fields["nip"]!).with(\.$agency).first())
            #expect(holder.givenName == "Siti" && holder.surname == "Rahmawatí")
            // the certificate names them and passes the ETSI natural-person linter
            let certificates = t.certificateService()
            let pending = try await certificates.request(holder: holder, source: try TestApp.csrSource(commonName: "ignored"),
                                                         context: .system())
            let issued = try await certificates.approve(pending, expectedVersion: pending.version, by: caOperator, context: .system())
            #expect(issued.profile == "holder-signing-natural-person")
            let der = Array(try #require(issued.certificateDER))
            let subject = String(describing: try Certificate(derEncoded: der).subject)
            #expect(subject.contains("2.5.4.42=Siti") && subject.contains("2.5.4.4=Rahmawatí"), "\(subject)")  // givenName, surname
            let findings = try PKIOracle.pkilintErrors("lint_etsi_cert", der: der, extraArguments: ["-t", "NCP-NATURAL-PERSON-CERTIFICATE"])
            #expect(findings == [], "\(findings)")
        }
    }
}

