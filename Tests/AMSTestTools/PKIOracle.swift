import Foundation

/// Independent checks of what AMS produces, by openssl and PyPI pkilint (never AMS's own parser).
public enum PKIOracle {
    /// Findings of `pkilint` at ERROR level or above (FATAL, ERROR), as printed lines; empty means clean.
    /// `tool` is `lint_pkix_cert`, `lint_crl` or `lint_ocsp_response`.
    public static func pkilintErrors(_ tool: String, der: [UInt8], extraArguments: [String] = []) throws -> [String] {
        let folder = try ScratchFolder("ams-pkilint")
        defer { folder.remove() }
        let file = try folder.write("document.der", der)
        let output = try ExternalTool.run([tool, "lint"] + extraArguments + ["-s", "ERROR", "--document-format", "DER", file])
        let lines = output.stdout.split(separator: "\n").map(String.init).filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
        if output.status != 0 && lines.isEmpty {
            return ["\(tool) failed with status \(output.status): \(output.stderr)"]
        }
        return lines
    }

    /// All pkilint findings at WARNING level or above, for reports.
    public static func pkilintWarnings(_ tool: String, der: [UInt8], extraArguments: [String] = []) throws -> [String] {
        let folder = try ScratchFolder("ams-pkilint")
        defer { folder.remove() }
        let file = try folder.write("document.der", der)
        let output = try ExternalTool.run([tool, "lint"] + extraArguments + ["-s", "WARNING", "--document-format", "DER", file])
        return output.stdout.split(separator: "\n").map(String.init)
    }

    /// `openssl verify` of a leaf against a root (trusted) and intermediates, optionally with CRLs
    /// (`-crl_check` for the leaf). Returns openssl's output and whether it said OK.
    public static func verify(leafPEM: String, rootPEM: String, intermediatesPEM: String, crlsPEM: [String] = [],
                              crlCheck: Bool = false, purpose: String? = nil, at time: Date? = nil) throws -> (ok: Bool, output: String) {
        let folder = try ScratchFolder("ams-verify")
        defer { folder.remove() }
        var arguments = ["openssl", "verify", "-CAfile", try folder.write("root.pem", rootPEM),
                         "-untrusted", try folder.write("intermediates.pem", intermediatesPEM)]
        if !crlsPEM.isEmpty {
            arguments += ["-CRLfile", try folder.write("crls.pem", crlsPEM.joined())]
        }
        if crlCheck { arguments.append("-crl_check") }
        if let purpose { arguments += ["-purpose", purpose] }
        if let time { arguments += ["-attime", String(Int(time.timeIntervalSince1970))] }
        arguments.append(try folder.write("leaf.pem", leafPEM))
        let output = try ExternalTool.run(arguments)
        return (output.status == 0 && output.stdout.contains(": OK"), output.combined)
    }

    /// `openssl crl -verify` of a DER CRL with its issuer's certificate; also returns the text dump.
    public static func verifyCRL(der: [UInt8], issuerPEM: String) throws -> (ok: Bool, text: String) {
        let folder = try ScratchFolder("ams-crl")
        defer { folder.remove() }
        let output = try ExternalTool.run(["openssl", "crl", "-inform", "DER", "-in", try folder.write("list.crl", der),
                                           "-CAfile", try folder.write("issuer.pem", issuerPEM), "-verify", "-noout", "-text"])
        return (output.status == 0 && output.stderr.contains("verify OK"), output.combined)
    }

    public static func derToPEM(_ der: [UInt8], label: String) -> String {
        let base64 = Data(der).base64EncodedString(options: [.lineLength64Characters, .endLineWithLineFeed])
        return "-----BEGIN \(label)-----\n\(base64)\n-----END \(label)-----\n"
    }
}
