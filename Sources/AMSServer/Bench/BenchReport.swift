import Foundation

/// The benchmark results as Markdown (BENCHMARKS.md), with the goals of issue 4 and whether each was met.
struct BenchReport {
    let issuance: IssuanceBenchmark.Result
    let ocsp: OCSPBenchmark.Result
    let crl: [CRLBenchmark.Row]

    private func ratio(_ ams: Double, _ openssl: Double?) -> String {
        openssl.map { String(format: "%.1f×", ams / max($0, 0.001)) } ?? "—"
    }

    private func met(_ ams: Double, _ openssl: Double?) -> String {
        guard let openssl else { return "not measurable (openssl stalled)" }
        return ams / max(openssl, 0.001) >= 10 ? "met" : "not met"
    }

    func markdown() -> String {
        func n(_ value: Double) -> String { String(format: "%.0f", value) }
        func mib(_ kib: Int) -> String { String(format: "%.1f MiB", Double(kib) / 1024) }
        let cores = ProcessInfo.processInfo.activeProcessorCount
        let date = ISO8601DateFormatter().string(from: Date())
        var lines = [
            "# AMS benchmarks",
            "",
            "Measured by `scripts/bench` (`ams bench`, release build) on \(date), \(cores) cores, SQLite in WAL mode with",
            "`synchronous=FULL`, ECDSA P-256 CA. One run; the numbers move by some percent between runs.",
            "",
            "## Issuance",
            "",
            "\(issuance.certificates) certificates for as many holders, approved by a CA operator \(issuance.batchSize) at a time (the queue's",
            "\"approve selected\"; approval is the default setting): the pending requests are read, one transaction records the approvals",
            "and intents (serial, subject, holder) with their audit entries, the certificates are signed on every core, and one",
            "transaction stores them with their audit entries and queued mails.",
            "",
            "| measure | per second |",
            "| --- | ---: |",
            "| raw ECDSA P-256 signatures of a certificate's TBS, one core | \(n(issuance.rawSignaturesPerSecond)) |",
            "| AMSPKI: build, sign and encode a certificate, one core (no database) | \(n(issuance.pkiOnlyPerSecond)) |",
            "| AMS: issued and persisted with audit and mail | \(n(issuance.persistedPerSecond)) |",
            "",
            String(format: "Persisted issuance is **%.0f%%** of the raw signing rate (goal: at least 25%%): %@.", issuance.ratio * 100,
                   issuance.ratio >= 0.25 ? "met" : "not met"),
            "",
            "## OCSP over HTTP on loopback",
            "",
            "`ab -c \(ocsp.connections) -t \(ocsp.seconds)` against each responder, on the same machine; \(ocsp.certificates) certificates known,",
            "a tenth revoked. GET carries no nonce (AMS may reuse a signed response while the status is unchanged); POST carries a nonce",
            "(every response signed afresh).",
            "",
            "| responder | GET, no nonce | POST, nonce |",
            "| --- | ---: | ---: |",
            "| AMS (`/pki/ocsp`) | \(n(ocsp.amsGet)) | \(n(ocsp.amsPostNonce)) |",
            "| `openssl ocsp -port -multi 2` (index file, one process per core) | \(ocsp.opensslGet.map(n) ?? "stalled") | \(ocsp.opensslPostNonce.map(n) ?? "stalled") |",
            "| ratio | \(ratio(ocsp.amsGet, ocsp.opensslGet)) | \(ratio(ocsp.amsPostNonce, ocsp.opensslPostNonce)) |",
            "",
            "AMS with kept-alive connections (`ab -k`, GET): \(ocsp.amsGetKeepAlive.map(n) ?? "not measured") per second.",
            "",
            "Goal: at least 10× openssl: \(met(ocsp.amsGet, ocsp.opensslGet)) for GET, \(met(ocsp.amsPostNonce, ocsp.opensslPostNonce)) for POST with a nonce.",
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
        return lines.joined(separator: "\n")
    }
}
