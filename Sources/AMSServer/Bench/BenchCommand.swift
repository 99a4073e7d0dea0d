import AMSPKI
import Foundation
import SQLKit
import Vapor

/// `ams bench`: the speed report of issue 4, measured in one run on a throwaway database and CA (never the
/// configured one): issuance vs raw signing, OCSP over HTTP vs `openssl ocsp`, CRL generation vs `openssl ca`.
/// Build with `-c release`; `scripts/bench` does that and installs ApacheBench.
struct BenchCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "certificates", help: "How many certificates to issue (default 5000)") var certificates: Int?
        @Option(name: "batch", help: "Issuance batch size (default 500)") var batch: Int?
        @Option(name: "crl-sizes", help: "Revoked entries per CRL run, comma-separated (default 100000,1000000)") var crlSizes: String?
        @Option(name: "seconds", help: "Seconds per OCSP load run (default 10)") var seconds: Int?
        @Option(name: "report", help: "Also write the report (Markdown) to this file") var report: String?
        @Flag(name: "issuance-only", help: "Measure issuance only (for profiling); no report") var issuanceOnly: Bool
    }

    var help: String { "Measures issuance, OCSP and CRL speed against raw signing and openssl; prints a report." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let console = context.console
        let crlSizes = try (signature.crlSizes ?? "100000,1000000").split(separator: ",").map { text -> Int in
            guard let size = Int(text.trimmingCharacters(in: .whitespaces)), size > 0 else { throw BenchFailure("--crl-sizes: \(text)") }
            return size
        }
        let fixture = try await BenchFixture.make(logger: context.application.logger)
        do {
            console.print("issuance: \(signature.certificates ?? 5000) P-256 certificates…")
            let issuance = try await IssuanceBenchmark(fixture: fixture, count: signature.certificates ?? 5000, batchSize: signature.batch ?? 500).run()
            console.print(String(format: "  raw sign %.0f/s, AMSPKI %.0f/s, persisted %.0f/s (%.0f%%)", issuance.rawSignaturesPerSecond,
                                 issuance.pkiOnlyPerSecond, issuance.persistedPerSecond, issuance.ratio * 100))
            if signature.issuanceOnly {
                await fixture.shutdown()
                return
            }
            // a tenth revoked, so the responders see both states
            try await (fixture.app.db as! any SQLDatabase).raw("""
                UPDATE certificates SET status = 'revoked', revoked_at = updated_at, revocation_reason = 1
                WHERE id IN (SELECT id FROM certificates WHERE status = 'issued' ORDER BY serial_hex LIMIT \(unsafeRaw: String(issuance.certificates / 10)))
                """).run()
            console.print("OCSP over HTTP…")
            let ocsp = try await OCSPBenchmark(fixture: fixture, seconds: signature.seconds ?? 10, connections: 16).run()
            console.print(String(format: "  AMS GET %.0f/s, POST+nonce %.0f/s; openssl GET %.0f/s, POST+nonce %.0f/s (0: stalled)",
                                 ocsp.amsGet, ocsp.amsPostNonce, ocsp.opensslGet ?? 0, ocsp.opensslPostNonce ?? 0))
            console.print("CRL generation…")
            let crl = try await CRLBenchmark(fixture: fixture, sizes: crlSizes).run()
            let text = BenchReport(issuance: issuance, ocsp: ocsp, crl: crl).markdown()
            console.print(text)
            if let path = signature.report { try text.write(toFile: path, atomically: true, encoding: .utf8) }
        } catch {
            await fixture.shutdown()
            throw error
        }
        await fixture.shutdown()
    }
}
