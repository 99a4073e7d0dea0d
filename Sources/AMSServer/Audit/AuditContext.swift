import AMSCore
import Foundation

/// Who acts and from where, for audit entries.
package struct AuditContext: Sendable {
    var actorID: UUID?
    var actorName: String
    var actorRole: String
    var clientAddress: String
    var requestID: String

    /// Commands run from the server's shell and background work.
    package static func system(_ name: String = "system") -> AuditContext {
        AuditContext(actorID: nil, actorName: name, actorRole: "system", clientAddress: "local", requestID: "-")
    }

    func actingAs(_ user: UserModel) -> AuditContext {
        var copy = self
        copy.actorID = user.id
        copy.actorName = user.username
        copy.actorRole = user.role.rawValue
        return copy
    }
}
