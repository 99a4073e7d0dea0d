import AMSCore
import Foundation

/// Everything AMS reads from its environment, with the defaults of the embedded set-up.
/// See the table in README.md; every variable is named there.
public struct AppConfiguration: Sendable {
    public var database: DatabaseLocation
    /// The address users reach AMS at; links in mails are built from it.
    public var publicBaseURL: String
    /// Where PKI clients fetch CRLs, CA certificates and OCSP answers: the URLs written into certificates. Plain
    /// http (RFC 5280 §4.2.1.13 and §4.2.2.1 advise against https there: a client would need the revocation status
    /// of the server's own certificate to fetch it; ETSI EN 319 412-2 requires an http CRL distribution point).
    public var pkiBaseURL: String
    public var listenHost: String
    public var listenPort: Int
    public var dataDirectory: String
    /// Where the server secret (audit chain key, outbox sealing key, CSRF key) lives; outside the database.
    public var secretKeyFile: String
    public var smtp: SMTPSettings?
    public var cookieSecure: Bool
    public var sessionPolicy: SessionPolicy
    public var tokenPolicy: TokenPolicy
    public var bcryptCost: Int
    /// Whether to take the client address from `X-Forwarded-For` (only behind a reverse proxy you run).
    public var trustForwardedFor: Bool
    /// Seconds between delivery passes of the mail worker inside `ams serve`.
    public var mailPollInterval: Double
    /// Seconds between passes of the certificate maintenance worker (CRL refresh, expiry reminders, stale intents).
    public var certificateMaintenanceInterval: Double
    /// A message left `sending` this long (the process died mid-send) is queued again.
    public var mailStaleClaimAfter: Double
    /// Seconds a request waits for a pooled database connection before it is answered 503 (busy, not broken).
    public var databasePoolTimeout: Double
    /// Give up on a message after this many failed attempts.
    public var mailMaxAttempts: Int
    /// Where uploaded request documents are kept (outside the web root).
    public var attachmentDirectory: String
    /// The largest accepted upload, per file.
    public var uploadMaxBytes: Int
    /// Bounds on the public registration form and on stored documents (`AMS_REGISTER_*`, `AMS_UPLOAD_DISK_FLOOR_MB`).
    public var submissionLimits = SubmissionLimits()
    /// A connection that sends and receives nothing this long is closed (`AMS_HTTP_IDLE_SECONDS`): half-sent headers
    /// and stalled uploads do not hold a file descriptor and their buffers forever.
    public var httpIdleTimeout: Double = 60
    /// Bounds on reading request bodies: a deadline, and bodies at once per address and in all.
    public var bodyReads = BodyReadLimits()
    /// The authority's name, helpdesk contact and logo on every page and mail.
    public var branding = Branding()
    /// The shortest time between two digests of waiting requests to one operator (`AMS_DIGEST_MINUTES`; 0: none).
    public var operatorDigestInterval: TimeInterval = 3600
    /// Time standards of the SOP steps (queues mark overdue requests, reports measure against them).
    public var timeStandards: TimeStandards
    /// The certificate authority and the holder certificates.
    public var certificates: CertificateSettings
    /// Limits and policy of document signing.
    public var signing = SigningSettings()
    /// Where `/metrics` listens (`AMS_METRICS_LISTEN`, HOST:PORT; nil: nowhere) and the bearer token a scraper must
    /// send (`AMS_METRICS_TOKEN`; nil: none asked).
    public var metricsListen: (host: String, port: Int)?
    public var metricsToken: String?
    /// Where the OCSP responder also listens on its own (`AMS_OCSP_LISTEN`, HOST:PORT; nil: only at `/pki/ocsp`).
    public var ocspListen: (host: String, port: Int)?
    /// The folder holding `Resources/` (the page templates, the API description) and `Public/` (style sheets, scripts,
    /// images) (`AMS_ASSETS_DIR`); nil: the current directory, as `swift run ams serve` in the repository has it.
    public var assetsDirectory: String?
    /// Whether templates are parsed once and kept: in release builds (those that serve), not in debug builds (edit
    /// a template, reload the page).
    public var keepsParsedTemplates = !_isDebugAssertConfiguration()

    public static let minimumBcryptCost = 12

