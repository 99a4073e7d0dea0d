@testable import AMSServer
import AMSCore
import Fluent
import Testing
import VaporTesting

/// Security finding (medium): segregation of duties was per account, not per person — two staff accounts with the
/// same NIK acted at agency and CA level on one request, and an operator without a NIK forwarded a request for
/// themself from an alias mailbox.
@Suite("Segregation of duties compares persons; operators carry their NIK")
struct StaffPersonTests {
    @Test(arguments: TestDatabase.all)
    func onePersonCannotActAtBothLevelsWithTwoAccounts(db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            // setup: op.sumbar (agency) and ca.twin (CA) are the same person
            let agency = try await t.agency()
            let agencyOperator = try await t.user("op.sumbar", role: .agencyOperator, agency: agency, nik: "3171011203850004")
            let twin = try await t.user("ca.twin", role: .caOperator, nik: "3171011203850004")
            let other = try await t.user("ca.lain", role: .caOperator, nik: "3171011203850005")
            let service = RegistrationService(services: t.services, database: t.db)
            let request = try await t.submittedRequest(agency: agency)
            try await service.transition(request, .init(event: .forwardToCA, reason: nil, note: nil, expectedVersion: 1,
                                                        checklist: Set(AgencyChecklistItem.allCases)),
                                         by: .operatorAccount(agencyOperator), context: .system())
            let forwarded = try #require(try await service.load(request.id!))
            // act, check: the twin account is refused; another person at the CA may act
            await #expect(throws: DomainError.forbidden) {
                try await service.transition(forwarded, .init(event: .registerIdentity, reason: nil, note: nil, expectedVersion: 2),
                                             by: .operatorAccount(twin), context: .system())
            }
            try await service.transition(forwarded, .init(event: .registerIdentity, reason: nil, note: nil, expectedVersion: 2),
                                         by: .operatorAccount(other), context: .system())
            #expect(try await service.load(request.id!)?.status == .activationSent)
        }
    }

    @Test(arguments: TestDatabase.all)
    func anOperatorWithoutANIKCannotActAndCannotBeCreated(db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            // setup: an operator account from before NIKs were required
            let agency = try await t.agency()
            let legacy = try await t.user("op.lama", role: .agencyOperator, agency: agency, nik: "")
            let service = RegistrationService(services: t.services, database: t.db)
            let request = try await t.submittedRequest(agency: agency)
            // act, check: it cannot act on requests
            await #expect(throws: DomainError(.staffNIKMissing)) {
                try await service.transition(request, .init(event: .forwardToCA, reason: nil, note: nil, expectedVersion: 1,
                                                            checklist: Set(AgencyChecklistItem.allCases)),
                                             by: .operatorAccount(legacy), context: .system())
            }
            // and no new operator account is made without one
            let refusal = await #expect(throws: ValidationError.self) {
                try await AccountService(services: t.services, database: t.db).createAccount(
                    .init(username: "op.baru", email: "op.baru@sumbarprov.go.id", fullName: "Operator Baru", role: "agency_operator",
                          agencyID: agency.id!.uuidString), context: .system())
            }
            #expect(refusal?.fields["nik"]?.key == "error_nik_required_for_operators")
        }
    }
}
