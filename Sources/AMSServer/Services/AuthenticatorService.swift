import AMSCore
import AMSPKI
import Fluent
import Foundation
import SQLKit

/// A holder's authenticator app as the second factor for signing: enrolment (a new secret shown once as a QR code
/// and as text, confirmed with a first code, then ten single-use recovery codes shown once), removal with the
/// account password, and checking a code — the app's (each step once) or a recovery code (each once).
struct AuthenticatorService: Sendable {
    let services: AMSServices
    let database: any Database

    static let secretBytes = 20
    static let recoveryCodeCount = 10

    /// What the enrolment page shows: the secret as text and the `otpauth://` URI its QR code carries.
    struct Enrolment: Sendable {
        let secretText: String
        let uri: String
    }

    func authenticator(of holder: UserModel) async throws -> AuthenticatorModel? {
        try await AuthenticatorModel.query(on: database).filter(\.$user.$id == holder.id!).first()
    }

    func isEnrolled(_ holder: UserModel) async throws -> Bool {
        try await authenticator(of: holder)?.confirmedAt != nil
    }

    /// A new secret, not yet usable, replacing an unconfirmed one; an enrolled app must be removed first.
    func begin(for holder: UserModel) async throws -> Enrolment {
        if let existing = try await authenticator(of: holder) {
            guard existing.confirmedAt == nil else { throw DomainError(.badRequest, "an authenticator is enrolled already") }
            try await existing.delete(on: database)
        }
        let secret = services.random.bytes(count: Self.secretBytes)
        let row = AuthenticatorModel()
        row.$user.id = holder.id!
        row.secretSealed = try services.sealer.seal(value: secret, binding: Self.binding(holder))
        row.createdAt = services.clock.now
        try await row.create(on: database)
        return enrolment(secret, holder: holder)
    }

    /// The pending enrolment again (the page is shown once more after a wrong first code).
    func pending(for holder: UserModel) async throws -> Enrolment? {
        guard let row = try await authenticator(of: holder), row.confirmedAt == nil else { return nil }
        return enrolment(try secret(row, holder: holder), holder: holder)
    }

    func enrolment(_ secret: [UInt8], holder: UserModel) -> Enrolment {
        let totp = TOTP(secret: secret)
        let grouped = stride(from: 0, to: TOTP.base32(secret).count, by: 4).map { start in
            String(Array(TOTP.base32(secret))[start..<min(start + 4, TOTP.base32(secret).count)])
        }.joined(separator: " ")
        return Enrolment(secretText: grouped, uri: totp.provisioningURI(issuer: services.configuration.branding.authorityName ?? "AMS", account: holder.username))
    }

    /// Confirms the pending enrolment with the app's first code; returns the recovery codes (shown once). A wrong
    /// code throws ``ValidationError`` and changes nothing.
    func confirm(_ holder: UserModel, code: String, context: AuditContext) async throws -> [String] {
        guard let row = try await authenticator(of: holder), row.confirmedAt == nil else {
            throw DomainError(.badRequest, "no pending enrolment")
        }
        let now = services.clock.now
        guard let step = TOTP(secret: try secret(row, holder: holder)).acceptedStep(code, at: now, lastAcceptedStep: nil) else {
            throw ValidationError(["code": "error_authenticator_code"])
        }
        let codes = (0..<Self.recoveryCodeCount).map { _ in recoveryCode() }
        try await WriteTransaction.run(on: database) { [services] db in
            try await AuthenticatorModel.query(on: db).filter(\.$id == row.id!).set(\.$confirmedAt, to: now).set(\.$lastStep, to: Int64(step)).update()
            try await RecoveryCodeModel.query(on: db).filter(\.$user.$id == holder.id!).delete()
            for code in codes {
                let stored = RecoveryCodeModel()
                stored.$user.id = holder.id!
                stored.codeHash = Self.recoveryHash(code, holder: holder.id!)
                try await stored.create(on: db)
            }
            try await services.audit.append(.authenticatorEnrolled, context: context, targetType: "user", targetID: holder.id!.uuidString,
                                            details: ["recovery_codes": String(codes.count)], on: db)
        }
        return codes
    }

