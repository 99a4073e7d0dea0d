@testable import AMSServer
import AMSCore
import AMSPKI
import AMSTestTools
import Crypto
import Fluent
import Foundation
import SwiftASN1
import Testing
import Vapor
import VaporTesting
import X509

/// The CA, verified holders and issued certificates, for the certificate tests.
extension TestApp {
    static let passphrase = "kopi tubruk di pagi hari"

    /// Creates the CA hierarchy as the first start would.
    @discardableResult
    func certificateAuthority() async throws -> LoadedAuthorities {
        try await CertificateAuthoritySetup(services: services)
            .initialize(settings: services.configuration.certificates, context: .system("test"), on: db)
        return try await services.caKeys.current(on: db)
    }

    /// An applicant whose identity was verified (as SOP step 4 leaves it).
    func verifiedHolder(_ username: String = "199005052015032001", agency: AgencyModel, fullName: String = "Siti Rahmawati",
                        unit: String = "Bidang Persandian") async throws -> UserModel {
        let holder = try await user(username, role: .applicant, agency: agency)
        holder.fullName = fullName
        holder.position = "Pranata Komputer"
        holder.unit = unit
        holder.markVerified(at: clock.now)
        try await holder.save(on: db)
        return holder
    }

    /// A CA, an agency, a CA operator and `count` verified holders who have each requested a certificate with the
    /// key `source` gives for their index.
    func pendingBatch(_ count: Int, source: (Int) throws -> CertificateService.KeySource) async throws
        -> (caOperator: UserModel, service: CertificateService, pending: [CertificateModel]) {
        try await certificateAuthority()
        let agency = try await agency()
        let caOperator = try await user("op.ca", role: .caOperator)
        let service = certificateService()
        var pending: [CertificateModel] = []
        for index in 0..<count {
            let holder = try await verifiedHolder("1991060620160320" + String(format: "%02d", index), agency: agency, fullName: "Pemegang \(index)")
            pending.append(try await service.request(holder: holder, source: try source(index), context: .system("test")))
        }
        return (caOperator, service, pending)
    }

    /// A key source of a fresh P-256 key's PKCS#10 request, made in process (no openssl).
    static func csrSource(commonName: String) throws -> CertificateService.KeySource {
        let request = try CertificateSigningRequest(
            version: .v1, subject: try DistinguishedName { CommonName(commonName) },
            privateKey: Certificate.PrivateKey(P256.Signing.PrivateKey()), attributes: CertificateSigningRequest.Attributes(),
            signatureAlgorithm: .ecdsaWithSHA256)
        var serializer = DER.Serializer()
        try serializer.serialize(request)
        return .csr(serializer.serializedBytes)
    }

    func certificateService() -> CertificateService {
        CertificateService(services: services, database: db, threadPool: app.threadPool)
    }

    /// A certificate requested with a passphrase and approved by `approver`, through the service.
    func issuedCertificate(for holder: UserModel, approver: UserModel) async throws -> CertificateModel {
        let service = certificateService()
        let record = try await service.request(holder: holder, source: .passphrase(Self.passphrase, confirmation: Self.passphrase),
                                               context: .system("test"))
        if record.status == .issued { return record }
        return try await service.approve(record, expectedVersion: record.version, by: approver, context: .system("test"))
    }

    /// The usual world of a certificate test: the CA, an agency, a verified holder and a CA operator, and one
    /// certificate issued to the holder with a passphrase-protected key.
    func issuedWorld() async throws
        -> (loaded: LoadedAuthorities, agency: AgencyModel, holder: UserModel, caOperator: UserModel, record: CertificateModel) {
        let loaded = try await certificateAuthority()
        let agency = try await agency()
        let holder = try await verifiedHolder(agency: agency)
        let caOperator = try await user("op.ca", role: .caOperator)
        return (loaded, agency, holder, caOperator, try await issuedCertificate(for: holder, approver: caOperator))
    }

    func record(_ id: UUID?) async throws -> CertificateModel {
        try #require(try await CertificateModel.find(id, on: db))
    }
}

extension TestApp {
    /// Starts the HTTP server on a free loopback port for external clients (openssl ocsp); returns the port.
    func startLiveServer() async throws -> Int {
        try await app.server.start(address: .hostname("127.0.0.1", port: 0))
        return try #require(app.http.server.shared.localAddress?.port)
    }

    /// Stops the server started by ``startLiveServer()``, answering the requests in flight first (a no-op when it is
    /// stopped; the application's shutdown stops it when a test did not: ``HTTPServerDrain``).
    func stopLiveServer() async {
        await app.server.shutdown()
    }
}

/// `openssl ocsp` as the client of a responder, with the chain written to files.
struct OCSPClient {
    let folder: ScratchFolder
    let url: String
    let rootPath: String
    let issuingPath: String

    init(port: Int, loaded: LoadedAuthorities, path: String = "/pki/ocsp") throws {
        folder = try ScratchFolder("ams-ocsp")
        url = "http://127.0.0.1:\(port)\(path)"
        rootPath = try folder.write("root.pem", PEM.encode(loaded.root.der, label: "CERTIFICATE"))
        issuingPath = try folder.write("issuing.pem", PEM.encode(loaded.issuing.der, label: "CERTIFICATE"))
    }

    /// Asks about a certificate (DER) or a bare serial; `nonce` false sends none.
    func ask(certificate: [UInt8]? = nil, serial: String? = nil, nonce: Bool = true) async throws -> ExternalTool.Output {
        var arguments = ["openssl", "ocsp", "-issuer", issuingPath]
        if let certificate { arguments += ["-cert", try folder.write("leaf.pem", PEM.encode(certificate, label: "CERTIFICATE"))] }
        if let serial { arguments += ["-serial", "0x" + serial] }
        arguments += ["-url", url, "-CAfile", rootPath, "-verify_other", issuingPath, "-req_text", "-resp_text", "-timeout", "20"]
        if !nonce { arguments.append("-no_nonce") }
        return try await ExternalTool.runDetached(arguments)
    }

    /// The request openssl would send, as DER (for requests made by hand: GET, pkilint).
    func request(certificate: [UInt8], nonce: Bool) throws -> [UInt8] {
        var arguments = ["openssl", "ocsp", "-issuer", issuingPath,
                         "-cert", try folder.write("leaf.pem", PEM.encode(certificate, label: "CERTIFICATE")),
                         "-reqout", folder.path("request.der")]
        if !nonce { arguments.append("-no_nonce") }
        let output = try ExternalTool.run(arguments)
        #expect(output.status == 0, "\(output.combined)")
        return try folder.read("request.der")
    }

    /// The request as a GET carries it after `/pki/ocsp/` (RFC 6960 A.1): base64, then URL-encoded.
    func getPathPart(certificate: [UInt8], nonce: Bool) throws -> String {
        Self.getPathPart(try request(certificate: certificate, nonce: nonce))
    }

    static func getPathPart(_ request: [UInt8]) -> String {
        Data(request).base64EncodedString().addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
    }

    /// The nonce lines of a `-req_text -resp_text` run: the request's and the response's.
    static func nonces(in text: String) -> [String] {
        let lines = text.components(separatedBy: "\n")
        return lines.indices.compactMap { index in
            lines[index].contains("OCSP Nonce") && index + 1 < lines.count ? lines[index + 1].trimmingCharacters(in: .whitespaces) : nil
        }
    }
}
