import Foundation

/// The public URLs written into certificates (CRL distribution point, AIA) and served by AMS.
public struct PKIEndpoints: Sendable, Equatable {
    /// Base URL, e.g. `https://ams.example.go.id`, without a trailing slash.
    public var baseURL: String

    public init(baseURL: String) {
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
    }

    public func crlURL(for caLabel: String) -> String { "\(baseURL)/pki/crl/\(caLabel).crl" }
    public func caCertificateURL(for caLabel: String) -> String { "\(baseURL)/pki/ca/\(caLabel).crt" }
    public var ocspURL: String { "\(baseURL)/pki/ocsp" }
}
