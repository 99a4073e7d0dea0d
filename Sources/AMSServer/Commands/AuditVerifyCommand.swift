import Vapor

/// `ams audit verify [--full]`: checks the audit chain from the newest checkpoint (what is new since the last run; a
/// nightly job) or, with `--full`, from the first entry (what a weekly job or an investigation runs); on success it
/// writes a checkpoint at the last entry. Exits non-zero naming the first bad entry, or a checkpoint not made by AMS.
struct AuditVerifyCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Flag(name: "full", help: "Verify from the first entry, not from the newest checkpoint") var full: Bool
    }

    var help: String { "Verifies the audit log's HMAC chain (from the newest checkpoint; --full from the start)." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        let checkpoints = AuditCheckpoints(chain: AuditChain(key: app.ams.secrets.auditChainKey))
        let start: AuditVerifier.Start
        do {
            start = signature.full ? .genesis : try await checkpoints.latest(on: app.db)
        } catch let forged as AuditCheckpoints.Forged {
            throw CommandFailure("audit checkpoint at entry \(forged.sequence) was not made by AMS (its MAC does not verify); run `ams audit verify --full`")
        }
        let report = try await app.ams.auditVerifier.verify(on: app.db, from: start)
        if let problem = report.problem {
            throw CommandFailure("audit log NOT intact: \(problem) (first bad entry: \(report.firstBadSequence ?? 0))")
        }
        if let end = report.end, end.sequence > start.sequence {
            try await checkpoints.record(end, at: app.ams.clock.now, on: app.db)
        }
        let from = start == .genesis ? "from the first entry" : "after the checkpoint at entry \(start.sequence)"
        context.console.print("audit log intact: \(report.checkedEntries) entries verified \(from); checkpoint at entry \(report.end?.sequence ?? start.sequence)")
    }
}
