import Foundation

/// Who performs an operation: the signed-in account as the domain sees it.
public struct Actor: Sendable, Equatable {
    public let userID: UUID
    public let username: String
    public let role: Role
    public let agencyID: UUID?
    /// The account's e-mail and NIK, so nobody can act on a request about themself.
    public let email: String?
    public let nik: String?

    public init(userID: UUID, username: String, role: Role, agencyID: UUID?, email: String? = nil, nik: String? = nil) {
        self.userID = userID
        self.username = username
        self.role = role
        self.agencyID = agencyID
        self.email = email
        self.nik = nik
    }
}
