import AMSCore
import AMSPKI
import AMSServer
import Crypto
import Foundation
import SQLKit
import Vapor
import X509

/// Signing speed (issue 17): AMS's PAdES B-T signing with an opened key against pyHanko signing the same one-page
/// document with the same key and certificate; a 20 MB document against the time `openssl dgst -sha256` takes to hash
/// it; 32 signing requests with passphrases at once over HTTP (`/api/v2/sign/pdf`, production scrypt cost, the
/// configured key-opening permits): how long, whether any failed, and the serving process's peak memory; and the
/// national API's bulk call with 50 files against one key opening plus 50 signings.
struct SigningBenchmark {
    struct Result {
        let amsOnePagePerSecond: Double
        let pyHankoOnePagePerSecond: Double?
        let largeBytes: Int
        let amsLargeSeconds: Double
        let opensslLargeSeconds: Double
        let concurrentRequests: Int
        let permits: Int
        let concurrentSeconds: Double
        let concurrentFailures: Int
        let peakBeforeKiB: Int
        let peakKiB: Int
        /// One key opening alone (scrypt 2^17), and `/api/v2/sign/pdf` with ``apiBulkFiles`` one-page files over HTTP.
        let keyOpeningSeconds: Double
        let apiBulkFiles: Int
        let apiBulkSeconds: Double
        /// Verification (issue 19): signatures verified a second by AMS and by pyHanko's validator on the same
        /// AMS-signed corpus documents (no network), and the 20 MiB document's verification time.
        let amsVerificationsPerSecond: Double
        let pyHankoVerificationsPerSecond: Double?
        let amsLargeVerificationSeconds: Double
    }

    let fixture: BenchFixture
    /// Where the PDF corpus is (the repository's `Tests/Fixtures/pdf-corpus`).
    let corpus: String
    var onePageRounds = 300
    var pyHankoRounds = 40
    var concurrent = 32
    var apiBulkFiles = 50

    static let passphrase = "kopi tubruk di pagi hari"