    public init(database: DatabaseLocation = .sqliteFile(path: "data/ams.sqlite"),
                publicBaseURL: String = "http://127.0.0.1:8080", pkiBaseURL: String? = nil,
                listenHost: String = "127.0.0.1", listenPort: Int = 8080,
                dataDirectory: String = "data", secretKeyFile: String = "data/ams-secret.key",
                smtp: SMTPSettings? = nil, cookieSecure: Bool? = nil,
                sessionPolicy: SessionPolicy = .init(), tokenPolicy: TokenPolicy = .init(),
                bcryptCost: Int = 12, trustForwardedFor: Bool = false,
                mailPollInterval: Double = 5, mailMaxAttempts: Int = 12,
                attachmentDirectory: String? = nil, uploadMaxBytes: Int = 2 * 1024 * 1024,
                timeStandards: TimeStandards = TimeStandards(), certificates: CertificateSettings? = nil,
                certificateMaintenanceInterval: Double = 300, mailStaleClaimAfter: Double = 600,
                databasePoolTimeout: Double = 10) {
        self.database = database
        self.publicBaseURL = publicBaseURL.hasSuffix("/") ? String(publicBaseURL.dropLast()) : publicBaseURL
        self.pkiBaseURL = pkiBaseURL ?? Self.defaultPKIBaseURL(publicBaseURL: self.publicBaseURL)
        self.listenHost = listenHost
        self.listenPort = listenPort
        self.dataDirectory = dataDirectory
        self.secretKeyFile = secretKeyFile
        self.smtp = smtp
        self.cookieSecure = cookieSecure ?? Self.defaultCookieSecure(baseURL: publicBaseURL)
        self.sessionPolicy = sessionPolicy
        self.databasePoolTimeout = databasePoolTimeout
        self.tokenPolicy = tokenPolicy
        self.bcryptCost = bcryptCost
        self.trustForwardedFor = trustForwardedFor
        self.mailPollInterval = mailPollInterval
        self.mailMaxAttempts = mailMaxAttempts
        self.attachmentDirectory = attachmentDirectory ?? "\(dataDirectory)/attachments"
        self.uploadMaxBytes = uploadMaxBytes
        self.timeStandards = timeStandards
        self.certificates = certificates ?? CertificateSettings(keyEncryptionKeyFile: "\(dataDirectory)/ams-ca-kek.key")
        self.certificateMaintenanceInterval = certificateMaintenanceInterval
        self.mailStaleClaimAfter = mailStaleClaimAfter
    }

    /// `Secure` cookies unless AMS is reached over plain http on the local machine (browsers drop `Secure`
    /// cookies there otherwise).
    public static func defaultCookieSecure(baseURL: String) -> Bool {
        guard let url = URL(string: baseURL), url.scheme == "http" else { return true }
        let host = url.host ?? ""
        return !(host == "localhost" || host == "127.0.0.1" || host == "::1" || host == "[::1]")
    }

    public var servesHTTPS: Bool { publicBaseURL.hasPrefix("https://") }

    /// The public base URL over plain http (same host and port when it is http already).
    static func defaultPKIBaseURL(publicBaseURL: String) -> String {
        publicBaseURL.hasPrefix("https://") ? "http://" + publicBaseURL.dropFirst("https://".count) : publicBaseURL
    }

