import AMSCore
import Crypto
import Fluent
import Foundation
import SQLKit

/// Registration requests made up in bulk for trying AMS at national size: spread over the past year, most of them
/// finished (accounts made) and a realistic share still waiting in each SOP step, each with the step timings the
/// time-standard report reads.
package struct SyntheticRegistrations {
    package let agencyIDs: [UUID]
    /// Who ends agency steps (per agency) and CA steps, for the report's per-operator rows.
    package let agencyOperators: [UUID: [UUID]]
    package let caOperators: [UUID]
    package let now: Date

    static let givenNames = ["Budi", "Siti", "Agus", "Dewi", "Eko", "Rina", "Andi", "Sri", "Hendra", "Wahyu", "Nur", "Ahmad", "Putri",
                             "Rudi", "Yuni", "Bambang", "Indah", "Joko", "Lestari", "Fajar", "Ratna", "Dedi", "Maya", "Teguh"]
    static let surnames = ["Santoso", "Wijaya", "Pratama", "Saputra", "Hidayat", "Kusuma", "Lubis", "Siregar", "Nasution", "Wibowo",
                           "Setiawan", "Rahayu", "Gunawan", "Harahap", "Simanjuntak", "Purnomo", "Halim", "Susanto"]

    /// How a made-up request stands, by its share per ten thousand: most are finished, the rest wait in a step.
    static let statusShares: [(RegistrationStatus, Int)] = [
        (.verified, 9_000), (.withdrawn, 150), (.closed, 100), (.newRequestRequested, 50), (.submitted, 200), (.returnedByAgency, 30),
        (.forwardedToCA, 150), (.activationSent, 150), (.dataReturned, 20), (.dataSubmitted, 100), (.agencyConfirmed, 50),
    ]

    package init(agencyIDs: [UUID], agencyOperators: [UUID: [UUID]], caOperators: [UUID], now: Date) {
        self.agencyIDs = agencyIDs
        self.agencyOperators = agencyOperators
        self.caOperators = caOperators
        // whole seconds, as people read them: every made-up duration is then exact on both engines
        self.now = Date(timeIntervalSince1970: now.timeIntervalSince1970.rounded(.down))
    }

    /// Appends `count` requests (numbered from `first`, so that several calls never clash) and their step timings.
    /// Rows go in as plain multi-row INSERTs, a thousand requests per transaction (the models' own inserts are several
    /// times slower, which matters at a million).
    package func append(_ count: Int, first: Int = 0, on database: any Database, progress: (Int) -> Void = { _ in }) async throws {
        var random = SeedSequence(UInt64(first) &+ 20)
        var made = 0
        while made < count {
            var requests: [RegistrationRequestModel] = []
            var timings: [StepTimingModel] = []
            for index in (first + made)..<(first + min(made + 1000, count)) {
                let (request, steps) = make(index, &random)
                requests.append(request)
                timings += steps
            }
            try await WriteTransaction.run(on: database) { [requests, timings] db in
                let sql = db as! any SQLDatabase
                try await Self.insert(requests, on: sql)
                // a statement stays under both engines' limits on bound values
                for start in stride(from: 0, to: timings.count, by: 2000) {
                    try await Self.insert(Array(timings[start..<min(start + 2000, timings.count)]), on: sql)
                }
            }
            made += requests.count
            progress(made)
        }
    }

    private static func insert(_ requests: [RegistrationRequestModel], on sql: any SQLDatabase) async throws {
        let insert = sql.insert(into: RegistrationRequestModel.schema).columns([
            "id", "tracking_number", "status", "version", "agency_id", "full_name", "given_name", "surname", "nip", "nik", "email",
            "phone", "unit", "position", "status_token_hash", "locale", "current_step", "step_started_at", "created_at", "updated_at",
        ])
        for request in requests {
            insert.values([
                SQLBind(request.id!), SQLBind(request.trackingNumber), SQLBind(request.status.rawValue), SQLBind(request.version),
                SQLBind(request.$agency.id), SQLBind(request.fullName), SQLBind(request.givenName), SQLBind(request.surname),
                SQLBind(request.nip), SQLBind(request.nik), SQLBind(request.email), SQLBind(request.phone), SQLBind(request.unit),
                SQLBind(request.position), SQLBind(request.statusTokenHash), SQLBind(request.locale), SQLBind(request.currentStep?.rawValue),
                SQLBind(request.stepStartedAt), SQLBind(request.createdAt), SQLBind(request.updatedAt),
            ] as [any SQLExpression])
        }
        try await insert.run()
    }

    private static func insert(_ timings: [StepTimingModel], on sql: any SQLDatabase) async throws {
        guard !timings.isEmpty else { return }
        let insert = sql.insert(into: StepTimingModel.schema).columns(["id", "request_id", "agency_id", "step", "started_at", "ended_at", "ended_by_id"])
        for timing in timings {
            insert.values([
                SQLBind(timing.id ?? UUID()), SQLBind(timing.$request.id), SQLBind(timing.agencyID), SQLBind(timing.step.rawValue),
                SQLBind(timing.startedAt), SQLBind(timing.endedAt), SQLBind(timing.endedByID),
            ] as [any SQLExpression])
        }
        try await insert.run()
    }

    private func make(_ index: Int, _ random: inout SeedSequence) -> (RegistrationRequestModel, [StepTimingModel]) {
        let status = Self.status(random.below(10_000))
        let agencyID = agencyIDs[index % agencyIDs.count]
        let created = now.addingTimeInterval(-Double(random.below(365 * 86_400)) - 3600)
        let request = RegistrationRequestModel()
        request.id = TimeOrderedUUID.make(at: created, random: random.bytes(10))
        request.createdAt = created
        request.version = 1
        request.trackingNumber = Self.trackingNumber(index)
        request.status = status
        let given = Self.givenNames[random.below(Self.givenNames.count)]
        let surname = Self.surnames[random.below(Self.surnames.count)]
        request.fullName = "\(given) \(surname)"
        request.givenName = given
        request.surname = surname
        let born = 1960 + random.below(40)
        request.nip = String(format: "%04d%02d%02d%04d%02d%d%03d", born, 1 + random.below(12), 1 + random.below(28), born + 24,
                             1 + random.below(12), 1 + random.below(2), index % 1000)
        request.nik = Self.nik(index, &random)
        request.email = "pegawai\(index)@instansi.go.id"
        request.phone = "08\(1_000_000_000 + index)"
        request.unit = "Bidang \(random.below(12) + 1)"
        request.position = "Analis Kebijakan"
        request.statusTokenHash = SHA256.hash(data: Data("seed-\(index)-\(random.next())".utf8)).map { String(format: "%02x", $0) }.joined()
        request.locale = "id"
        request.$agency.id = agencyID
        // the steps passed, each within a few minutes (sometimes over its standard), then the one waited in now
        var timings: [StepTimingModel] = []
        var clock = created
        let passed = Self.stepsPassed(status)
        for step in passed {
            let timing = StepTimingModel(requestID: request.id!, agencyID: agencyID, step: step, startedAt: clock)
            clock = clock.addingTimeInterval(Double(20 + random.below(600)))
            timing.endedAt = clock
            timing.endedByID = operatorFor(step, agencyID: agencyID, &random)
            timings.append(timing)
        }
        request.updatedAt = clock
        if let step = WorkflowStep.current(for: status) {
            // waiting since some time in the last two weeks, whenever it was made
            let since = max(clock, now.addingTimeInterval(-Double(random.below(14 * 86_400)) - 60))
            request.currentStep = step
            request.stepStartedAt = since
            request.updatedAt = since
            timings.append(StepTimingModel(requestID: request.id!, agencyID: agencyID, step: step, startedAt: since))
        }
        return (request, timings)
    }

    private func operatorFor(_ step: WorkflowStep, agencyID: UUID, _ random: inout SeedSequence) -> UUID? {
        let pool = step == .caRegistration || step == .verification ? caOperators : (agencyOperators[agencyID] ?? [])
        return pool.isEmpty ? nil : pool[random.below(pool.count)]
    }

    static func status(_ draw: Int) -> RegistrationStatus {
        var left = draw
        for (status, share) in statusShares {
            if left < share { return status }
            left -= share
        }
        return .verified
    }

    /// The timed steps a request in `status` has finished.
    static func stepsPassed(_ status: RegistrationStatus) -> [WorkflowStep] {
        switch status {
        case .submitted, .returnedByAgency, .withdrawn: return []
        case .forwardedToCA, .closed, .newRequestRequested: return [.agencyCheck]
        case .activationSent: return [.agencyCheck, .caRegistration]
        case .dataSubmitted, .agencyConfirmed, .dataReturned: return [.agencyCheck, .caRegistration, .applicantData]
        case .verified: return WorkflowStep.allCases
        }
    }

    /// Sixteen digits, a province-like code first and the index last: unique by construction.
    static func nik(_ index: Int, _ random: inout SeedSequence) -> String {
        String(format: "%02d%04d%010d", 11 + index % 80, random.below(10_000), index)
    }

    /// `AMS-XXXX-XXXX` from the index through a 40-bit bijection: unique without asking the database.
    static func trackingNumber(_ index: Int) -> String {
        var value = SeedSequence.scrambled40(index)
        var symbols: [Character] = []
        for _ in 0..<8 {
            symbols.append(TrackingNumber.alphabet[Int(value & 31)])
            value >>= 5
        }
        return "AMS-" + String(symbols[0..<4]) + "-" + String(symbols[4..<8])
    }
}
