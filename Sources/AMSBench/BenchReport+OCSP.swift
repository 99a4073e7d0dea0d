import Foundation

extension BenchReport {
    static let ocspHeading = "## OCSP over HTTP on loopback"

    /// The OCSP responder against `openssl ocsp` on new connections, and against the same listener's fixed route on
    /// kept-alive ones (issue 21), a row per engine in each of two tables.
    static func ocspSection(_ results: [OCSPBenchmark.Result]) -> [String] {
        func n(_ value: Double?) -> String { value.map { String(format: "%.0f", $0) } ?? "stalled" }
        func pair(_ rates: PairedRates) -> String {
            guard let median = rates.medianRatio, let low = rates.ratios.min(), let high = rates.ratios.max() else { return "— | — | —" }
            return "\(n(rates.medianMeasured)) | \(n(rates.medianReference)) | "
                + String(format: "%.2f× (%.2f–%.2f)", median, low, high)
        }
        func met(_ rates: PairedRates, atLeast share: Double) -> String {
            guard let ratio = rates.medianRatio else { return "not measurable" }
            return ratio >= share ? "met" : "not met"
        }
        func goals(_ name: String, _ rates: (OCSPBenchmark.Result) -> PairedRates, atLeast share: Double) -> String {
            name + ": " + results.map { "\(met(rates($0), atLeast: share)) on \($0.engine)" }.joined(separator: ", ")
        }
        guard let first = results.first else { return [] }
        var lines = [
            ocspHeading,
            "",
            "Measured on \(ISO8601DateFormatter().string(from: Date())).",
            "`ab -c \(first.connections) -t \(first.seconds)` against each responder, on the same machine; \(first.certificates) certificates known,",
            "a tenth revoked. GET carries no nonce (AMS answers from the statuses it keeps and the responses it signed, without the",
            "database: on PostgreSQL while it hears sibling instances' revocations); POST carries a nonce (signed afresh). New",
            "connections: `ab` without `-k`, one request per connection, as openssl's HTTP/1.0 responder (`openssl ocsp -port -multi 2`,",
            "index file, one process per core) closes each. Kept alive: `ab -k`, against `/health/live` of the same listener (fixed",
            "bytes, no middleware): what HTTP alone costs. \"Own address\": the responder's own listener (`AMS_OCSP_LISTEN`, a",
            "bare SwiftNIO HTTP/1.1 server, one listening socket per event loop); \"main address\": Vapor's server, which serves",
            "the pages too. Each goal's pair is measured in turn for \(first.rounds) rounds; rates are the rounds' medians, the",
            "ratio is the median of the rounds' ratios (their range in brackets).",
            "",
            "| engine | own address GET, new connections | openssl GET | ratio | main address GET, new connections | main address fixed route, new connections | POST, nonce | openssl POST |",
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
        ]
        for result in results {
            lines.append("| \(result.engine) | \(pair(result.ownAgainstOpenssl)) | \(n(result.amsGet)) | \(n(result.fixedNew)) | "
                + "\(n(result.amsPostNonce)) | \(n(result.opensslPostNonce)) |")
        }
        lines += [
            "",
            "| engine | own address GET, kept alive | own address fixed route | ratio | main address GET, kept alive | main address fixed route | ratio |",
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
        ]
        for result in results {
            lines.append("| \(result.engine) | \(pair(result.ownKeptAlive)) | \(pair(result.mainKeptAlive)) |")
        }
        lines += [
            "",
            "Goals (issue 21): " + goals("on new connections at least openssl's rate (own address)", \.ownAgainstOpenssl, atLeast: 1)
                + "; " + goals("kept alive at least 80% of the fixed route, own address", \.ownKeptAlive, atLeast: 0.8)
                + "; " + goals("main address", \.mainKeptAlive, atLeast: 0.8) + ".",
        ]
        return lines
    }
}
