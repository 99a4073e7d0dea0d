import Vapor

/// `ams audit verify`: checks the whole audit chain; exits non-zero naming the first bad entry.
struct AuditVerifyCommand: AsyncCommand {
    struct Signature: CommandSignature {}

    var help: String { "Verifies the audit log's HMAC chain." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let report = try await context.application.ams.auditVerifier.verify(on: context.application.db)
        if let problem = report.problem {
            throw CommandFailure("audit log NOT intact: \(problem) (first bad entry: \(report.firstBadSequence ?? 0))")
        }
        context.console.print("audit log intact: \(report.checkedEntries) entries verified")
    }
}
