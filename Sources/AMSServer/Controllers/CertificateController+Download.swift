import AMSCore
import AMSPKI
import Fluent
import Foundation
import Vapor

/// A certificate's page and its downloads (PEM, DER, chain, PKCS#7).
extension CertificateController {
    @Sendable func detail(req: Request) async throws -> Response {
        let (record, user) = try await load(req)
        return try await req.renderPage("certificate", titleKey: "certificate_title", page: CertificatePage.make(record, for: user, req))
    }

    @Sendable func download(req: Request) async throws -> Response {
        let (record, _) = try await load(req)
        guard let der = record.certificateDER else { throw DomainError.notFound }
        let loaded = try await req.ams.caKeys.current(on: req.db)
        let name = "ams-\(record.serialHex ?? "certificate")"
        let (body, type, filename): ([UInt8], String, String)
        switch req.parameters.get("file") {
        case "certificate.pem": (body, type, filename) = (Array(PEM.encode(Array(der), label: "CERTIFICATE").utf8), "application/x-pem-file", "\(name).pem")
        case "certificate.der": (body, type, filename) = (Array(der), "application/pkix-cert", "\(name).cer")
        case "chain.pem":
            let chain = [Array(der), loaded.issuing.der, loaded.root.der].map { PEM.encode($0, label: "CERTIFICATE") }.joined()
            (body, type, filename) = (Array(chain.utf8), "application/x-pem-file", "\(name)-chain.pem")
        case "chain.p7b":
            (body, type, filename) = (try PKCS7CertificateBundle.der(certificates: [Array(der), loaded.issuing.der, loaded.root.der]),
                                      "application/pkcs7-mime", "\(name).p7b")
        default: throw DomainError.notFound
        }
        let response = Response(status: .ok, body: .init(data: Data(body)))
        response.headers.replaceOrAdd(name: .contentType, value: type)
        response.headers.replaceOrAdd(name: .contentDisposition, value: "attachment; filename=\"\(filename)\"")
        return response
    }
}
