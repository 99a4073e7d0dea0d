import AMSCore
import Foundation
import Testing

@Suite("Permissions")
struct PermissionsTests {
    func actor(_ role: Role) -> Actor {
        Actor(userID: UUID(), username: role.rawValue, role: role, agencyID: role.requiresAgency ? UUID() : nil)
    }

    @Test(arguments: Role.allCases)
    func onlyAdministratorsManageAgenciesAndAccounts(role: Role) {
        #expect(Permissions.canManageAgencies(actor: actor(role)) == (role == .administrator))
        #expect(Permissions.canManageAccounts(actor: actor(role)) == (role == .administrator))
        #expect(Permissions.canReadOutbox(actor: actor(role)) == (role == .administrator))
    }

    @Test(arguments: Role.allCases)
    func auditorsAndAdministratorsReadTheAuditLog(role: Role) {
        #expect(Permissions.canReadAuditLog(actor: actor(role)) == [.administrator, .auditor].contains(role))
    }

    @Test func administratorsCreateStaffAccountsButNotApplicants() {
        let admin = actor(.administrator)
        for role in Role.allCases {
            #expect(Permissions.canCreateAccount(actor: admin, role: role) == (role != .applicant))
            #expect(!Permissions.canCreateAccount(actor: actor(.caOperator), role: role))
        }
    }
}
