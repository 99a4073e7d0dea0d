import AMSCore
import Foundation
import Testing

@Suite("Who may act on a registration request")
struct RegistrationPermissionsTests {
    let agency = UUID()
    let otherAgency = UUID()

    func request(_ status: RegistrationStatus, agencyActors: Set<UUID> = [], caActors: Set<UUID> = []) -> RegistrationFacts {
        RegistrationFacts(agencyID: agency, status: status, applicantEmail: "siti@sumbarprov.go.id",
                          applicantNIK: "1371014505900002", agencyLevelActors: agencyActors, caLevelActors: caActors)
    }

    func actor(_ role: Role, agency: UUID? = nil, email: String? = nil, nik: String? = nil, id: UUID = UUID()) -> Actor {
        Actor(userID: id, username: "u", role: role, agencyID: agency, email: email, nik: nik)
    }

    @Test func agencyOperatorsActOnlyOnTheirAgencysRequests() {
        #expect(Permissions.canApply(.forwardToCA, actor: actor(.agencyOperator, agency: agency), request: request(.submitted)))
        #expect(!Permissions.canApply(.forwardToCA, actor: actor(.agencyOperator, agency: otherAgency), request: request(.submitted)))
        #expect(!Permissions.canView(actor: actor(.agencyOperator, agency: otherAgency), request: request(.submitted)))
    }

    @Test(arguments: RegistrationEvent.allCases)
    func eachEventBelongsToOneKindOfActor(event: RegistrationEvent) {
        let status: RegistrationStatus = event == .returnData ? .dataSubmitted : .submitted
        let facts = request(status)
        let agencyOperator = Permissions.canApply(event, actor: actor(.agencyOperator, agency: agency), request: facts)
        let caOperator = Permissions.canApply(event, actor: actor(.caOperator), request: facts)
        for role in [Role.applicant, .administrator, .auditor] {
            #expect(!Permissions.canApply(event, actor: actor(role, agency: agency), request: facts), "\(role) \(event)")
        }
        switch event.actorKind {
        case .agencyOperator: #expect(agencyOperator && !caOperator)
        case .caOperator: #expect(!agencyOperator && caOperator)
        case .applicant: #expect(!agencyOperator && !caOperator)
        case .eitherOperator: #expect(agencyOperator && !caOperator)  // before confirmation: the agency's turn
        case .responsibleOperator: #expect(agencyOperator && !caOperator)  // a submitted request lies with the agency
        }
    }

    @Test func aRequestIsClosedByTheOperatorsItLiesWith() {
        for status in RegistrationStatus.allCases where !status.isClosed {
            let agencyMay = Permissions.canApply(.close, actor: actor(.agencyOperator, agency: agency), request: request(status))
            let caMay = Permissions.canApply(.close, actor: actor(.caOperator), request: request(status))
            #expect(agencyMay == !status.liesWithCA && caMay == status.liesWithCA, "\(status)")
        }
    }

    @Test func dataIsReturnedByTheAgencyBeforeConfirmationAndByTheCAAfter() {
        #expect(Permissions.canApply(.returnData, actor: actor(.caOperator), request: request(.agencyConfirmed)))
        #expect(!Permissions.canApply(.returnData, actor: actor(.agencyOperator, agency: agency), request: request(.agencyConfirmed)))
    }

    @Test func nobodyActsOnTheirOwnRequest() {
        #expect(!Permissions.canApply(.forwardToCA, actor: actor(.agencyOperator, agency: agency, email: "SITI@sumbarprov.go.id"),
                                      request: request(.submitted)))
        #expect(!Permissions.canApply(.registerIdentity, actor: actor(.caOperator, nik: "1371014505900002"), request: request(.forwardedToCA)))
    }

    @Test func nobodyActsAtBothLevelsOnOneRequest() {
        let person = UUID()
        // someone who forwarded as agency operator and later became a CA operator
        #expect(!Permissions.canApply(.registerIdentity, actor: actor(.caOperator, id: person),
                                      request: request(.forwardedToCA, agencyActors: [person])))
        #expect(!Permissions.canApply(.confirmData, actor: actor(.agencyOperator, agency: agency, id: person),
                                      request: request(.dataSubmitted, caActors: [person])))
        #expect(Permissions.canApply(.verify, actor: actor(.caOperator, id: person), request: request(.agencyConfirmed, caActors: [person])))
    }

    @Test func caOperatorsSeeOnlyRequestsThatReachedTheCA() {
        #expect(!Permissions.canView(actor: actor(.caOperator), request: request(.submitted)))
        #expect(!Permissions.canView(actor: actor(.caOperator), request: request(.returnedByAgency)))
        #expect(Permissions.canView(actor: actor(.caOperator), request: request(.forwardedToCA)))
        #expect(Permissions.canView(actor: actor(.auditor), request: request(.submitted)))
    }
}

extension RegistrationPermissionsTests {
    @Test func segregationComparesPersonsNotOnlyAccounts() {
        // setup: one person (one NIK) with an agency account that forwarded, and a CA account of their own
        let facts = RegistrationFacts(agencyID: agency, status: .forwardedToCA, applicantEmail: "siti@sumbarprov.go.id",
                                      applicantNIK: "1371014505900002", agencyLevelActors: [UUID()],
                                      agencyLevelPersons: ["3171011203850004"])
        // act, check: the same person's CA account may not act at the CA level; another person may
        #expect(!Permissions.canApply(.registerIdentity, actor: actor(.caOperator, nik: "3171011203850004"), request: facts))
        #expect(Permissions.canApply(.registerIdentity, actor: actor(.caOperator, nik: "3171011203850005"), request: facts))
    }
}
