import AMSCore
import AMSPKI
import Fluent
import Foundation
import NIOCore
import SQLKit

/// Makes the full CRL of each CA from the database: entries are streamed from the query straight into the DER
/// writer (no row objects kept), the CRL number is strictly increasing (read and written under the write lock) and
/// follows the clock (``nextNumber(after:at:)``), and the result is stored with its validity for the download route.
struct CRLPublisher: Sendable {
    let services: AMSServices

    struct Published: Sendable {
        let label: String
        let number: Int64
        let entries: Int
        /// The size of the signed CRL, in bytes.
        let bytes: Int
    }

    /// Revoked certificates and intents cut before their certificate was recorded (their serial may have been signed).
    static let listedStatuses: [CertificateStatus] = [.revoked, .void]
    static let pageSize = 2000

    static func countListed(issuer id: UUID, on sql: any SQLDatabase) async throws -> Int {
        try await sql.select().column(SQLFunction("COUNT", args: SQLLiteral.all), as: "listed").from("certificates")
            .where("issuer_ca_id", .equal, id).where("status", .in, listedStatuses.map(\.rawValue))
            .first()?.decode(column: "listed", as: Int.self) ?? 0
    }

    /// Revoked electronic seals of the CA (a handful per agency at most: read at once).
    static func revokedSeals(issuer id: UUID, on sql: any SQLDatabase) async throws -> [RevokedEntry] {
        try await sql.select().column("serial_hex").column("revoked_at").column("revocation_reason").from(SealModel.schema)
            .where("issuer_ca_id", .equal, id).where("status", .equal, SealStatus.revoked.rawValue).all()
            .compactMap { row in
                guard let serial = [UInt8](hex: try row.decode(column: "serial_hex", as: String.self)) else { return nil }
                return RevokedEntry(serial: serial, revokedAt: try row.decode(column: "revoked_at", as: Date?.self) ?? .distantPast,
                                    reason: try row.decode(column: "revocation_reason", as: Int?.self).flatMap(RevocationReason.init(rawValue:))
                                        ?? .unspecified, invalidityDate: nil)
            }
    }

    /// The next CRL number: above the last one, and never behind the clock in milliseconds since 1970. A database
    /// restored from a backup holds an older number than the CRLs published since the backup was taken; numbers that
    /// follow the clock are still above every one of those (a CA would have to publish more than a thousand CRLs a
    /// second to run ahead of it), so a restore never reuses a number. Sibling instances publish under the row's lock.
    static func nextNumber(after previous: Int64?, at now: Date) -> Int64 {
        max((previous ?? 0) + 1, Int64((now.timeIntervalSince1970 * 1000).rounded(.down)))
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
        try await publish(authority: authority, id: id, onlyIfDue: false, on: database)!
    }

