import AMSCore
import AMSPKI
import Foundation
import Vapor

/// Every side effect AMS depends on, behind a seam the tests control (clock, randomness, hashing, mail).
package struct AMSServices: Sendable {
    var configuration: AppConfiguration
    var clock: any AMSCore.Clock
    var random: any RandomSource
    package var passwordHashing: any PasswordHashing
    var secrets: ServerSecrets
    var passwordPolicy: PasswordPolicy
    var mailTransport: (any MailTransport)?
    /// Verified against when a sign-in names no account, so that case takes as long as a wrong password.
    var absentAccountHash: AbsentAccountHash
    var attachments: any AttachmentStore
    /// The CA keys, unsealed on first use with the key-encryption key kept outside the database.
    package var caKeys: CertificateAuthorityKeys
    package var certificateProfile: CertificateProfile
    var ocspCache: OCSPResponseCache
    var ocspStatuses: OCSPStatusCache
    var ocspGetAnswers = OCSPGetAnswerCache()
    /// Whether a newer release has migrated the database; the background workers ask before each pass.
    var newerSchema = NewerSchemaCheck()
    /// Random serial numbers for certificates (16 bytes, positive).
    package var serials: SerialNumberGenerator
    /// Holder keys opened at once (scrypt's memory), the rest queued.
    var keyOpenings: KeyOpeningQueue
    var faults = FaultInjection()
    /// What this process counts for `/metrics` (one registry per application; copies of the services share it).
    package var metrics = AMSMetrics()

    var lifecycle: CertificateLifecyclePolicy { CertificateLifecyclePolicy() }
    var pkiEndpoints: PKIEndpoints { PKIEndpoints(baseURL: configuration.pkiBaseURL) }
    /// The profile of institutions' electronic seals (its policy checked when the configuration was read).
    var sealProfile: CertificateProfile {
        .institutionalSeal(policy: OID(dotted: configuration.certificates.sealPolicyOID)!, cpsURI: configuration.certificates.cpsURL,
                           validityDays: configuration.certificates.validityDays)
    }
    var passphraseWrap: PassphraseKeyWrap {
        PassphraseKeyWrap(cost: .init(log2N: configuration.certificates.passphraseCostLog2N))
    }

    var audit: AuditLog { AuditLog(chain: AuditChain(key: secrets.auditChainKey), clock: clock) }
    package var auditVerifier: AuditVerifier { AuditVerifier(chain: AuditChain(key: secrets.auditChainKey)) }
    var sealer: MailSealer { MailSealer(key: secrets.outboxSealingKey) }
    var csrf: CSRFTokens { CSRFTokens(key: secrets.csrfKey) }
    var formChallenge: FormChallenge {
        FormChallenge(key: secrets.formChallengeKey, bits: configuration.submissionLimits.workBits,
                      lifetime: configuration.submissionLimits.challengeLifetime)
    }
    var initialPasswords: InitialPasswordGenerator { InitialPasswordGenerator(random: random) }
    var mail: MailComposer { MailComposer(branding: configuration.branding) }
    var outbox: Outbox {
        Outbox(sealer: sealer, audit: audit, clock: clock,
               messageIDDomain: URL(string: configuration.publicBaseURL)?.host ?? "ams.localhost")
    }

    func outboxDeliverer(logger: Logger) -> OutboxDeliverer? {
        guard let mailTransport else { return nil }
        var deliverer = OutboxDeliverer(transport: mailTransport, sealer: sealer, audit: audit, clock: clock,
                                        maxAttempts: configuration.mailMaxAttempts, logger: logger)
        deliverer.staleClaimAfter = configuration.mailStaleClaimAfter
        return deliverer
    }

    func newToken() -> SecureToken { SecureToken(random: random) }
}

extension Application {
    private struct ServicesKey: StorageKey { typealias Value = AMSServices }

    package var ams: AMSServices {
        get {
            guard let services = storage[ServicesKey.self] else { fatalError("AMS services are not configured") }
            return services
        }
        set { storage[ServicesKey.self] = newValue }
    }

    /// Whether the services are there: false once the application is shutting down while its server may still be
    /// finishing a request (a client that closed mid-upload); such a request gets a plain answer, not a page.
    var isServing: Bool { storage[ServicesKey.self] != nil }

    var outboxDeliverer: OutboxDeliverer? { ams.outboxDeliverer(logger: logger) }
}

extension Request {
    var ams: AMSServices { application.ams }

    /// The client's address: the socket peer, or the first `X-Forwarded-For` hop when AMS is configured to trust
    /// its reverse proxy.
    var clientAddress: String {
        if ams.configuration.trustForwardedFor,
           let forwarded = headers.first(name: "X-Forwarded-For")?.split(separator: ",").first {
            let address = forwarded.trimmingCharacters(in: .whitespaces)
            if !address.isEmpty { return LogSafe.field(address, limit: 64) }
        }
        return remoteAddress?.ipAddress ?? "unknown"
    }

    /// Audit context of this request: the signed-in user (if any), address and request id.
    var auditContext: AuditContext {
        let base = AuditContext(actorID: nil, actorName: "anonymous", actorRole: "anonymous",
                                clientAddress: clientAddress, requestID: id)
        if let user = signedInUser { return base.actingAs(user) }
        return base
    }
}