    /// Removes the app and its recovery codes; the caller has checked the account password.
    func remove(_ holder: UserModel, context: AuditContext) async throws {
        try await WriteTransaction.run(on: database) { [services] db in
            try await AuthenticatorModel.query(on: db).filter(\.$user.$id == holder.id!).delete()
            try await RecoveryCodeModel.query(on: db).filter(\.$user.$id == holder.id!).delete()
            try await services.audit.append(.authenticatorRemoved, context: context, targetType: "user", targetID: holder.id!.uuidString, on: db)
        }
    }

    /// Spends `code` if it is the app's code of a step not used before, or an unused recovery code; false otherwise.
    /// Spending is a conditional update, so two requests with one code cannot both succeed.
    func spend(_ code: String, holder: UserModel, context: AuditContext) async throws -> Bool {
        guard let row = try await authenticator(of: holder), row.confirmedAt != nil else { return false }
        let now = services.clock.now
        if let step = TOTP(secret: try secret(row, holder: holder)).acceptedStep(code, at: now, lastAcceptedStep: row.lastStep.map { UInt64($0) }) {
            let moved = try await (database as! any SQLDatabase).update(AuthenticatorModel.schema)
                .set("last_step", to: Int64(step)).where("id", .equal, row.id!)
                .where(group: { $0.where("last_step", .is, SQLLiteral.null).orWhere("last_step", .lessThan, Int64(step)) })
                .returning("id").all()
            return moved.count == 1
        }
        let normalized = Self.normalizedRecoveryCode(code)
        guard normalized.count == 16 else { return false }
        let hash = Self.recoveryHash(normalized, holder: holder.id!)
        guard let stored = try await RecoveryCodeModel.query(on: database).filter(\.$user.$id == holder.id!).filter(\.$usedAt == nil)
            .filter(\.$codeHash == hash).first() else { return false }
        return try await WriteTransaction.run(on: database) { [services] db in
            let spent = try await (db as! any SQLDatabase).update(RecoveryCodeModel.schema).set("used_at", to: now)
                .where("id", .equal, stored.id!).where("used_at", .is, SQLLiteral.null).returning("id").all().count == 1
            guard spent else { return false }
            let left = try await RecoveryCodeModel.query(on: db).filter(\.$user.$id == holder.id!).filter(\.$usedAt == nil).count()
            try await services.audit.append(.recoveryCodeUsed, context: context, targetType: "user", targetID: holder.id!.uuidString,
                                            details: ["left": String(left)], on: db)
            return true
        }
    }

    func secret(_ row: AuthenticatorModel, holder: UserModel) throws -> [UInt8] {
        try services.sealer.open([UInt8].self, row.secretSealed, binding: Self.binding(holder))
    }

    /// Sixteen base32 characters (80 bits) in groups of four.
    func recoveryCode() -> String {
        let alphabet = Array("ABCDEFGHJKLMNPQRSTUVWXYZ23456789")
        let characters = (0..<16).map { _ in alphabet[services.random.uniform(below: alphabet.count)] }
        return stride(from: 0, to: 16, by: 4).map { String(characters[$0..<($0 + 4)]) }.joined(separator: "-")
    }

    static func normalizedRecoveryCode(_ code: String) -> String {
        code.uppercased().filter { $0.isLetter || $0.isNumber }.filter(\.isASCII)
    }

    static func recoveryHash(_ code: String, holder: UUID) -> String {
        TokenDigest.hex("recovery-code:" + holder.uuidString + ":" + normalizedRecoveryCode(code))
    }

    static func binding(_ holder: UserModel) -> String { "authenticator:" + holder.id!.uuidString }
}
