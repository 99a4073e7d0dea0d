import AMSServer
import AMSPKI
import Foundation
import Fluent
import SQLKit
import Vapor

/// `ams bench`: the speed report (BENCHMARKS.md), measured in one run on throwaway databases and CAs (never the
/// configured ones): issuance through "approve selected" and single approvals on SQLite and, with `--postgres`, on
/// PostgreSQL; OCSP over HTTP vs `openssl ocsp`; CRL generation vs `openssl ca`. Build with `-c release`;
/// `scripts/bench` does that, starts a throwaway PostgreSQL and installs ApacheBench.
struct BenchCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "certificates", help: "How many certificates to issue through approve selected (default 5000)") var certificates: Int?
        @Option(name: "batch", help: "How many requests one approve-selected takes (default 500)") var batch: Int?
        @Option(name: "singles", help: "How many single approvals to time (default 200)") var singles: Int?
        @Option(name: "postgres", help: "A PostgreSQL URL: also measure issuance there, in a schema of its own") var postgres: String?
        @Flag(name: "postgres-only", help: "With --postgres and --pages, --audit-export or --ocsp-only: measure PostgreSQL alone (a run "
            + "at a million requests seeds for most of an hour per engine)")
        var postgresOnly: Bool
        @Option(name: "crl-sizes", help: "Revoked entries per CRL run, comma-separated (default 100000,1000000)") var crlSizes: String?
        @Option(name: "seconds", help: "Seconds per OCSP load run (default 10)") var seconds: Int?
        @Option(name: "rounds", help: "Rounds of the OCSP goals' pairs, each measured in turn, or of the audit export and "
            + "verification (default 3)")
        var rounds: Int?
        @Option(name: "report", help: "Also write the report (Markdown) to this file") var report: String?
        @Flag(name: "issuance-only", help: "Measure issuance only (for profiling); no report") var issuanceOnly: Bool
        @Flag(name: "signing-only", help: "Measure signing only; replaces the signing section of the report file") var signingOnly: Bool
        @Option(name: "audit-export", help: "Measure only the audit CSV export and the full verification over this many entries (SQLite, and "
            + "PostgreSQL with --postgres); replaces the audit section of the report file")
        var auditExport: Int?
        @Flag(name: "ocsp-only", help: "Measure only OCSP (SQLite, and PostgreSQL with --postgres) on --certificates (default 2000); "
            + "replaces the OCSP section of the report file")
        var ocspOnly: Bool
        @Option(name: "pages", help: "Measure only the operator pages at these sizes, comma-separated (e.g. 1000,100000,1000000); "
            + "SQLite, and PostgreSQL with --postgres; replaces the pages section of the report file")
        var pages: String?
    }

    var help: String { "Measures issuance, OCSP and CRL speed; prints a report." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let console = context.console
        let crlSizes = try (signature.crlSizes ?? "100000,1000000").split(separator: ",").map { text -> Int in
            guard let size = Int(text.trimmingCharacters(in: .whitespaces)), size > 0 else { throw BenchFailure("--crl-sizes: \(text)") }
            return size
        }
        if let pages = signature.pages {
            let sizes = try pages.split(separator: ",").map { text -> Int in
                guard let size = Int(text.trimmingCharacters(in: .whitespaces)), size >= 100 else { throw BenchFailure("--pages: \(text)") }
                return size
            }
            var results: [PageBenchmark.Result] = []
            for size in sizes {
                results += try await Self.onEachEngine(signature, logger: context.application.logger) { fixture in
                    console.print("pages on \(fixture.engine) at \(size) requests…")
                    return try await PageBenchmark(fixture: fixture, size: size).run(console: console)
                }
                // the report after every size, so that a long run stopped early keeps what it measured
                let section = BenchReport.pagesSection(results).joined(separator: "\n")
                console.print(section)
                if let path = signature.report { try Self.replaceSection(BenchReport.pagesHeading, in: path, with: section) }
            }
            return
        }
        if let entries = signature.auditExport {
            let rounds = signature.rounds ?? 3
            let results = try await Self.onEachEngine(signature, logger: context.application.logger) { fixture in
                console.print("audit export on \(fixture.engine): appending \(entries) entries, then \(rounds) rounds of export and "
                    + "verification…")
                return try await AuditExportBenchmark(fixture: fixture, entries: entries, rounds: rounds).run()
            }
            let section = BenchReport.auditSection(results).joined(separator: "\n")
            console.print(section)
            if let path = signature.report { try Self.replaceSection(BenchReport.auditHeading, in: path, with: section) }
            return
        }
        if signature.ocspOnly {
            let results = try await Self.onEachEngine(signature, logger: context.application.logger) { fixture in
                try await measureOCSP(fixture, count: signature.certificates ?? 2000, signature: signature, console: console)
            }
            let section = BenchReport.ocspSection(results).joined(separator: "\n")
            console.print(section)
            if let path = signature.report { try Self.replaceSection(BenchReport.ocspHeading, in: path, with: section) }
            return
        }
        if signature.signingOnly {
            let fixture = try await BenchFixture.make(logger: context.application.logger)
            do {
                let result = try await SigningBenchmark(fixture: fixture, corpus: Self.corpus).run(console: console)
                let section = BenchReport.signingSection(result).joined(separator: "\n")
                console.print(section)
                if let path = signature.report { try Self.replaceSection(BenchReport.signingHeading, in: path, with: section) }
            } catch {
                await fixture.shutdown()
                throw error
            }
            await fixture.shutdown()
            return
        }
        let count = signature.certificates ?? 5000
        var issuance: [IssuanceBenchmark.Result] = []
        if let postgres = signature.postgres {
            let fixture = try await BenchFixture.make(logger: context.application.logger, postgresURL: postgres)
            issuance.append(try await measureIssuance(fixture, count: count, signature: signature, console: console))
            await fixture.shutdown()
        }
        let fixture = try await BenchFixture.make(logger: context.application.logger)
        do {
            issuance.insert(try await measureIssuance(fixture, count: count, signature: signature, console: console), at: 0)
            if signature.issuanceOnly {
                await fixture.shutdown()
                return
            }
            let ocsp = try await measureOCSP(fixture, count: nil, signature: signature, console: console)
            console.print("CRL generation…")
            let crl = try await CRLBenchmark(fixture: fixture, sizes: crlSizes).run()
            console.print("signing…")
            let signing = try await SigningBenchmark(fixture: fixture, corpus: Self.corpus).run(console: console)
            let text = BenchReport(issuance: issuance, ocsp: ocsp, crl: crl, signing: signing).markdown()
            console.print(text)
            if let path = signature.report { try text.write(toFile: path, atomically: true, encoding: .utf8) }
        } catch {
            await fixture.shutdown()
            throw error
        }
        await fixture.shutdown()
    }

    /// The PDF corpus, from the repository `scripts/bench` runs in.
    static let corpus = FileManager.default.currentDirectoryPath + "/Tests/Fixtures/pdf-corpus"

    /// `path` with its section under `heading` replaced by `section` (or `section` appended when it has none).
    static func replaceSection(_ heading: String, in path: String, with section: String) throws {
        var text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? "# AMS benchmarks\n\n"
        if let start = text.range(of: heading) {
            let rest = text[start.upperBound...]
            // up to the line before the next heading, so that the blank line before it stays
            let end = rest.range(of: "\n## ")?.lowerBound ?? text.endIndex
            text.replaceSubrange(start.lowerBound..<end, with: end == text.endIndex ? section : section + "\n")
        } else {
            text += (text.hasSuffix("\n") ? "\n" : "\n\n") + section
        }
        try text.write(toFile: path, atomically: true, encoding: .utf8)
    }

    /// `measure` on a fixture of SQLite, then (with `--postgres`) of PostgreSQL, each shut down after; with
    /// `--postgres-only`, of PostgreSQL alone.
    private static func onEachEngine<T>(_ signature: Signature, logger: Logger,
                                        _ measure: (BenchFixture) async throws -> T) async throws -> [T] {
        var engines: [String?] = [nil] + (signature.postgres.map { [$0] } ?? [])
        if signature.postgresOnly {
            guard let postgres = signature.postgres else { throw BenchFailure("--postgres-only needs --postgres") }
            engines = [postgres]
        }
        var results: [T] = []
        for postgres in engines {
            let fixture = try await BenchFixture.make(logger: logger, postgresURL: postgres)
            do {
                results.append(try await measure(fixture))
            } catch {
                await fixture.shutdown()
                throw error
            }
            await fixture.shutdown()
        }
        return results
    }

    /// OCSP on `fixture`, after issuing `count` certificates there (nil: those already issued); a tenth revoked, so
    /// the responders see both states.
    private func measureOCSP(_ fixture: BenchFixture, count: Int?, signature: Signature,
                             console: any Console) async throws -> OCSPBenchmark.Result {
        if let count { _ = try await measureIssuance(fixture, count: count, signature: signature, console: console) }
        let issued = try await CertificateModel.query(on: fixture.app.db).filter(\.$status == .issued).count()
        try await (fixture.app.db as! any SQLDatabase).raw("""
            UPDATE certificates SET status = 'revoked', revoked_at = updated_at, revocation_reason = 1
            WHERE id IN (SELECT id FROM certificates WHERE status = 'issued' ORDER BY serial_hex LIMIT \(unsafeRaw: String(issued / 10)))
            """).run()
        console.print("OCSP over HTTP on \(fixture.engine)…")
        let ocsp = try await OCSPBenchmark(fixture: fixture, seconds: signature.seconds ?? 10, connections: 16,
                                           rounds: signature.rounds ?? 3).run()
        console.print(String(format: "  new connections: own address %.2f× openssl; kept alive: own address %.2f×, main address %.2f× "
                             + "the fixed route (medians of the rounds)", ocsp.ownAgainstOpenssl.medianRatio ?? 0,
                             ocsp.ownKeptAlive.medianRatio ?? 0, ocsp.mainKeptAlive.medianRatio ?? 0))
        return ocsp
    }

    private func measureIssuance(_ fixture: BenchFixture, count: Int, signature: Signature,
                                 console: any Console) async throws -> IssuanceBenchmark.Result {
        console.print("issuance on \(fixture.engine): \(count) through approve selected, \(signature.singles ?? 200) single approvals…")
        let result = try await IssuanceBenchmark(fixture: fixture, count: count, batchSize: signature.batch ?? 500,
                                                 singles: signature.singles ?? 200).run()
        console.print(String(format: "  %.0f certificates/s; single approval p50 %.1f ms, p99 %.1f ms", result.batchedPerSecond,
                             result.singleP50, result.singleP99))
        return result
    }
}