    func run(console: any Console) async throws -> Result {
        let app = fixture.app
        guard let tsa = fixture.loaded.tsa else { throw BenchFailure("the fixture's CA has no time-stamping unit") }
        let key = try SigningKey.generate(.p256)
        let identity = HolderIdentity(fullName: "Pemegang Uji Tanda Tangan", email: "ttd@bench.go.id", agencyName: "Instansi Uji Kinerja",
                                      unit: "Bidang Uji", nik: "3578014107900002")
        let now = Date()
        let certificate = try fixture.loaded.issuing.issue(app.ams.certificateProfile, serial: SerialNumberGenerator().next(),
                                                           publicKey: key.publicKey, identity: identity, notBefore: now.addingTimeInterval(-60),
                                                           endpoints: PKIEndpoints(baseURL: "http://127.0.0.1:8080"))
        let certificateDER = try certificate.derBytes
        let cades = CAdESSigner(certificate: certificateDER, key: key, chain: [fixture.loaded.issuing.der])
        func sign(_ pdf: [UInt8], field: String) throws -> [UInt8] {
            try PDFIncrementalSigner().sign(pdf, details: .init(signingTime: Date(), signerName: identity.fullName, fieldName: field)) { parts in
                try cades.sign(digest: key.digest(parts: parts)) { request in
                    try tsa.token(for: request, at: Date(), serial: SerialNumberGenerator().next())
                }.cms
            }
        }

        // 32 requests at once over HTTP, first (the process's peak memory is a high-water mark)
        let onePage = Array(try Data(contentsOf: URL(fileURLWithPath: corpus + "/fpdf2-classic-xref.pdf")))
        let wrapped = try await makeHolder(certificateDER: certificateDER, key: key)
        let server = try await startServer()
        let peakBefore = Self.peakKiB()
        console.print("signing: \(concurrent) requests with passphrases at once over HTTP (scrypt 2^17)…")
        let concurrentRun = try await concurrentRequests(server, onePage: onePage)
        let peakAfterConcurrent = Self.peakKiB()
        console.print("signing: /api/v2/sign/pdf with \(apiBulkFiles) one-page files over HTTP…")
        let apiBulk = try await apiBulk(server, onePage: onePage)
        await app.server.shutdown()
        let openingStarted = Date()
        _ = try PassphraseKeyWrap.unwrap(wrapped, passphrase: Self.passphrase, algorithm: .p256)
        let keyOpening = Date().timeIntervalSince(openingStarted)

        // one page: AMS, then pyHanko with the same key and certificate
        console.print("signing: one-page document, AMS \(onePageRounds)×…")
        let started = Date()
        for round in 0..<onePageRounds { _ = try sign(onePage, field: "AMS\(round)") }
        let amsPerSecond = Double(onePageRounds) / Date().timeIntervalSince(started)
        console.print("signing: one-page document, pyHanko \(pyHankoRounds)×…")
        let pyHanko = try pyHankoPerSecond(onePage: corpus + "/fpdf2-classic-xref.pdf", key: key, certificate: certificateDER)

        // 20 MB: AMS's best of three against openssl hashing the same file
        let large = Self.largeDocument(bytes: 20 * 1024 * 1024)
        let largePath = fixture.folder + "/large.pdf"
        try Data(large).write(to: URL(fileURLWithPath: largePath))
        console.print("signing: 20 MB document…")
        var amsLarge = Double.infinity
        for round in 0..<3 {
            let start = Date()
            _ = try sign(large, field: "Large\(round)")
            amsLarge = min(amsLarge, Date().timeIntervalSince(start))
        }
        var opensslLarge = Double.infinity
        for _ in 0..<3 {
            let outcome = try BenchProcess.measure(["openssl", "dgst", "-sha256", largePath])
            guard outcome.status == 0 else { throw BenchFailure("openssl dgst failed: \(outcome.output)") }
            opensslLarge = min(opensslLarge, outcome.seconds)
        }
        // verification: the corpus signed by AMS as B-LT (revocation data embedded: OCSP for the signer and the TSA, the
        // root's CRL), AMS's verifier against pyHanko's validator, both on that data only; then the 20 MiB one
        console.print("verifying: corpus documents (B-LT), AMS and pyHanko…")
        let store = try validationData(certificate: certificate, tsa: tsa)
        let names = ["fpdf2-classic-xref.pdf", "reportlab-12-pages.pdf", "qpdf-object-streams.pdf", "incremental-update.pdf", "marker-on-last-page.pdf"]
        var signedCorpus: [[UInt8]] = []
        for name in names {
            signedCorpus.append(try store.append(to: try sign(Array(try Data(contentsOf: URL(fileURLWithPath: corpus + "/" + name))), field: "Bench")))
        }
        let verifier = PDFSignatureVerifier(trustRoots: [fixture.loaded.root.certificate]) { _ in .unknown }
        let verifyRounds = 40
        let verifyStarted = Date()
        for _ in 0..<verifyRounds {
            for document in signedCorpus {
                guard let result = try await verifier.verify(document, now: Date()).first, result.indication == .totalPassed,
                      result.revocationSource == .ocsp else {
                    throw BenchFailure("AMS's verifier did not pass a B-LT document AMS signed on its embedded data")
                }
            }
        }
        let amsVerifications = Double(verifyRounds * signedCorpus.count) / Date().timeIntervalSince(verifyStarted)
        let pyHankoVerifications = try pyHankoVerificationsPerSecond(signedCorpus)
        let signedLarge = try sign(large, field: "LargeVerify")
        var amsLargeVerification = Double.infinity
        for _ in 0..<3 {
            let start = Date()
            _ = try await verifier.verify(signedLarge, now: Date())
            amsLargeVerification = min(amsLargeVerification, Date().timeIntervalSince(start))
        }
        return Result(amsOnePagePerSecond: amsPerSecond, pyHankoOnePagePerSecond: pyHanko, largeBytes: large.count,
                      amsLargeSeconds: amsLarge, opensslLargeSeconds: opensslLarge, concurrentRequests: concurrent,
                      permits: fixture.signingPermits, concurrentSeconds: concurrentRun.seconds,
                      concurrentFailures: concurrentRun.failures, peakBeforeKiB: peakBefore, peakKiB: peakAfterConcurrent,
                      keyOpeningSeconds: keyOpening, apiBulkFiles: apiBulkFiles, apiBulkSeconds: apiBulk,
                      amsVerificationsPerSecond: amsVerifications, pyHankoVerificationsPerSecond: pyHankoVerifications,
                      amsLargeVerificationSeconds: amsLargeVerification)
    }

