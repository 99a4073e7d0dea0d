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
            let submitted = try await t.submittedRequest(agency: agency, locale: .en)
            try await service.transition(submitted, .init(event: .forwardToCA, reason: nil, note: nil, expectedVersion: 1,
                                                                  checklist: Set(AgencyChecklistItem.allCases)),
                                         by: .operatorAccount(agencyOperator), context: .system())
            // check
            let mails = try await t.mails(to: fields["email"]!)
            let notice = try #require(mails.first { $0.template == "request_forwarded" })
            let tracking = submitted.trackingNumber
            #expect(notice.subject == Localizer.text("mail_registration_notice_subject", .en, ["tracking": tracking]))
            #expect(notice.subject != Localizer.text("mail_registration_notice_subject", .id, ["tracking": tracking]))
            #expect(notice.body.hasPrefix(Localizer.text("mail_greeting", .en, ["name": fields["fullName"]!])))
            #expect(try await RegistrationRequestModel.find(submitted.id, on: t.db)?.locale == "en")
        }
    }
}
