import AMSCore
import AMSPKI
import Fluent
import Foundation
import SQLKit

/// Creates the CA hierarchy (on first start or by `ams ca init`) and keeps the delegated OCSP responder's
/// short-lived certificate renewed.
package struct CertificateAuthoritySetup: Sendable {
    let services: AMSServices

    package init(services: AMSServices) {
        self.services = services
    }

    /// Lifetime of the OCSP responder certificate; renewed when less than a third is left.
    static let responderLifetimeDays = 30
    /// Lifetime of the time-stamping unit's certificate; a new one (and key) when less than a third is left, so every
    /// token stays verifiable for at least four months after it was made.
    static let timeStampingLifetimeDays = 365

    struct AlreadyInitialized: Error {}

    /// Creates root, issuing CA and OCSP responder unless a root exists. Returns false when one existed already.
    @discardableResult
    package func initialize(settings: CertificateSettings, context: AuditContext, on database: any Database) async throws -> Bool {
        let now = services.clock.now
        let builder = CAHierarchyBuilder(names: settings.names, algorithm: settings.caKeyAlgorithm,
                                         rootLifetimeDays: settings.rootLifetimeDays, issuingLifetimeDays: settings.issuingLifetimeDays,
                                         policy: services.certificateProfile.policies[0], endpoints: services.pkiEndpoints)
        let keys = services.caKeys
        let created: Bool = try await WriteTransaction.run(on: database) { [services] db in
            try await Self.lockAuthorities(db)
            guard try await CertificateAuthorityModel.query(on: db).filter(\.$role == .root).count() == 0 else { return false }
            let root = try builder.makeRoot(now: now)
            let issuing = try builder.makeIssuing(under: root, now: now)
            let responder = try CAHierarchyBuilder.makeOCSPResponder(under: issuing, algorithm: settings.caKeyAlgorithm, now: now,
                                                                      lifetimeDays: Self.responderLifetimeDays, serial: builder.serials.next())
            let unit = try CAHierarchyBuilder.makeTimeStampingUnit(under: issuing, algorithm: settings.caKeyAlgorithm, now: now,
                                                                   lifetimeDays: Self.timeStampingLifetimeDays, serial: builder.serials.next(),
                                                                   endpoints: services.pkiEndpoints)
            for (authority, role) in [(root, CertificateAuthorityModel.Role.root), (issuing, .issuing), (responder, .ocspResponder),
                                      (unit, .timeStamping)] {
                try await keys.sealedRow(authority, role: role, now: now).create(on: db)
            }
            try await services.audit.append(.caInitialized, context: context, targetType: "ca", targetID: issuing.label,
                                            details: ["root": root.certificate.subject.description,
                                                      "issuing": issuing.certificate.subject.description,
                                                      "algorithm": settings.caKeyAlgorithm.rawValue,
                                                      "root_serial": Array(root.certificate.serialNumber.bytes).hexString,
                                                      "issuing_serial": Array(issuing.certificate.serialNumber.bytes).hexString], on: db)
            return true
        }
        await keys.forget()
        if created { try await CRLPublisher(services: services).publish(on: database) }
        return created
    }

    /// Issues a new responder certificate when the active one has less than a third of its life left.
    @discardableResult
    func renewResponderIfDue(on database: any Database) async throws -> Bool {
        let now = services.clock.now
        let current = try await services.caKeys.current(on: database)
        let remaining = current.responder.certificate.notValidAfter.timeIntervalSince(now)
        guard remaining < TimeInterval(Self.responderLifetimeDays) * 86_400 / 3 else { return false }
        let algorithm = services.configuration.certificates.caKeyAlgorithm
        try await replace(.ocspResponder, audited: .ocspResponderCertified, on: database) {
            try CAHierarchyBuilder.makeOCSPResponder(under: current.issuing, algorithm: algorithm, now: now,
                                                     lifetimeDays: Self.responderLifetimeDays, serial: SerialNumberGenerator().next())
        }
        services.ocspCache.clear()
        services.ocspGetAnswers.clear()
        return true
    }

    /// Issues a time-stamping unit certificate when there is none (an installation from before the TSA) or the active
    /// one has less than a third of its life left.
    @discardableResult
    func renewTimeStampingIfDue(on database: any Database) async throws -> Bool {
        let now = services.clock.now
        let current = try await services.caKeys.current(on: database)
        if let unit = current.tsa?.unit,
           unit.certificate.notValidAfter.timeIntervalSince(now) >= TimeInterval(Self.timeStampingLifetimeDays) * 86_400 / 3 { return false }
        let algorithm = services.configuration.certificates.caKeyAlgorithm
        try await replace(.timeStamping, audited: .timeStampingUnitCertified, on: database) {
            try CAHierarchyBuilder.makeTimeStampingUnit(under: current.issuing, algorithm: algorithm, now: now,
                                                        lifetimeDays: Self.timeStampingLifetimeDays, serial: SerialNumberGenerator().next(),
                                                        endpoints: services.pkiEndpoints)
        }
        return true
    }

    /// Makes a delegated certificate (responder or TSA unit) and makes it the active one of its role, audited, in
    /// one transaction; the loaded keys are read again afterwards.
    private func replace(_ role: CertificateAuthorityModel.Role, audited action: AuditAction, on database: any Database,
                         make: @escaping @Sendable () throws -> CertificateAuthority) async throws {
        let keys = services.caKeys
        let now = services.clock.now
        try await WriteTransaction.run(on: database) { [services] db in
            try await Self.lockAuthorities(db)
            let authority = try make()
            try await CertificateAuthorityModel.query(on: db).filter(\.$role == role).set(\.$active, to: false).update()
            try await keys.sealedRow(authority, role: role, now: now).create(on: db)
            try await services.audit.append(action, context: .system(), targetType: "ca", targetID: role.rawValue,
                                            details: ["serial": Array(authority.certificate.serialNumber.bytes).hexString], on: db)
        }
        await keys.forget()
    }

    /// PostgreSQL: one set-up at a time across processes (SQLite's `BEGIN IMMEDIATE` already serialises writers).
    static func lockAuthorities(_ database: any Database) async throws {
        guard let sql = database as? any SQLDatabase, sql.dialect.name == "postgresql" else { return }
        try await sql.raw("LOCK TABLE certificate_authorities IN EXCLUSIVE MODE").run()
    }
}