    /// A holder (NIK ``holderNIK``) whose certificate's key is wrapped under the passphrase at production cost;
    /// returns the wrapped key.
    func makeHolder(certificateDER: [UInt8], key: SigningKey) async throws -> [UInt8] {
        let app = fixture.app
        let now = Date()
        let holder = UserModel(id: UUID(), username: "ttd.bench", email: "ttd@bench.go.id", fullName: "Pemegang Uji Tanda Tangan",
                               role: .applicant, agencyID: fixture.agencyID, passwordHash: "-", passwordIsInitial: false,
                               initialPasswordExpiresAt: nil, locale: "id", now: now)
        holder.identityVerifiedAt = now
        holder.nik = Self.holderNIK
        try await holder.create(on: app.db)
        let record = CertificateModel()
        record.$holder.id = holder.id!
        record.$agency.id = fixture.agencyID
        record.status = .issued
        record.method = .generated
        record.profile = app.ams.certificateProfile.name
        record.requestedVia = "web"
        record.requestedBy = holder.username
        record.version = 1
        record.subject = "CN=Pemegang Uji Tanda Tangan"
        record.email = holder.email
        record.keyAlgorithm = KeyAlgorithm.p256.rawValue
        record.publicKey = Data(try key.publicKey.derBytes)
        let wrapped = try PassphraseKeyWrap(cost: .standard).wrap(key, passphrase: Self.passphrase)
        record.wrappedKey = Data(wrapped)
        record.certificateDER = Data(certificateDER)
        record.serialHex = SerialNumberGenerator().next().hexString
        record.notBefore = now.addingTimeInterval(-60)
        record.notAfter = now.addingTimeInterval(365 * 86_400)
        record.requestedAt = now
        record.issuedAt = now
        record.reminderStage = 0
        record.updatedAt = now
        try await record.create(on: app.db)
        return wrapped
    }

    /// AMS's server on loopback with an agency application's key (HTTP Basic user and password) for the API calls.
    struct Server {
        let port: Int
        let credential: String
    }

    func startServer() async throws -> Server {
        let app = fixture.app
        let clear = "ams_" + Data(SerialNumberGenerator.systemRandomBytes(32)).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
        let prefix = String(clear.prefix(10))
        try await (app.db as! any SQLDatabase).raw("""
            INSERT INTO api_keys (id, agency_id, name, key_prefix, key_hash, created_at, requests_per_minute)
            VALUES (\(bind: UUID()), \(bind: fixture.agencyID), 'Bench', \(bind: prefix), \(bind: Array(SHA256.hash(data: Data(clear.utf8))).hexString),
                    \(bind: Date()), 100000)
            """).run()
        try await app.server.start(address: .hostname("127.0.0.1", port: 0))
        guard let port = app.http.server.shared.localAddress?.port else { throw BenchFailure("no port") }
        return Server(port: port, credential: "\(prefix):\(clear)")
    }

    /// `concurrent` calls of `/api/v2/sign/pdf` (one file, the passphrase) at once, over HTTP, each opening the key;
    /// returns the wall time and how many did not answer 200.
    func concurrentRequests(_ server: Server, onePage: [UInt8]) async throws -> (seconds: Double, failures: Int) {
        let bodyPath = fixture.folder + "/one.json"
        try JSONSerialization.data(withJSONObject: ["nik": Self.holderNIK, "passphrase": Self.passphrase,
                                                    "file": [Data(onePage).base64EncodedString()]]).write(to: URL(fileURLWithPath: bodyPath))
        let script = "seq \(concurrent) | xargs -P \(concurrent) -I{} curl -sS -o /dev/null -w '%{http_code}\\n' -u '\(server.credential)' "
            + "-H 'Content-Type: application/json' --data-binary @\(bodyPath) http://127.0.0.1:\(server.port)/api/v2/sign/pdf"
        let started = Date()
        let output = try await BenchProcess.runDetached(["sh", "-c", script])
        let seconds = Date().timeIntervalSince(started)
        let codes = output.split(separator: "\n").map(String.init)
        return (seconds, concurrent - codes.filter { $0 == "200" }.count)
    }

    static let holderNIK = "3578014107900002"

