import Vapor

/// `ams mail deliver`: one delivery pass over the outbox (what the worker in `ams serve` does every few seconds).
struct MailDeliverCommand: AsyncCommand {
    struct Signature: CommandSignature {}

    var help: String { "Sends the mail that is due in the outbox, once." }

    func run(using context: CommandContext, signature: Signature) async throws {
        guard let deliverer = context.application.outboxDeliverer else {
            throw CommandFailure("SMTP is not configured (AMS_SMTP_HOST); mail stays in the outbox")
        }
        let report = try await deliverer.deliverDue(on: context.application.db, limit: 1000)
        context.console.print("sent \(report.sent), to retry \(report.retried), failed \(report.failed)")
    }
}
