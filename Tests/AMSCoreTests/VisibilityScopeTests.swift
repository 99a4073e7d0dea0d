import AMSCore
import Foundation
import Testing

@Suite("Who sees what: one scope per actor")
struct VisibilityScopeTests {
    static let agency = UUID()

    static func actor(_ role: Role, agency: UUID? = VisibilityScopeTests.agency) -> Actor {
        Actor(userID: UUID(), username: role.rawValue, role: role, agencyID: role.requiresAgency ? agency : nil)
    }

    @Test(arguments: Role.allCases)
    func eachRoleHasItsScopes(role: Role) {
        // setup
        let actor = Self.actor(role)
        // act
        let requests = VisibilityScope.registrationRequests(for: actor)
        let certificates = VisibilityScope.certificates(for: actor)
        let reports = VisibilityScope.reports(for: actor)
        // check
        switch role {
        case .applicant:
            #expect(requests == .nothing && certificates == .own(userID: actor.userID) && reports == .nothing)
        case .agencyOperator:
            #expect(requests == .agency(Self.agency) && certificates == .agency(Self.agency) && reports == .agency(Self.agency))
        case .caOperator:
            #expect(requests == .reachedCA && certificates == .all && reports == .all)
        case .administrator, .auditor:
            #expect(requests == .all && certificates == .all && reports == .all)
        }
    }

    @Test func anOperatorWithoutAnAgencySeesNothingOfAnyAgency() {
        let stray = Actor(userID: UUID(), username: "x", role: .agencyOperator, agencyID: nil)
        #expect(VisibilityScope.registrationRequests(for: stray) == .nothing)
        #expect(VisibilityScope.certificates(for: stray) == .nothing)
        #expect(!Permissions.canReadRequestQueue(actor: stray) && !Permissions.canListCertificates(actor: stray))
    }

    @Test(arguments: RegistrationStatus.allCases)
    func theCASeesARequestOnceTheAgencyForwardedIt(status: RegistrationStatus) {
        // setup
        let ca = Self.actor(.caOperator)
        let facts = RegistrationFacts(agencyID: Self.agency, status: status, applicantEmail: "a@b.go.id", applicantNIK: "3578014107900002",
                                      agencyLevelActors: [], caLevelActors: [])
        // act, check
        let expected = ![.submitted, .returnedByAgency].contains(status)
        #expect(VisibilityScope.reachedCA.admits(ownerID: nil, agencyID: Self.agency, status: status) == expected)
        #expect(VisibilityScope.reachedCA.admitsRequests(in: status) == expected)
        #expect(Permissions.canView(actor: ca, request: facts) == expected)
        // the other request scopes hold every status, or none
        #expect(VisibilityScope.all.admitsRequests(in: status) && VisibilityScope.agency(Self.agency).admitsRequests(in: status))
        #expect(!VisibilityScope.nothing.admitsRequests(in: status))
    }

    @Test func permissionsAnswerFromTheScope() {
        // setup
        let holder = Self.actor(.applicant)
        let own = Self.actor(.agencyOperator)
        let other = Self.actor(.agencyOperator, agency: UUID())
        // act, check
        #expect(Permissions.canViewCertificate(actor: holder, holderID: holder.userID, holderAgencyID: Self.agency))
        #expect(!Permissions.canViewCertificate(actor: holder, holderID: UUID(), holderAgencyID: Self.agency))
        #expect(Permissions.canViewCertificate(actor: own, holderID: UUID(), holderAgencyID: Self.agency))
        #expect(!Permissions.canViewCertificate(actor: other, holderID: UUID(), holderAgencyID: Self.agency))
        #expect(!Permissions.canViewCertificate(actor: own, holderID: UUID(), holderAgencyID: nil))
        #expect(Permissions.canViewCertificate(actor: Self.actor(.auditor), holderID: UUID(), holderAgencyID: nil))
    }

    @Test func forwardingNeedsEveryChecklistItem() {
        #expect(AgencyChecklistItem.isComplete(Set(AgencyChecklistItem.allCases)))
        for missing in AgencyChecklistItem.allCases {
            #expect(!AgencyChecklistItem.isComplete(Set(AgencyChecklistItem.allCases).subtracting([missing])))
        }
    }
}
