import AMSServer
import Foundation

/// The benchmark results as Markdown (BENCHMARKS.md), with the goals and whether each was met.
struct BenchReport {
    /// Issuance floor on either engine (issue 14): a national CA needs tens a second at its busiest.
    static let issuanceFloor = 500.0

    let issuance: [IssuanceBenchmark.Result]
    let ocsp: OCSPBenchmark.Result
    let crl: [CRLBenchmark.Row]
    let signing: SigningBenchmark.Result?

    func markdown() -> String {
        func n(_ value: Double) -> String { String(format: "%.0f", value) }
        func mib(_ kib: Int) -> String { String(format: "%.1f MiB", Double(kib) / 1024) }
        let cores = ProcessInfo.processInfo.activeProcessorCount
        let date = ISO8601DateFormatter().string(from: Date())
        var lines = [
            "# AMS benchmarks",
            "",
            "Measured by `scripts/bench` (`ams-bench`, release build) on \(date), \(cores) cores; SQLite in WAL mode with",
            "`synchronous=FULL`, PostgreSQL as `scripts/bench` starts it; ECDSA P-256 CA. One run; the numbers move by some percent",
            "between runs.",
            "",
            "## Issuance",
            "",
            "Certificates for as many verified holders with pending requests, approved by a CA operator as the queue's \"approve selected\"",
            "does it (approval is the default setting): a page of pending requests is read, one transaction records the approvals and",
            "intents (serial, subject, holder) with their audit entries, the certificates are signed, and one transaction stores them with",
            "their audit entries and queued mails. Then single approvals, one at a time, each timed from reading the request to its commit.",
            "",
            "| engine | certificates | per approve-selected | certificates per second | single approval p50 | p99 |",
            "| --- | ---: | ---: | ---: | ---: | ---: |",
        ] + issuance.map { row in
            "| \(row.engine) | \(row.certificates) | \(row.batchSize) | \(n(row.batchedPerSecond)) | "
                + String(format: "%.1f ms | %.1f ms |", row.singleP50, row.singleP99)
        } + [
            "",
            "Goal: at least \(n(Self.issuanceFloor)) certificates per second on either engine: "
                + (issuance.allSatisfy { $0.batchedPerSecond >= Self.issuanceFloor } ? "met" : "not met")
                + (issuance.count < 2 ? " (PostgreSQL not measured)." : "."),
            "",
        ] + Self.ocspSection([ocsp]) + [
            "",
            "## CRL generation",
            "",
            "`ams crl publish` reads the revoked rows from the database page by page into the signed DER and stores it in the",
            "database; `openssl ca -gencrl` reads the same serials from its index file and writes a file. Time and peak memory",
            "are those of each process, start to end (AMS's includes loading the application and opening the database).",
            "",
            "| entries | AMS time | openssl time | AMS peak | openssl peak | CRL size |",
            "| ---: | ---: | ---: | ---: | ---: | ---: |",
        ]
        for row in crl {
            lines.append("| \(row.entries) | \(String(format: "%.2f s", row.amsSeconds)) | \(String(format: "%.2f s", row.opensslSeconds)) | "
                         + "\(mib(row.amsPeakKiB)) | \(mib(row.opensslPeakKiB)) | \(String(format: "%.1f MB", Double(row.amsBytes) / 1e6)) |")
        }
        let faster = crl.allSatisfy { $0.amsSeconds < $0.opensslSeconds }
        let smaller = crl.allSatisfy { $0.amsPeakKiB < $0.opensslPeakKiB }
        lines += ["", "Goal: faster than openssl (\(faster ? "met" : "not met")) with less peak memory (\(smaller ? "met" : "not met")).", ""]
        if let signing { lines += Self.signingSection(signing) }
        return lines.joined(separator: "\n")
    }

    static let signingHeading = "## Signing documents"

