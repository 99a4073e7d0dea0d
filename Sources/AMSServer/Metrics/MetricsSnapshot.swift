import AMSCore
import Fluent
import Foundation

/// The installation's figures read from the database when `/metrics` is scraped — the same on every instance of a
/// cluster: requests waiting per SOP step and those past the step's time standard, the outbox's backlog and given-up
/// mails, certificates per status, and the age of each CA's current CRL. Each is one indexed count or a few rows.
struct MetricsSnapshot {
    let services: AMSServices
    let database: any Database

    func record(into metrics: AMSMetrics) async throws {
        let now = services.clock.now
        let standards = services.configuration.timeStandards
        for step in WorkflowStep.allCases {
            let statuses = RegistrationStatus.allCases.filter { WorkflowStep.current(for: $0) == step }
            let waiting = RegistrationRequestModel.query(on: database).filter(\.$status ~~ statuses)
            metrics.set("ams_registration_queue_requests", [("step", step.rawValue)], to: Double(try await waiting.count()))
            metrics.set("ams_registration_queue_overdue_requests", [("step", step.rawValue)],
                        to: Double(try await waiting.copy().overdueCount(in: statuses, at: now, standards: standards, cap: nil)))
        }
        for status in [OutboxMessageModel.Status.pending, .sending, .failed] {
            let count = try await OutboxMessageModel.query(on: database).filter(\.$status == status).count()
            metrics.set("ams_outbox_messages", [("status", status.rawValue)], to: Double(count))
        }
        for status in CertificateStatus.allCases {
            let count = try await CertificateModel.query(on: database).filter(\.$status == status).count()
            metrics.set("ams_certificates", [("status", status.rawValue)], to: Double(count))
        }
        for crl in try await CRLStateModel.query(on: database).with(\.$authority).all() {
            metrics.set("ams_crl_age_seconds", [("ca", crl.authority.role.rawValue)], to: now.timeIntervalSince(crl.thisUpdate))
            metrics.set("ams_crl_number", [("ca", crl.authority.role.rawValue)], to: Double(crl.number))
        }
    }
}
