import Foundation

/// A validated request to create an account, before it is stored.
public struct AccountDraft: Sendable, Equatable {
    public let username: Username
    public let email: EmailAddress
    public let fullName: PersonName
    public let role: Role
    public let agencyID: UUID?

    /// Checks the fields against each other: the role's agency rule and the agency's official mail domains.
    /// - Parameter agencyDomains: the domains of the chosen agency (empty when no agency is chosen).
    public init(username: Username, email: EmailAddress, fullName: PersonName, role: Role, agencyID: UUID?,
                agencyDomains: [EmailDomain]) throws {
        if role.requiresAgency, agencyID == nil { throw DomainError.agencyRequired }
        if !role.requiresAgency, agencyID != nil { throw DomainError.agencyNotAllowed }
        if role.requiresAgency, !agencyDomains.contains(where: { email.belongs(to: $0) }) {
            throw DomainError.emailDomainNotInAgency
        }
        self.username = username
        self.email = email
        self.fullName = fullName
        self.role = role
        self.agencyID = agencyID
    }
}
