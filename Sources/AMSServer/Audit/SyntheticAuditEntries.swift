import AMSCore
import Foundation
import Vapor

/// Audit entries made up in bulk for measuring AMS at size (the benchmark): ordinary-looking sign-ins, approvals and
/// downloads by a few hundred actors, appended through the real chain (so `ams audit verify` passes over them) a
/// thousand per transaction.
package enum SyntheticAuditEntries {
    package static func append(_ count: Int, to app: Application) async throws {
        let audit = app.ams.audit
        let actions: [AuditAction] = [.signInSucceeded, .certificateIssued, .attachmentDownloaded, .signatureCreated]
        var made = 0
        while made < count {
            let batch = (made..<min(made + 1000, count)).map { index in
                var context = AuditContext.system("operator\(index % 300)")
                context.actorRole = "ca_operator"
                context.clientAddress = "10.0.\(index % 250).\(index % 200)"
                return AuditLog.Entry(action: actions[index % actions.count], context: context, targetType: "certificate",
                                      targetID: UUID().uuidString, details: ["n": String(index)])
            }
            try await WriteTransaction.run(on: app.db) { db in try await audit.appendMany(batch, on: db) }
            made += batch.count
        }
    }
}