    /// The signing section (issue 17), also written on its own by `ams-bench --signing-only`.
    static func signingSection(_ result: SigningBenchmark.Result) -> [String] {
        func mib(_ kib: Int) -> String { String(format: "%.0f MiB", Double(kib) / 1024) }
        let ratio = result.pyHankoOnePagePerSecond.map { result.amsOnePagePerSecond / max($0, 0.001) }
        let largeRatio = result.amsLargeSeconds / max(result.opensslLargeSeconds, 0.000_001)
        let verifyRatio = result.pyHankoVerificationsPerSecond.map { result.amsVerificationsPerSecond / max($0, 0.001) }
        let largeVerifyRatio = result.amsLargeVerificationSeconds / max(result.opensslLargeSeconds, 0.000_001)
        let bulkRatio = result.apiBulkSeconds / (result.keyOpeningSeconds + Double(result.apiBulkFiles) / result.amsOnePagePerSecond)
        return [
            signingHeading,
            "",
            "PAdES B-T signatures (`ams-bench`, release build, \(ProcessInfo.processInfo.activeProcessorCount) cores), ECDSA P-256 holder key. AMS",
            "includes its own RFC 3161 timestamp in every signature; pyHanko (PyPI) signs the same document with the same key and",
            "certificate in one Python process, without a timestamp (it would need an HTTP TSA), so it does less work.",
            "",
            "| measure | AMS | reference | ratio | goal |",
            "| --- | ---: | ---: | ---: | --- |",
            String(format: "| one-page document (`fpdf2-classic-xref.pdf`), key open | %.0f signatures/s | pyHanko %@ | %@ | ≥ 20× pyHanko: %@ |",
                   result.amsOnePagePerSecond, result.pyHankoOnePagePerSecond.map { String(format: "%.1f/s", $0) } ?? "not installed",
                   ratio.map { String(format: "%.0f×", $0) } ?? "—", ratio.map { $0 >= 20 ? "met" : "not met" } ?? "not measured"),
            String(format: "| %.0f MiB document | %.3f s | `openssl dgst -sha256` %.3f s | %.2f× | within 2×: %@ |",
                   Double(result.largeBytes) / 1_048_576, result.amsLargeSeconds, result.opensslLargeSeconds, largeRatio, largeRatio <= 2 ? "met" : "not met"),
            String(format: "| %d `/api/v2/sign/pdf` calls with passphrases at once over HTTP (scrypt 2^17, %d key openings at a time) | %.1f s, %.1f openings/s, %d failed | | | none fails: %@ |",
                   result.concurrentRequests, result.permits, result.concurrentSeconds, Double(result.concurrentRequests) / result.concurrentSeconds,
                   result.concurrentFailures, result.concurrentFailures == 0 ? "met" : "not met"),
            String(format: "| `/api/v2/sign/pdf` with %d one-page files over HTTP (one key opening) | %.2f s | one opening %.2f s + %d signings %.3f s | %.2f× | within 2×: %@ |",
                   result.apiBulkFiles, result.apiBulkSeconds, result.keyOpeningSeconds, result.apiBulkFiles,
                   Double(result.apiBulkFiles) / result.amsOnePagePerSecond, bulkRatio, bulkRatio <= 2 ? "met" : "not met"),
            "| peak memory of the serving process (before the 32 calls → after them) | \(mib(result.peakBeforeKiB)) → \(mib(result.peakKiB)) | | | under 1.5 GiB: "
                + (result.peakKiB < 1536 * 1024 ? "met" : "not met") + " |",
            "",
            "Verifying (issue 19): AMS's `PDFSignatureVerifier` (ByteRange, digest, CMS signature, time-stamp, chain, revocation from",
            "the document's own OCSP answers, what follows the signed revision) against pyHanko's validator (intact, valid, trusted,",
            "time-stamp; revocation data required and taken from the DSS only, no fetching) on the same five corpus documents signed",
            "by AMS as PAdES B-LT, each in one process:",
            "",
            "| measure | AMS | reference | ratio | goal |",
            "| --- | ---: | ---: | ---: | --- |",
            String(format: "| signatures verified a second | %.0f/s | pyHanko %@ | %@ | ≥ 10× pyHanko: %@ |", result.amsVerificationsPerSecond,
                   result.pyHankoVerificationsPerSecond.map { String(format: "%.1f/s", $0) } ?? "not installed",
                   verifyRatio.map { String(format: "%.0f×", $0) } ?? "—", verifyRatio.map { $0 >= 10 ? "met" : "not met" } ?? "not measured"),
            String(format: "| 20 MiB document verified | %.3f s | `openssl dgst -sha256` %.3f s | %.2f× | within 2×: %@ |",
                   result.amsLargeVerificationSeconds, result.opensslLargeSeconds, largeVerifyRatio, largeVerifyRatio <= 2 ? "met" : "not met"),
            "",
            "The 32 calls and the bulk call go over HTTP on loopback (curl, 32 at once through `xargs -P`) to AMS's server running in the",
            "benchmark's process (the same application `ams serve` runs), JSON with the files in base64, as an agency application sends",
            "them; each of the 32 opens the holder's key with the passphrase (scrypt N=2^17, 128 MiB), at most `AMS_SIGN_KEY_OPENINGS` at",
            "a time. The peak is that process's resident high-water mark (`getrusage`) after the 32 calls.",
            "",
        ]
    }
}