    /// Reads the configuration from environment variables.
    public static func fromEnvironment(_ env: [String: String] = ProcessInfo.processInfo.environment) throws -> AppConfiguration {
        func value(_ key: String) -> String? {
            guard let text = env[key]?.trimmingCharacters(in: .whitespaces), !text.isEmpty else { return nil }
            return text
        }
        func number(_ key: String, default fallback: Double) throws -> Double {
            guard let text = value(key) else { return fallback }
            guard let parsed = Double(text), parsed > 0 else { throw ConfigurationError("\(key) must be a positive number") }
            return parsed
        }
        /// A number where 0 means "none" (a floor that is off).
        func amount(_ key: String, default fallback: Double) throws -> Double {
            guard let text = value(key) else { return fallback }
            guard let parsed = Double(text), parsed >= 0 else { throw ConfigurationError("\(key) must be a number, 0 or more") }
            return parsed
        }
        func workBits() throws -> Int {
            guard let text = value("AMS_REGISTER_WORK_BITS") else { return 20 }
            guard let bits = Int(text), (0...28).contains(bits) else {
                throw ConfigurationError("AMS_REGISTER_WORK_BITS must be a whole number from 0 (off) to 28")
            }
            return bits
        }
        func flag(_ key: String) throws -> Bool? {
            guard let text = value(key)?.lowercased() else { return nil }
            switch text {
            case "1", "true", "yes", "on": return true
            case "0", "false", "no", "off": return false
            default: throw ConfigurationError("\(key) must be true or false")
            }
        }
        let dataDirectory = value("AMS_DATA_DIR") ?? "data"
        var database = try DatabaseLocation.parse(value("AMS_DATABASE_URL") ?? "sqlite:\(dataDirectory)/ams.sqlite")
        if case .postgres(let url, _) = database, let schema = value("AMS_DATABASE_SCHEMA") {
            guard schema.count <= 63, schema.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }) else {
                throw ConfigurationError("AMS_DATABASE_SCHEMA must be letters, digits and underscores")
            }
            database = .postgres(url: url, searchPath: schema)
        }
        let baseURL = value("AMS_BASE_URL") ?? "http://127.0.0.1:8080"
        guard let parsedBase = URL(string: baseURL), ["http", "https"].contains(parsedBase.scheme ?? ""), parsedBase.host != nil else {
            throw ConfigurationError("AMS_BASE_URL must be an http:// or https:// URL")
        }
        let pkiBaseURL = value("AMS_PKI_BASE_URL")
        if let pkiBaseURL {
            guard let parsed = URL(string: pkiBaseURL), parsed.scheme == "http", parsed.host != nil else {
                throw ConfigurationError("AMS_PKI_BASE_URL must be an http:// URL (CRL and OCSP clients fetch without TLS)")
            }
        }
        func address(_ key: String, _ text: String) throws -> (host: String, port: Int) {
            guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]), (1...65535).contains(port) else {
                throw ConfigurationError("\(key) must be HOST:PORT")
            }
            return (String(text[..<colon]).trimmingCharacters(in: CharacterSet(charactersIn: "[]")), port)
        }
        let listen = try address("AMS_LISTEN", value("AMS_LISTEN") ?? "127.0.0.1:8080")
        var smtp: SMTPSettings?
        if let host = value("AMS_SMTP_HOST") {
            guard let security = SMTPSettings.Security(rawValue: (value("AMS_SMTP_TLS") ?? "starttls").lowercased()) else {
                throw ConfigurationError("AMS_SMTP_TLS must be none, starttls or tls")
            }
            let defaultPort = security == .tls ? 465 : 587
            guard let smtpPort = Int(value("AMS_SMTP_PORT") ?? String(defaultPort)), (1...65535).contains(smtpPort) else {
                throw ConfigurationError("AMS_SMTP_PORT must be a port number")
            }
            guard let sender = value("AMS_SMTP_FROM"), EmailAddress(sender) != nil else {
                throw ConfigurationError("AMS_SMTP_FROM must be the sender's e-mail address when AMS_SMTP_HOST is set")
            }
            smtp = SMTPSettings(host: host, port: smtpPort, security: security, username: value("AMS_SMTP_USERNAME"),
                                password: env["AMS_SMTP_PASSWORD"], senderAddress: sender,
                                senderName: value("AMS_SMTP_FROM_NAME") ?? "AMS", trustRootsFile: value("AMS_SMTP_CA_FILE"),
                                heloName: parsedBase.host ?? "ams.localhost")
        }
        let cost = Int(value("AMS_BCRYPT_COST") ?? "12") ?? -1
        guard (minimumBcryptCost...16).contains(cost) else {
            throw ConfigurationError("AMS_BCRYPT_COST must be between \(minimumBcryptCost) and 16")
        }
        let sessions = SessionPolicy(idleTimeout: try number("AMS_SESSION_IDLE_MINUTES", default: 30) * 60,
                                     absoluteTimeout: try number("AMS_SESSION_ABSOLUTE_HOURS", default: 12) * 3600)
        let tokens = TokenPolicy(initialPasswordLifetime: try number("AMS_INITIAL_PASSWORD_HOURS", default: 72) * 3600,
                                 passwordResetLifetime: try number("AMS_RESET_LINK_MINUTES", default: 60) * 60,
                                 activationLinkLifetime: try number("AMS_ACTIVATION_LINK_DAYS", default: 7) * 86400)
        var configuration = AppConfiguration(
            database: database, publicBaseURL: baseURL, pkiBaseURL: pkiBaseURL.map { $0.hasSuffix("/") ? String($0.dropLast()) : $0 },
            listenHost: listen.host, listenPort: listen.port,
            dataDirectory: dataDirectory, secretKeyFile: value("AMS_SECRET_KEY_FILE") ?? "\(dataDirectory)/ams-secret.key",
            smtp: smtp, cookieSecure: try flag("AMS_COOKIE_SECURE"),
            sessionPolicy: sessions, tokenPolicy: tokens, bcryptCost: cost,
            trustForwardedFor: try flag("AMS_TRUST_X_FORWARDED_FOR") ?? false,
            mailPollInterval: try number("AMS_MAIL_POLL_SECONDS", default: 5),
            attachmentDirectory: value("AMS_ATTACHMENT_DIR"),
            uploadMaxBytes: Int(try number("AMS_UPLOAD_MAX_MB", default: 2) * 1024 * 1024),
            timeStandards: TimeStandards(Dictionary(uniqueKeysWithValues: try WorkflowStep.allCases.map { step in
                (step, try number("AMS_SLA_\(step.rawValue.uppercased())_MINUTES", default: step.sopStandard / 60) * 60)
            })),
            certificates: try CertificateSettings.fromEnvironment(value, flag: flag, dataDirectory: dataDirectory),
            certificateMaintenanceInterval: try number("AMS_CERT_MAINTENANCE_SECONDS", default: 300),
            mailStaleClaimAfter: try number("AMS_MAIL_STALE_CLAIM_SECONDS", default: 600),
            databasePoolTimeout: try number("AMS_DATABASE_POOL_TIMEOUT_SECONDS", default: 10))
            .with(submissionLimits: SubmissionLimits(
                perAddressPerHour: Int(try number("AMS_REGISTER_PER_ADDRESS_HOUR", default: 5)),
                globalPerHour: Int(try number("AMS_REGISTER_GLOBAL_HOUR", default: 300)),
                openPerMailDomain: Int(try number("AMS_REGISTER_OPEN_PER_DOMAIN", default: 2000)),
                freeDiskFloorBytes: Int64(try amount("AMS_UPLOAD_DISK_FLOOR_MB", default: 1024) * 1024 * 1024),
                workBits: try workBits()),
                  httpIdleTimeout: max(1, try number("AMS_HTTP_IDLE_SECONDS", default: 60)),
                  bodyReads: BodyReadLimits(seconds: try number("AMS_HTTP_BODY_SECONDS", default: 120),
                                            perAddress: Int(try number("AMS_UPLOADS_PER_ADDRESS", default: 8)),
                                            inFlight: Int(try number("AMS_UPLOADS_IN_FLIGHT", default: 64))),
                  branding: try Branding.fromEnvironment(value),
                  operatorDigestInterval: try amount("AMS_DIGEST_MINUTES", default: 60) * 60,
                  signing: SigningSettings(maximumDocumentBytes: Int(try amount("AMS_SIGN_MAX_MB", default: 20) * 1024 * 1024),
                                           keyOpenings: max(1, Int(try number("AMS_SIGN_KEY_OPENINGS", default: 4))),
                                           secondFactorRequired: try flag("AMS_SIGN_SECOND_FACTOR") ?? true,
                                           pdfjsDirectory: value("AMS_PDFJS_DIR") ?? "/usr/share/javascript/pdf/build"))
            .with(metricsListen: try value("AMS_METRICS_LISTEN").map { try address("AMS_METRICS_LISTEN", $0) },
                  metricsToken: env["AMS_METRICS_TOKEN"].flatMap { $0.isEmpty ? nil : $0 },
                  ocspListen: try value("AMS_OCSP_LISTEN").map { try address("AMS_OCSP_LISTEN", $0) })
        configuration.assetsDirectory = value("AMS_ASSETS_DIR")
        return configuration
    }

    private func with(metricsListen: (host: String, port: Int)?, metricsToken: String?,
                      ocspListen: (host: String, port: Int)?) -> AppConfiguration {
        var copy = self
        copy.metricsListen = metricsListen
        copy.metricsToken = metricsToken
        copy.ocspListen = ocspListen
        return copy
    }

    private func with(submissionLimits: SubmissionLimits, httpIdleTimeout: Double, bodyReads: BodyReadLimits,
                      branding: Branding, operatorDigestInterval: TimeInterval, signing: SigningSettings) -> AppConfiguration {
        var copy = self
        copy.signing = signing
        copy.branding = branding
        copy.operatorDigestInterval = operatorDigestInterval
        copy.submissionLimits = submissionLimits
        copy.httpIdleTimeout = httpIdleTimeout
        copy.bodyReads = bodyReads
        return copy
    }
}