    /// `/api/v2/sign/pdf` with ``apiBulkFiles`` copies of the one-page document, over HTTP on loopback (curl), as an
    /// agency application calls it.
    func apiBulk(_ server: Server, onePage: [UInt8]) async throws -> Double {
        let body: [String: Any] = ["nik": Self.holderNIK, "passphrase": Self.passphrase,
                                   "file": Array(repeating: Data(onePage).base64EncodedString(), count: apiBulkFiles)]
        let bodyPath = fixture.folder + "/bulk.json"
        try JSONSerialization.data(withJSONObject: body).write(to: URL(fileURLWithPath: bodyPath))
        let outcome = try await BenchProcess.runDetached(["curl", "-sS", "-o", fixture.folder + "/bulk-answer.json", "-w", "%{http_code} %{time_total}",
                                                          "-u", server.credential, "-H", "Content-Type: application/json",
                                                          "--data-binary", "@" + bodyPath, "http://127.0.0.1:\(server.port)/api/v2/sign/pdf"])
        let parts = outcome.split(separator: " ")
        guard parts.first == "200", parts.count == 2, let seconds = Double(parts[1]) else {
            throw BenchFailure("the bulk call failed: \(outcome) \((try? String(contentsOfFile: fixture.folder + "/bulk-answer.json", encoding: .utf8)) ?? "")")
        }
        return seconds
    }

    /// pyHanko (PyPI) signing the document `pyHankoRounds` times in one process with the same key and certificate,
    /// without a timestamp (it would need an HTTP TSA); nil when pyHanko is not installed.
    func pyHankoPerSecond(onePage: String, key: SigningKey, certificate: [UInt8]) throws -> Double? {
        let keyDER = fixture.folder + "/holder-key.der", keyPEM = fixture.folder + "/holder-key.pem"
        try Data(key.derRepresentation).write(to: URL(fileURLWithPath: keyDER))
        try BenchProcess.run(["openssl", "pkey", "-inform", "DER", "-in", keyDER, "-out", keyPEM])
        let certificatePath = try fixture.writePEM("holder.pem", der: certificate, label: "CERTIFICATE")
        let chainPath = try fixture.writePEM("issuing.pem", der: fixture.loaded.issuing.der, label: "CERTIFICATE")
        let script = """
        import io, sys, time
        from pyhanko.sign import signers, fields
        from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
        key, cert, chain, pdf, rounds = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5])
        signer = signers.SimpleSigner.load(key, cert, ca_chain_files=(chain,))
        data = open(pdf, "rb").read()
        start = time.perf_counter()
        for round in range(rounds):
            writer = IncrementalPdfFileWriter(io.BytesIO(data))
            signers.sign_pdf(writer, signers.PdfSignatureMetadata(field_name="Py%d" % round, subfilter=fields.SigSeedSubFilter.PADES), signer=signer)
        print("@@rate %.6f" % (rounds / (time.perf_counter() - start)))
        """
        let output = try BenchProcess.run(["python3", "-c", script, keyPEM, certificatePath, chainPath, onePage, String(pyHankoRounds)])
        guard let line = output.split(separator: "\n").last(where: { $0.hasPrefix("@@rate ") }) else { return nil }
        return Double(line.dropFirst(7))
    }

    /// What a B-LT document carries (as ``LongTermValidationService`` makes it): the chain, the TSA's and responder's
    /// certificates, one OCSP answer for the signer's and the TSA's certificates, the root's CRL.
    func validationData(certificate: Certificate, tsa: TimeStampAuthority) throws -> DocumentSecurityStore {
        let loaded = fixture.loaded
        let ocsp = OCSPResponseBuilder(issuer: loaded.issuing, signer: loaded.responder)
        let answers = [Array(certificate.serialNumber.bytes), Array(try Certificate(derEncoded: tsa.unit.der).serialNumber.bytes)].map {
            (query: ocsp.query(forSerial: $0), status: OCSPCertificateStatus.good)
        }
        let now = Date()
        return DocumentSecurityStore(
            certificates: [try certificate.derBytes, loaded.issuing.der, loaded.root.der, tsa.unit.der, loaded.responder.der],
            ocspResponses: [try ocsp.successful(answers: answers, nonce: nil, producedAt: now)],
            crls: [try CRLWriter(issuer: loaded.root).finish(number: 1, thisUpdate: now, nextUpdate: now.addingTimeInterval(7 * 86_400))])
    }

