import Foundation

/// How the delivery worker reaches the mail server.
public struct SMTPSettings: Sendable, Equatable {
    public enum Security: String, Sendable, Equatable {
        /// Plain SMTP (only sensible on loopback or a trusted relay).
        case none
        /// Plain connection upgraded with STARTTLS; refuses to continue if the server does not offer it.
        case starttls
        /// TLS from the first byte (SMTPS, usually port 465).
        case tls
    }

    public var host: String
    public var port: Int
    public var security: Security
    public var username: String?
    public var password: String?
    /// The envelope and header sender, e.g. `AMS <no-reply@ca.example.go.id>`.
    public var senderAddress: String
    public var senderName: String
    /// PEM file of extra trusted roots (a private relay's CA); the system roots are used otherwise.
    public var trustRootsFile: String?
    /// Name presented in EHLO.
    public var heloName: String
    /// Give up a connection attempt or a reply after this many seconds.
    public var timeoutSeconds: Int64

    public init(host: String, port: Int, security: Security, username: String? = nil, password: String? = nil,
                senderAddress: String, senderName: String = "AMS", trustRootsFile: String? = nil,
                heloName: String = "ams.localhost", timeoutSeconds: Int64 = 20) {
        self.host = host
        self.port = port
        self.security = security
        self.username = username
        self.password = password
        self.senderAddress = senderAddress
        self.senderName = senderName
        self.trustRootsFile = trustRootsFile
        self.heloName = heloName
        self.timeoutSeconds = timeoutSeconds
    }
}
