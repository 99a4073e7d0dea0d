import Foundation

/// Who performs an operation: the signed-in account as the domain sees it.
public struct Actor: Sendable, Equatable {
    public let userID: UUID
    public let username: String
    public let role: Role
    public let agencyID: UUID?

    public init(userID: UUID, username: String, role: Role, agencyID: UUID?) {
        self.userID = userID
        self.username = username
        self.role = role
        self.agencyID = agencyID
    }
}