    /// pyHanko's validator (intact, valid, trusted under the fixture's root, the time-stamp checked, revocation data
    /// required and taken from the document's DSS only, no fetching) over
    /// the same documents in one Python process: signatures a second; nil when pyHanko is not installed.
    func pyHankoVerificationsPerSecond(_ documents: [[UInt8]]) throws -> Double? {
        var paths: [String] = []
        for (index, document) in documents.enumerated() {
            let path = fixture.folder + "/verify-\(index).pdf"
            try Data(document).write(to: URL(fileURLWithPath: path))
            paths.append(path)
        }
        let root = try fixture.writePEM("root.pem", der: fixture.loaded.root.der, label: "CERTIFICATE")
        let script = """
        import sys, time
        from asn1crypto import pem, x509
        from pyhanko.pdf_utils.reader import PdfFileReader
        from pyhanko.sign.validation import validate_pdf_signature
        from pyhanko.sign.validation.dss import DocumentSecurityStore
        data = open(sys.argv[1], "rb").read()
        _, _, data = pem.unarmor(data)
        root = x509.Certificate.load(data)
        documents = sys.argv[3:]
        rounds = int(sys.argv[2])
        start = time.perf_counter()
        for _ in range(rounds):
            for name in documents:
                with open(name, "rb") as handle:
                    reader = PdfFileReader(handle)
                    dss = DocumentSecurityStore.read_dss(reader)
                    arguments = dict(trust_roots=[root], allow_fetching=False, revocation_mode="require")
                    for signature in reader.embedded_signatures:
                        status = validate_pdf_signature(signature, dss.as_validation_context(arguments),
                                                        ts_validation_context=dss.as_validation_context(arguments))
                        assert status.intact and status.valid and status.trusted
        print("@@rate %.6f" % (rounds * len(documents) / (time.perf_counter() - start)))
        """
        let output = try BenchProcess.run(["python3", "-c", script, root, "4"] + paths)
        guard let line = output.split(separator: "\n").last(where: { $0.hasPrefix("@@rate ") }) else { return nil }
        return Double(line.dropFirst(7))
    }

    /// A one-page PDF carrying an uncompressed image of `bytes` random bytes (a scanned attachment's size).
    static func largeDocument(bytes: Int) -> [UInt8] {
        let side = Int(Double(bytes / 3).squareRoot())
        var image = [UInt8](repeating: 0, count: side * side * 3)
        var generator = SystemRandomNumberGenerator()
        for index in stride(from: 0, to: image.count, by: 8) {
            var value = generator.next()
            for offset in 0..<min(8, image.count - index) { image[index + offset] = UInt8(truncatingIfNeeded: value); value >>= 8 }
        }
        let drawing = "q 400 0 0 400 97 300 cm /Im1 Do Q"
        let objects: [[UInt8]] = [
            Array("<< /Type /Catalog /Pages 2 0 R >>".utf8),
            Array("<< /Type /Pages /Kids [3 0 R] /Count 1 >>".utf8),
            Array("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /XObject << /Im1 4 0 R >> >> /Contents 5 0 R >>".utf8),
            Array("<< /Type /XObject /Subtype /Image /Width \(side) /Height \(side) /ColorSpace /DeviceRGB /BitsPerComponent 8 /Length \(image.count) >>\nstream\n".utf8)
                + image + Array("\nendstream".utf8),
            Array("<< /Length \(drawing.utf8.count) >>\nstream\n\(drawing)\nendstream".utf8),
        ]
        var out = Array("%PDF-1.7\n".utf8)
        var offsets: [Int] = []
        for (index, body) in objects.enumerated() {
            offsets.append(out.count)
            out += Array("\(index + 1) 0 obj\n".utf8) + body + Array("\nendobj\n".utf8)
        }
        let xref = out.count
        out += Array("xref\n0 \(objects.count + 1)\n0000000000 65535 f\r\n".utf8)
        for offset in offsets { out += Array(String(format: "%010d 00000 n\r\n", offset).utf8) }
        out += Array("trailer\n<< /Size \(objects.count + 1) /Root 1 0 R >>\nstartxref\n\(xref)\n%%EOF\n".utf8)
        return out
    }

    /// This process's peak resident memory so far, in KiB.
    static func peakKiB() -> Int {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return usage.ru_maxrss
    }
}
