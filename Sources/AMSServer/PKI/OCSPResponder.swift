import AMSCore
import AMSPKI
import Fluent
import Foundation
import SQLKit

/// The RFC 6960 responder behind `/pki/ocsp`: every answer reads the certificate's current status from the
/// database (on SQLite, from the statuses it kept, forgotten at every revocation); a signed response for a
/// nonce-less single query is reused while that status is unchanged and the response is fresh. Whatever arrives,
/// the answer is a well-formed OCSP response (`malformedRequest` for junk).
struct OCSPResponder: Sendable {
    let services: AMSServices

    /// A response to send, and whether HTTP caches may keep it.
    struct Answer: Sendable {
        let bytes: [UInt8]
        /// thisUpdate and nextUpdate of a successful response without a nonce (the same for every client asking);
        /// nil for an error or a response to one client's nonce, which no cache may keep.
        let cacheableUntil: ClosedRange<Date>?

        static func uncacheable(_ bytes: [UInt8]) -> Answer { Answer(bytes: bytes, cacheableUntil: nil) }
    }

    /// An answer ready at once, or the parsed request whose answer needs the database (``respond(to:on:)``).
    enum Step: Sendable {
        case answered(Answer)
        case needsDatabase(OCSPRequestContent)
    }

    /// Parses the request and answers it on the calling thread when nothing must be awaited: junk
    /// (`malformedRequest`), or the CA keys loaded, every asked status kept and an ECDSA responder key.
    func answerAtOnce(_ body: [UInt8]) -> Step {
        let request: OCSPRequestContent
        do {
            request = try OCSPRequestParser.parse(body)
        } catch {
            return .answered(.uncacheable(OCSPResponseBuilder.malformedRequest))
        }
        // an RSA signature takes milliseconds: not on an event loop (the task path signs it)
        guard let loaded = services.caKeys.loadedIfAny, !loaded.responder.key.algorithm.isRSA,
              let statuses = services.ocspStatuses.statuses(of: request.queries.filter { loaded.ocsp.isForThisIssuer($0) }.map(\.serial.hexString))
        else { return .needsDatabase(request) }
        return .answered((try? answer(request, loaded: loaded, statuses: statuses)) ?? .uncacheable(OCSPResponseBuilder.internalError))
    }

    func respond(to request: OCSPRequestContent, on database: any Database) async -> Answer {
        let loaded: LoadedAuthorities
        do {
            loaded = try await services.caKeys.current(on: database)
        } catch {
            return .uncacheable(OCSPResponseBuilder.tryLater)
        }
        do {
            let statuses = try await statuses(of: request.queries.filter { loaded.ocsp.isForThisIssuer($0) }.map(\.serial),
                                              issuerID: loaded.issuingID, on: database)
            return try answer(request, loaded: loaded, statuses: statuses)
        } catch {
            return .uncacheable(OCSPResponseBuilder.internalError)
        }
    }

    /// Signs the answer (or reuses a signed one: a single query without a nonce, same status, still fresh).
    private func answer(_ request: OCSPRequestContent, loaded: LoadedAuthorities,
                        statuses: [String: OCSPCertificateStatus]) throws -> Answer {
        let answers = request.queries.map { query in
            (query: query, status: loaded.ocsp.isForThisIssuer(query) ? statuses[query.serial.hexString] ?? .unknown : .unknown)
        }
        let now = services.clock.now
        let validity = loaded.ocsp.validity
        if request.nonce == nil, answers.count == 1 {
            let key = OCSPResponseCache.Key(certID: answers[0].query.certIDDER, status: answers[0].status)
            if let cached = services.ocspCache.response(for: key, now: now) {
                return Answer(bytes: cached.response, cacheableUntil: cached.producedAt...cached.producedAt.addingTimeInterval(validity))
            }
            let response = try loaded.ocsp.successful(answers: answers, nonce: nil, producedAt: now)
            services.ocspCache.store(response, for: key, producedAt: now)
            return Answer(bytes: response, cacheableUntil: now...now.addingTimeInterval(validity))
        }
        let response = try loaded.ocsp.successful(answers: answers, nonce: request.nonce, producedAt: now)
        return Answer(bytes: response, cacheableUntil: request.nonce == nil ? now...now.addingTimeInterval(validity) : nil)
    }

    /// ``lookUp(_:issuerID:on:)`` through the statuses this process keeps (``OCSPStatusCache``).
    func statuses(of serials: [[UInt8]], issuerID: UUID, on database: any Database) async throws -> [String: OCSPCertificateStatus] {
        let cache = services.ocspStatuses
        if let kept = cache.statuses(of: serials.map(\.hexString)) { return kept }
        let epoch = cache.epoch
        let found = try await lookUp(serials, issuerID: issuerID, on: database)
        cache.remember(found, readAt: epoch)
        return found
    }

    /// Status by serial (hex) for certificates of the issuing CA; serials not found are absent (→ unknown).
    func lookUp(_ serials: [[UInt8]], issuerID: UUID, on database: any Database) async throws -> [String: OCSPCertificateStatus] {
        guard !serials.isEmpty else { return [:] }
        let sql = database as! any SQLDatabase
        let hexes = serials.map(\.hexString)
        var result: [String: OCSPCertificateStatus] = [:]
        let rows = try await sql.select()
            .column("serial_hex").column("status").column("revoked_at").column("revocation_reason")
            .from(CertificateModel.schema)
            .where("serial_hex", .in, hexes).where("issuer_ca_id", .equal, issuerID)
            .all()
        for row in rows {
            let serial = try row.decode(column: "serial_hex", as: String.self)
            switch CertificateStatus(rawValue: try row.decode(column: "status", as: String.self)) {
            case .issued:
                result[serial] = .good
            case .revoked, .void:
                let at = try row.decode(column: "revoked_at", as: Date?.self) ?? .distantPast
                let reason = try row.decode(column: "revocation_reason", as: Int?.self).flatMap(RevocationReason.init(rawValue:)) ?? .unspecified
                result[serial] = .revoked(at: at, reason: reason)
            default:
                // pending, rejected: no serial; issuing: not yet known to be signed
                break
            }
        }
        // the delegated responder's and the time-stamping unit's own certificates are issued by the issuing CA too
        let missing = hexes.filter { result[$0] == nil }
        if !missing.isEmpty {
            let responders = try await CertificateAuthorityModel.query(on: database).filter(\.$serialHex ~~ missing)
                .filter(\.$role ~~ [.ocspResponder, .timeStamping]).all()
            for responder in responders { result[responder.serialHex] = .good }
        }
        // institutions' electronic seals are issued by the issuing CA too
        let notSeen = hexes.filter { result[$0] == nil }
        if !notSeen.isEmpty {
            for seal in try await SealModel.query(on: database).filter(\.$serialHex ~~ notSeen).filter(\.$issuerID == issuerID).all() {
                guard let serial = seal.serialHex else { continue }
                switch seal.status {
                case .active: result[serial] = .good
                case .revoked:
                    result[serial] = .revoked(at: seal.revokedAt ?? .distantPast,
                                              reason: seal.revocationReason.flatMap(RevocationReason.init(rawValue:)) ?? .unspecified)
                case .requested, .rejected: break
                }
            }
        }
        return result
    }
}
