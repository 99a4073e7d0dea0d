@testable import AMSServer
import AMSCore
import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

/// Bad input, one table: each row gets a clear error next to the right field and leaves nothing half-written (no
/// request row, no stored document, no mail).
@Suite("Bad input: a clear error and nothing half-written")
struct BadInputTableTests {
    struct Row: Sendable, CustomStringConvertible {
        let name: String
        var fields: [String: String] = [:]
        var letter: [UInt8] = SampleDocuments.pdf()
        /// Text the page must show.
        let message: String
        var description: String { name }
    }

    static let html = Array("<!DOCTYPE html><html><body><script>alert(1)</script></body></html>".utf8)
    static let zip: [UInt8] = [0x50, 0x4B, 0x03, 0x04] + Array(repeating: 0, count: 200)
    static let pdfHeaderOnJunk = Array("%PDF-1.7\n".utf8) + (0..<2000).map { UInt8(truncatingIfNeeded: $0 &* 31) }

    static let rows: [Row] = [
        Row(name: "an HTML page named .pdf", letter: html, message: "bukan PDF"),
        Row(name: "a ZIP archive named .pdf", letter: zip, message: "bukan PDF"),
        Row(name: "a PDF header on junk", letter: pdfHeaderOnJunk, message: "bukan PDF"),
        Row(name: "a NIK that is not 16 digits", fields: ["nik": "12345"], message: "NIK"),
        Row(name: "a NIP whose date is impossible", fields: ["nip": "199013452015032001"], message: "NIP"),
        Row(name: "an e-mail without a domain", fields: ["email": "siti@"], message: "surel"),
        Row(name: "an e-mail outside the agency's domains", fields: ["email": "siti@gmail.com"], message: "domain dinas instansi"),
        Row(name: "an overlong name", fields: ["fullName": String(repeating: "Siti ", count: 60)], message: "Nama 2–128 karakter"),
        Row(name: "a newline in the name (log injection)", fields: ["fullName": "Siti\nINFO forged log line"], message: "Nama 2–128 karakter"),
        Row(name: "a control character in the unit", fields: ["unit": "Bidang\u{07}Persandian"], message: "Periksa isian"),
    ]

    @Test(arguments: rows)
    func aBadRegistrationRequestIsRefusedWithNothingWritten(row: Row) async throws {
        try await TestApp.with(.sqlite) { t in
            let agency = try await t.agency()
            var fields = RegistrationRequestTests.fields
            fields["agencyID"] = agency.id!.uuidString
            for (name, value) in row.fields { fields[name] = value }
            let response = try await t.browser().postMultipart("/register", fields: fields, files: RegistrationRequestTests.files(letter: row.letter),
                                                               from: "/register")
            #expect(response.status == .unprocessableEntity, "\(row.name): \(response.status)")
            #expect(response.body.string.contains(row.message), "\(row.name): the page does not say \(row.message)")
            #expect(response.body.string.contains("field-error"), "\(row.name): no message next to a field")
            #expect(try await RegistrationRequestModel.query(on: t.db).count() == 0)
            #expect(try await RegistrationAttachmentModel.query(on: t.db).count() == 0)
            #expect(try await OutboxMessageModel.query(on: t.db).count() == 0)
            let stored = (try? FileManager.default.contentsOfDirectory(atPath: t.services.configuration.attachmentDirectory)) ?? []
            #expect(stored.isEmpty, "\(row.name): documents left behind: \(stored)")
            #expect(!(try await AuditEntryModel.query(on: t.db).all().contains { $0.details.contains("forged log line") && $0.details.contains("\n") }))
        }
    }
}
