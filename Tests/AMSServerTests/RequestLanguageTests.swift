@testable import AMSServer
import AMSCore
import Fluent
import Foundation
import Testing
import VaporTesting

@Suite("Mail about a request is written in the language the applicant submitted in")
struct RequestLanguageTests {
    @Test(arguments: TestDatabase.all)
    func anEnglishRequestGetsEnglishNoticesAndAnEnglishAccount(db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            // setup
            let agency = try await t.agency()
            let agencyOperator = try await t.user("op.sumbar", role: .agencyOperator, agency: agency)
            let service = RegistrationService(services: t.services, database: t.db)
            let fields = RegistrationRequestTests.fields
            // act: submitted from the English interface, then forwarded by an operator browsing in Indonesian
            let submitted = try await service.submit(.init(
                fullName: fields["fullName"]!, nip: fields["nip"]!, nik: fields["nik"]!, email: fields["email"]!, phone: "081234567890",
                agencyID: agency.id!.uuidString, unit: "Bidang Persandian", position: "Pranata Komputer",
                recommendationLetter: .init(filename: "a.pdf", bytes: SampleDocuments.pdf()),
                jobDecree: .init(filename: "b.pdf", bytes: SampleDocuments.pdf()), locale: .en), enteredBy: nil, context: .system())
            let loaded = try #require(try await service.load(submitted.request.id!))
            try await service.transition(loaded, .init(event: .forwardToCA, reason: nil, note: nil, expectedVersion: 1,
                                                                  checklist: Set(AgencyChecklistItem.allCases)),
                                         by: .operatorAccount(agencyOperator), context: .system())
            // check
            let mails = try await t.mails(to: fields["email"]!)
            let notice = try #require(mails.first { $0.template == "request_forwarded" })
            let tracking = submitted.request.trackingNumber
            #expect(notice.subject == Localizer.text("mail_registration_notice_subject", .en, ["tracking": tracking]))
            #expect(notice.subject != Localizer.text("mail_registration_notice_subject", .id, ["tracking": tracking]))
            #expect(notice.body.hasPrefix(Localizer.text("mail_greeting", .en, ["name": fields["fullName"]!])))
            #expect(try await RegistrationRequestModel.find(submitted.request.id, on: t.db)?.locale == "en")
        }
    }
}
