import AMSServer
import AMSCore
import AMSPKI
import Fluent
import Foundation

/// A full CRL with 100k and 1M revoked entries: `ams crl publish` reads them from the database page by page into
/// the signed DER and stores it; `openssl ca -gencrl` reads the same serials from its index file and writes a file.
/// Wall time and peak memory of each process.
struct CRLBenchmark {
    struct Row: Sendable {
        let entries: Int
        let amsSeconds: Double
        /// Peak resident memory of the `ams crl publish` process (the application loaded, the database open).
        let amsPeakKiB: Int
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
        for size in sizes.sorted() {
            let target = size - already.count
            let serials = try await fixture.revokedRows(target - inserted, holder: holder)
            inserted = target
            for serial in serials { index += Self.indexLine(serialHex: serial.hexString) }
            try index.write(toFile: folder + "/crl-index.txt", atomically: true, encoding: .utf8)
            // AMS: `ams crl publish` as its own process, from the database, page by page
            let ams = try BenchProcess.measure(fixture.amsCommand(["crl", "publish"]))
            guard ams.status == 0, let line = ams.output.split(separator: "\n").first(where: { $0.hasPrefix("\(fixture.loaded.issuing.label):") }),
                  let entries = Self.number(before: " entries", in: line), let bytes = Self.number(before: " bytes", in: line) else {
                throw BenchFailure("ams crl publish failed: \(ams.output.prefix(400))")
            }
            guard entries == size else { throw BenchFailure("the CRL has \(entries) entries, expected \(size)") }
            // openssl ca -gencrl: from its index file
            let openssl = try BenchProcess.measure(["openssl", "ca", "-gencrl", "-config", folder + "/ca.cnf", "-keyfile", keyPath,
                                                    "-cert", issuingPath, "-out", folder + "/openssl.crl", "-batch"], directory: folder)
            guard openssl.status == 0 else { throw BenchFailure("openssl ca -gencrl failed: \(openssl.output.prefix(400))") }
            rows.append(Row(entries: size, amsSeconds: ams.seconds, amsPeakKiB: ams.peakKiB, amsBytes: bytes,
                            opensslSeconds: openssl.seconds, opensslPeakKiB: openssl.peakKiB))
        }
        return rows
    }

    static func indexLine(serialHex: String) -> String {
        "R\t491231235959Z\t251101000000Z,keyCompromise\t\(serialHex.uppercased())\tunknown\t/CN=\(serialHex)\n"
    }

    /// The number that ends just before `suffix` in `line` ("… 100000 entries, 4900000 bytes").
    static func number(before suffix: String, in line: Substring) -> Int? {
        guard let end = line.range(of: suffix)?.lowerBound else { return nil }
        return Int(line[..<end].split(separator: " ").last ?? "")
    }
}
