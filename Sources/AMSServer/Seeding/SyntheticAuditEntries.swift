import AMSCore
import Fluent
import Foundation

/// Audit entries made up in bulk for measuring AMS at size (the benchmark, `ams dev seed`): ordinary-looking
/// sign-ins, approvals and downloads by a few hundred actors, appended through the real chain (so `ams audit verify`
/// passes over them) a thousand per transaction.
package enum SyntheticAuditEntries {
    package static func append(_ count: Int, services: AMSServices, on database: any Database,
                               progress: (Int) -> Void = { _ in }) async throws {
        let audit = services.audit
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
            try await WriteTransaction.run(on: database) { db in try await audit.appendMany(batch, on: db) }
            made += batch.count
            progress(made)
        }
    }
}
