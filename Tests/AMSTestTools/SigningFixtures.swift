import Foundation

/// What the signing tests share: the PDF corpus (`../shared/pdf-corpus`, copied as it is into
/// `Tests/Fixtures/pdf-corpus` so a clone anywhere has it) and pyHanko as the validator of signed PDFs.
public enum SigningFixtures {
    static let tests = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    public static let corpus = tests.appendingPathComponent("Fixtures/pdf-corpus")

    public static func document(_ name: String) throws -> [UInt8] {
        Array(try Data(contentsOf: corpus.appendingPathComponent(name)))
    }

    /// pyHanko's verdict on `pdf` under the PEM roots at `rootPaths`: one line per signature (see
    /// `Tests/Signing/pyhanko_validate.py`).
    public static func pyHankoVerdict(_ pdf: [UInt8], rootPaths: [String]) throws -> ExternalTool.Output {
        let folder = try ScratchFolder("ams-pyhanko")
        defer { folder.remove() }
        let path = try folder.write("signed.pdf", pdf)
        return try ExternalTool.run(["python3", tests.appendingPathComponent("Signing/pyhanko_validate.py").path, path] + rootPaths)
    }
}
