import AMSCore
import AMSPKI
import Fluent
import Foundation

/// A full CRL with 100k and 1M revoked entries: AMS reads them from the database and streams them into the signed
/// DER; `openssl ca -gencrl` reads the same serials from its index file. Wall time and peak memory of each.
struct CRLBenchmark {
    struct Row: Sendable {
        let entries: Int
        let amsSeconds: Double
        /// Peak resident memory of the AMS process during generation (includes the running application).
        let amsPeakKiB: Int
        /// How much the peak rose above the resident size before generation.
        let amsGrowthKiB: Int
        let amsBytes: Int
        let opensslSeconds: Double
        let opensslPeakKiB: Int
    }

    let fixture: BenchFixture
    let sizes: [Int]

    func run() async throws -> [Row] {
        let folder = fixture.folder
        let holder = try await UserModel.query(on: fixture.app.db).first().flatMap(\.id) ?? UUID()
        let issuingPath = try fixture.writePEM("issuing.pem", der: fixture.loaded.issuing.der, label: "CERTIFICATE")
        let keyPath = try fixture.writePEM("issuing.key", der: fixture.loaded.issuing.key.derRepresentation, label: "PRIVATE KEY")
        try """
        [ ca ]
        default_ca = bench
        [ bench ]
        database = \(folder)/crl-index.txt
        crlnumber = \(folder)/crlnumber
        default_md = sha256
        default_crl_days = 7
        """.write(toFile: folder + "/ca.cnf", atomically: true, encoding: .utf8)
        try "01\n".write(toFile: folder + "/crlnumber", atomically: true, encoding: .utf8)
        let already = try await CertificateModel.query(on: fixture.app.db).filter(\.$status ~~ [.revoked, .void]).all()
        var index = already.map { Self.indexLine(serialHex: $0.serialHex ?? "") }.joined()
        var inserted = 0
        var rows: [Row] = []
        let publisher = CRLPublisher(services: fixture.app.ams)
        for size in sizes.sorted() {
            let target = size - already.count
            let serials = try await fixture.revokedRows(target - inserted, holder: holder)
            inserted = target
            for serial in serials { index += Self.indexLine(serialHex: serial.hexString) }
            try index.write(toFile: folder + "/crl-index.txt", atomically: true, encoding: .utf8)
            // AMS: from the database, streamed
            let before = Self.residentKiB()
            BenchProcess.resetOwnPeak()
            let start = DispatchTime.now().uptimeNanoseconds
            let published = try await publisher.publish(authority: fixture.loaded.issuing, id: fixture.loaded.issuingID, on: fixture.app.db)
            let amsSeconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            let peak = BenchProcess.ownPeakKiB()
            guard published.entries == size else { throw BenchFailure("the CRL has \(published.entries) entries, expected \(size)") }
            // openssl ca -gencrl: from its index file
            let openssl = try BenchProcess.measure(["openssl", "ca", "-gencrl", "-config", folder + "/ca.cnf", "-keyfile", keyPath,
                                                    "-cert", issuingPath, "-out", folder + "/openssl.crl", "-batch"], directory: folder)
            guard openssl.status == 0 else { throw BenchFailure("openssl ca -gencrl failed: \(openssl.output.prefix(400))") }
            rows.append(Row(entries: size, amsSeconds: amsSeconds, amsPeakKiB: peak, amsGrowthKiB: max(0, peak - before),
                            amsBytes: published.der.count, opensslSeconds: openssl.seconds, opensslPeakKiB: openssl.peakKiB))
        }
        return rows
    }

    static func indexLine(serialHex: String) -> String {
        "R\t491231235959Z\t251101000000Z,keyCompromise\t\(serialHex.uppercased())\tunknown\t/CN=\(serialHex)\n"
    }

    static func residentKiB() -> Int {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }) else { return 0 }
        return Int(line.split(separator: " ").dropFirst().first ?? "0") ?? 0
    }
}
