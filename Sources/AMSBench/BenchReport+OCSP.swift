import Foundation

extension BenchReport {
    static let ocspHeading = "## OCSP over HTTP on loopback"

    /// The OCSP responder against `openssl ocsp` on new connections, and against the same server's fixed route on
    /// kept-alive ones (issue 21), a row per engine.
    static func ocspSection(_ results: [OCSPBenchmark.Result]) -> [String] {
        func n(_ value: Double?) -> String { value.map { String(format: "%.0f", $0) } ?? "stalled" }
        func ratio(_ value: Double?, _ reference: Double?) -> String {
            guard let value, let reference else { return "—" }
            return String(format: "%.2f×", value / max(reference, 0.001))
        }
        func met(_ value: Double?, _ reference: Double?, atLeast share: Double) -> String {
            guard let value, let reference else { return "not measurable" }
            return value / max(reference, 0.001) >= share ? "met" : "not met"
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
            "index file, one process per core) closes each. Kept-alive: `ab -k`, against the same server's `/health/live` (fixed",
            "bytes, answered before any middleware): what HTTP alone costs. \"Own address\": the same answers from the responder's",
            "own listener (`AMS_OCSP_LISTEN`, a bare SwiftNIO HTTP/1.1 server, no Vapor).",
            "",
            "| engine | GET, new connections | own address, new connections | openssl GET | ratio (own) | GET, kept alive | own address, kept alive | fixed route, kept alive | ratio | POST, nonce | openssl POST | fixed route, new connections |",
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
        ]
        for result in results {
            lines.append("| \(result.engine) | \(n(result.amsGet)) | \(n(result.ownGetNew)) | \(n(result.opensslGet)) | "
                + "\(ratio(result.ownGetNew, result.opensslGet)) | \(n(result.amsGetKeepAlive)) | \(n(result.ownGetKeepAlive)) | "
                + "\(n(result.fixedKeepAlive)) | \(ratio(result.amsGetKeepAlive, result.fixedKeepAlive)) | "
                + "\(n(result.amsPostNonce)) | \(n(result.opensslPostNonce)) | \(n(result.fixedNew)) |")
        }
        lines += [
            "",
            "Goals (issue 21): on new connections at least openssl's rate (on the own address): "
                + results.map { "\(met($0.ownGetNew, $0.opensslGet, atLeast: 1)) on \($0.engine)" }.joined(separator: ", ")
                + "; kept alive, at least 80% of the fixed route: "
                + results.map { "\(met($0.amsGetKeepAlive, $0.fixedKeepAlive, atLeast: 0.8)) on \($0.engine)" }.joined(separator: ", ") + ".",
        ]
        return lines
    }
}