    /// Makes and stores the CA's CRL; with `onlyIfDue`, only when half of the current one's lifetime has passed (or
    /// none exists), decided under the CRL row's lock — of sibling instances' passes due at the same moment, only the
    /// first publishes (nil for the others).
    private func publish(authority: CertificateAuthority, id: UUID, onlyIfDue: Bool, on database: any Database) async throws -> Published? {
        let now = services.clock.now
        let lifetime = services.configuration.certificates.crlLifetime
        return try await WriteTransaction.run(on: database) { [services] db in
            let sql = db as! any SQLDatabase
            let lock = sql.dialect.name == "postgresql" ? " FOR UPDATE" : ""
            let current = try await sql.raw("SELECT number, this_update, next_update FROM crl_states WHERE ca_id = \(bind: id)\(unsafeRaw: lock)")
                .first()
            let previous = try current?.decode(column: "number", as: Int64.self)
            if onlyIfDue, let current {
                let thisUpdate = try current.decode(column: "this_update", as: Date.self)
                let nextUpdate = try current.decode(column: "next_update", as: Date.self)
                guard Self.isDue(thisUpdate: thisUpdate, nextUpdate: nextUpdate, lifetime: lifetime, at: now) else { return nil }
            }
            let number = Self.nextNumber(after: previous, at: now)
            var writer: CRLWriter? = CRLWriter(issuer: authority, expectedEntries: try await Self.countListed(issuer: id, on: sql))
            for status in Self.listedStatuses {
                // Page by page in serial order (index certificates_issuer_status_serial): a bounded number of rows
                // in memory however long the list (SQLite's driver would otherwise queue every row at once).
                var after = ""
                while true {
                    let rows = try await sql.select()
                        .column("serial_hex").column("revoked_at").column("revocation_reason").column("invalidity_date")
                        .column("issuing_started_at")
                        .from("certificates")
                        .where("issuer_ca_id", .equal, id).where("status", .equal, status.rawValue).where("serial_hex", .greaterThan, after)
                        .orderBy("serial_hex").limit(Self.pageSize)
                        .all()
                    for row in rows {
                        let serialHex = try row.decode(column: "serial_hex", as: String.self)
                        after = serialHex
                        guard let serial = [UInt8](hex: serialHex) else { continue }
                        let revokedAt = try row.decode(column: "revoked_at", as: Date?.self)
                            ?? row.decode(column: "issuing_started_at", as: Date?.self) ?? now
                        let reason = try row.decode(column: "revocation_reason", as: Int?.self)
                            .flatMap { RevocationReason(rawValue: $0) } ?? .unspecified
                        let invalidity = try row.decode(column: "invalidity_date", as: Date?.self)
                        writer?.append(serial: serial, revokedAt: revokedAt, reason: reason, invalidityDate: invalidity)
                    }
                    if rows.count < Self.pageSize { break }
                }
            }
            for seal in try await Self.revokedSeals(issuer: id, on: sql) { writer?.append(seal) }
            let count = writer?.count ?? 0
            let nextUpdate = now.addingTimeInterval(lifetime)
            var der = try writer?.finish(number: UInt64(number), thisUpdate: now, nextUpdate: nextUpdate) ?? []
            writer = nil  // the entries are in `der` now
            let bytes = der.count
            // Stored from a ByteBuffer, which both drivers bind as it is (Data would be copied into one first).
            let stored = ByteBuffer(bytes: der)
            der = []  // one copy of a long list at a time
            if previous == nil {
                try await sql.insert(into: CRLStateModel.schema)
                    .columns("id", "ca_id", "number", "der", "entries", "this_update", "next_update")
                    .values(SQLBind(UUID()), SQLBind(id), SQLBind(number), SQLBind(stored), SQLBind(count), SQLBind(now), SQLBind(nextUpdate))
                    .run()
            } else {
                try await sql.update(CRLStateModel.schema)
                    .set("number", to: number).set("der", to: stored).set("entries", to: count)
                    .set("this_update", to: now).set("next_update", to: nextUpdate)
                    .where("ca_id", .equal, id).run()
            }
            try await services.audit.append(.crlGenerated, context: .system("crl"), targetType: "crl", targetID: authority.label,
                                            details: ["number": String(number), "entries": String(count)], on: db)
            return Published(label: authority.label, number: number, entries: count, bytes: bytes)
        }
    }

    /// Publishes each CA's CRL again when half of its current one's lifetime has passed (or none exists); true when
    /// it published any. Every instance's maintenance pass asks; the row lock lets one of them publish.
    func refreshIfDue(on database: any Database) async throws -> Bool {
        let now = services.clock.now
        let lifetime = services.configuration.certificates.crlLifetime
        let loaded = try await services.caKeys.current(on: database)
        let states = try await CRLStateModel.query(on: database).all()
        var published = false
        for (authority, id) in [(loaded.issuing, loaded.issuingID), (loaded.root, loaded.rootID)] {
            // a read first, so that a pass with nothing due takes no write lock
            if let state = states.first(where: { $0.$authority.id == id }),
               !Self.isDue(thisUpdate: state.thisUpdate, nextUpdate: state.nextUpdate, lifetime: lifetime, at: now) { continue }
            if try await publish(authority: authority, id: id, onlyIfDue: true, on: database) != nil { published = true }
        }
        return published
    }

    /// Half of the CRL's lifetime has passed, or its nextUpdate has.
    static func isDue(thisUpdate: Date, nextUpdate: Date, lifetime: TimeInterval, at now: Date) -> Bool {
        now.timeIntervalSince(thisUpdate) >= lifetime / 2 || nextUpdate <= now
    }
}
