import AMSCore
import AMSPKI
import Fluent
import Foundation
import NIOConcurrencyHelpers
import SQLKit

/// Makes the full CRL of each CA from the database: entries are streamed from the query straight into the DER
/// writer (no row objects kept), the CRL number is strictly increasing (read and written under the write lock),
/// and the result is stored with its validity for the download route.
struct CRLPublisher: Sendable {
    let services: AMSServices

    struct Published: Sendable {
        let label: String
        let number: Int64
        let entries: Int
        let der: [UInt8]
    }

    /// Publishes the issuing CA's CRL and the root's (which lists no revoked CA certificates in this version).
    @discardableResult
    func publish(on database: any Database) async throws -> [Published] {
        let loaded = try await services.caKeys.current(on: database)
        return [
            try await publish(authority: loaded.issuing, id: loaded.issuingID, on: database),
            try await publish(authority: loaded.root, id: loaded.rootID, on: database),
        ]
    }

    func publish(authority: CertificateAuthority, id: UUID, on database: any Database) async throws -> Published {
        let now = services.clock.now
        let lifetime = services.configuration.certificates.crlLifetime
        return try await WriteTransaction.run(on: database) { [services] db in
            let sql = db as! any SQLDatabase
            let lock = sql.dialect.name == "postgresql" ? " FOR UPDATE" : ""
            let previous = try await sql.raw("SELECT number FROM crl_states WHERE ca_id = \(bind: id)\(unsafeRaw: lock)")
                .first()?.decode(column: "number", as: Int64.self)
            let number = (previous ?? 0) + 1
            let writer = NIOLockedValueBox(CRLWriter(issuer: authority))
            let failure = NIOLockedValueBox<(any Error)?>(nil)
            try await sql.select()
                .column("serial_hex").column("revoked_at").column("revocation_reason").column("invalidity_date").column("issuing_started_at")
                .from("certificates")
                .where("issuer_ca_id", .equal, id)
                .where("status", .in, [CertificateStatus.revoked.rawValue, CertificateStatus.void.rawValue])
                .run { row in
                    do {
                        let serialHex = try row.decode(column: "serial_hex", as: String.self)
                        guard let serial = [UInt8](hex: serialHex) else { return }
                        let revokedAt = try row.decode(column: "revoked_at", as: Date?.self)
                            ?? row.decode(column: "issuing_started_at", as: Date?.self) ?? now
                        let reason = try row.decode(column: "revocation_reason", as: Int?.self)
                            .flatMap { RevocationReason(rawValue: $0) } ?? .unspecified
                        let invalidity = try row.decode(column: "invalidity_date", as: Date?.self)
                        writer.withLockedValue { $0.append(serial: serial, revokedAt: revokedAt, reason: reason, invalidityDate: invalidity) }
                    } catch {
                        failure.withLockedValue { $0 = $0 ?? error }
                    }
                }
            if let error = failure.withLockedValue({ $0 }) { throw error }
            let (der, count) = try writer.withLockedValue { writer in
                (try writer.finish(number: UInt64(number), thisUpdate: now, nextUpdate: now.addingTimeInterval(lifetime)), writer.count)
            }
            if previous == nil {
                let state = CRLStateModel()
                state.$authority.id = id
                state.number = number
                state.der = Data(der)
                state.entries = count
                state.thisUpdate = now
                state.nextUpdate = now.addingTimeInterval(lifetime)
                try await state.create(on: db)
            } else {
                try await sql.update("crl_states")
                    .set("number", to: number).set("der", to: Data(der)).set("entries", to: count)
                    .set("this_update", to: now).set("next_update", to: now.addingTimeInterval(lifetime))
                    .where("ca_id", .equal, id).run()
            }
            try await services.audit.append(.crlGenerated, context: .system("crl"), targetType: "crl", targetID: authority.label,
                                            details: ["number": String(number), "entries": String(count)], on: db)
            return Published(label: authority.label, number: number, entries: count, der: der)
        }
    }

    /// Publishes again when half of the current CRL's lifetime has passed (or none exists).
    func refreshIfDue(on database: any Database) async throws -> Bool {
        let now = services.clock.now
        let half = services.configuration.certificates.crlLifetime / 2
        let states = try await CRLStateModel.query(on: database).all()
        let loaded = try await services.caKeys.current(on: database)
        let due = [loaded.issuingID, loaded.rootID].contains { id in
            guard let state = states.first(where: { $0.$authority.id == id }) else { return true }
            return now.timeIntervalSince(state.thisUpdate) >= half || state.nextUpdate <= now
        }
        if due { try await publish(on: database) }
        return due
    }
}
