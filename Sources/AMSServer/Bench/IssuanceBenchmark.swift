import AMSCore
import AMSPKI
import Fluent
import Foundation
import X509

/// Issuance of P-256 certificates through AMSPKI and persisted to SQLite (intent, signature, storage with audit
/// entries and mail, in batches), against the raw ECDSA P-256 signing rate of the same key on one core.
struct IssuanceBenchmark {
    struct Result: Sendable {
        let certificates: Int
        let batchSize: Int
        let rawSignaturesPerSecond: Double
        let pkiOnlyPerSecond: Double
        let persistedPerSecond: Double
        var ratio: Double { persistedPerSecond / rawSignaturesPerSecond }
    }

    let fixture: BenchFixture
    let count: Int
    let batchSize: Int

    func run() async throws -> Result {
        let services = fixture.app.ams
        let issuing = fixture.loaded.issuing
        // a real TBS to sign, from a sample certificate
        let sampleKey = try SigningKey.generate(.p256)
        let holder = HolderIdentity(fullName: "Contoh Pemegang", email: "contoh@bench.go.id", agencyName: "Instansi Uji Kinerja",
                                    unit: "Bidang 1", nik: nil)
        let sample = try issuing.issueHolderCertificate(serial: services.serials.next(), publicKey: sampleKey.publicKey, holder: holder,
                                                        notBefore: Date(), profile: services.certificateProfile, endpoints: services.pkiEndpoints)
        let tbs = Array(sample.tbsCertificateBytes)
        let raw = try Self.rate(seconds: 2) { _ = try issuing.key.sign(tbs) }
        let writer = try HolderCertificateWriter(issuer: issuing, profile: services.certificateProfile, endpoints: services.pkiEndpoints)
        let spki = try sampleKey.publicKey.derBytes
        let pkiOnly = try Self.rate(seconds: 2) {
            _ = try writer.issue(serial: services.serials.next(), subjectPublicKeyInfo: spki, holder: holder, notBefore: Date())
        }
        try await fixture.pendingRequests(count, prefix: "issue")
        let approver = UserModel(id: UUID(), username: "bench.ca", email: "ca@bench.go.id", fullName: "Operator CA", role: .caOperator,
                                 agencyID: nil, passwordHash: "-", passwordIsInitial: false, initialPasswordExpiresAt: nil, locale: "id",
                                 now: Date())
        try await approver.create(on: fixture.app.db)
        let service = CertificateService(services: services, database: fixture.app.db, threadPool: fixture.app.threadPool)
        let start = DispatchTime.now().uptimeNanoseconds
        var issued = 0
        // as a CA operator approves a page of the queue ("approve selected"): read the pending requests, approve them
        while true {
            let batch = try await ModelReader<CertificateModel>(where: [.equals("status", .raw(CertificateStatus.pending))], limit: batchSize)
                .all(on: fixture.app.db)
            if batch.isEmpty { break }
            let versions = Dictionary(uniqueKeysWithValues: batch.map { ($0.id!, $0.version) })
            issued += try await service.approveMany(batch, expectedVersions: versions, by: approver, context: .system("bench")).count
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        guard issued == count else { throw BenchFailure("issued \(issued) of \(count)") }
        return Result(certificates: count, batchSize: batchSize, rawSignaturesPerSecond: raw, pkiOnlyPerSecond: pkiOnly,
                      persistedPerSecond: Double(count) / seconds)
    }

    /// Operations per second of `body` on the calling thread for about `seconds`.
    static func rate(seconds: Double, _ body: () throws -> Void) throws -> Double {
        let start = DispatchTime.now().uptimeNanoseconds
        let deadline = start + UInt64(seconds * 1e9)
        var operations = 0
        var now = start
        while now < deadline {
            for _ in 0..<50 { try body() }
            operations += 50
            now = DispatchTime.now().uptimeNanoseconds
        }
        return Double(operations) / (Double(now - start) / 1e9)
    }
}
