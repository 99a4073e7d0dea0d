import AMSServer
import AMSCore
import Fluent
import Foundation

/// Issuance as a CA operator does it, on one engine: "approve selected" over pages of the pending queue
/// (certificates per second, persisted with audit entries and mail), then single approvals one at a time (latency).
struct IssuanceBenchmark {
    struct Result: Sendable {
        let engine: String
        let certificates: Int
        let batchSize: Int
        let batchedPerSecond: Double
        let singles: Int
        let singleP50: Double
        let singleP99: Double
    }

    let fixture: BenchFixture
    let count: Int
    let batchSize: Int
    let singles: Int

    func run() async throws -> Result {
        let db = fixture.app.db
        try await fixture.pendingRequests(count + singles, prefix: "issue")
        let approver = UserModel(id: UUID(), username: "bench.ca", email: "ca@bench.go.id", fullName: "Operator CA", role: .caOperator,
                                 agencyID: nil, passwordHash: "-", passwordIsInitial: false, initialPasswordExpiresAt: nil, locale: "id",
                                 now: Date())
        try await approver.create(on: db)
        let service = CertificateService(services: fixture.app.ams, database: db, threadPool: fixture.app.threadPool)
        func pending(_ limit: Int) async throws -> [CertificateModel] {
            try await CertificateModel.query(on: db).filter(\.$status == .pending).sort(\.$requestedAt).limit(limit).all()
        }
        // approve selected: a page of the queue at a time
        let start = DispatchTime.now().uptimeNanoseconds
        var issued = 0
        while issued < count {
            let batch = try await pending(min(batchSize, count - issued))
            let versions = Dictionary(uniqueKeysWithValues: batch.map { ($0.id!, $0.version) })
            issued += try await service.approveMany(batch, expectedVersions: versions, by: approver, context: .system("bench")).count
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        // single approvals, each timed from the request's read to its commit
        var latencies: [Double] = []
        for _ in 0..<singles {
            let began = DispatchTime.now().uptimeNanoseconds
            guard let record = try await pending(1).first else { throw BenchFailure("no pending request left") }
            _ = try await service.approve(record, expectedVersion: record.version, by: approver, context: .system("bench"))
            latencies.append(Double(DispatchTime.now().uptimeNanoseconds - began) / 1e6)
        }
        latencies.sort()
        func percentile(_ p: Double) -> Double { latencies.isEmpty ? 0 : latencies[min(latencies.count - 1, Int(Double(latencies.count) * p))] }
        return Result(engine: fixture.engine, certificates: count, batchSize: batchSize, batchedPerSecond: Double(count) / seconds,
                      singles: singles, singleP50: percentile(0.50), singleP99: percentile(0.99))
    }
}
