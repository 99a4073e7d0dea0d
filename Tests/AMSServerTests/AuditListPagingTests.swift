@testable import AMSServer
import AMSCore
import Fluent
import Foundation
import Testing
import VaporTesting

/// Issue 20: the audit log a page at a time after the last entry shown (no OFFSET, no count of tens of millions):
/// following "older" shows every entry of the filter once, newest first; the count is said up to its cap.
@Suite("The audit log: keyset pages")
struct AuditListPagingTests {
    @Test(arguments: TestDatabase.all)
    func olderPagesShowEveryEntryOnceNewestFirst(db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            try await t.user("ani", role: .auditor)
            try await SyntheticAuditEntries.append(240, services: t.services, on: t.db)
            let expected = try await AuditEntryModel.query(on: t.db).filter(\.$action == AuditAction.certificateIssued.rawValue)
                .sort(\.$sequence, .descending).all().map(\.sequence)
            let auditor = t.browser()
            try await auditor.signIn("ani", TestApp.password)
            // act: a filtered list (a quarter of the made-up entries), then "older" until there is none
            var page = try await auditor.get("/audit?action=certificate.issued").body.string
            #expect(page.contains("\(expected.count) data"))
            var seen: [Int64] = []
            var pages = 1
            while true {
                seen += page.components(separatedBy: "<td class=\"num\">").dropFirst().compactMap { Int64($0.prefix { $0 != "<" }) }
                guard let range = page.range(of: #"href="(\?[^"]*after=[^"]+)" rel="next""#, options: .regularExpression) else { break }
                let link = String(page[range]).dropFirst(6).prefix { $0 != "\"" }.replacingOccurrences(of: "&amp;", with: "&")
                page = try await auditor.get("/audit" + link).body.string
                #expect(page.contains("rel=\"first\""))
                pages += 1
            }
            // check: each matching entry once, newest first, over pages of fifty
            #expect(expected.count > AuditController.pageSize)
            #expect(seen == expected)
            #expect(pages == (expected.count + AuditController.pageSize - 1) / AuditController.pageSize)
        }
    }
}
