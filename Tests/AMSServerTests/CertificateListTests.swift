@testable import AMSServer
import AMSCore
import Fluent
import Foundation
import Testing
import VaporTesting

/// The certificate list a page at a time, newest first, without OFFSET: following "older" from the first page shows
/// every certificate exactly once, in order, also where several were requested in the same instant; "up to a day"
/// starts at that day; the count is said.
@Suite("The certificate list: keyset pages and jumping to a day")
struct CertificateListTests {
    /// `count` pending certificate rows for `holder`, every third sharing its neighbour's instant.
    static func rows(_ t: TestApp, holder: UserModel, count: Int, start: Date) async throws -> [CertificateModel] {
        var made: [CertificateModel] = []
        for index in 0..<count {
            let row = CertificateModel()
            row.$holder.id = holder.id!
            row.$agency.id = holder.$agency.id
            row.status = .pending
            row.method = .generated
            row.profile = "holder-signing"
            row.version = 1
            row.subject = String(format: "CN=Uji %03d", index)
            row.email = holder.email
            row.keyAlgorithm = "p256"
            row.publicKey = Data([UInt8(index % 256)])
            row.requestedAt = start.addingTimeInterval(Double(index - index % 3 / 2) * 3600)
            row.requestedVia = "web"
            row.requestedBy = holder.username
            row.reminderStage = 0
            row.updatedAt = start
            try await row.create(on: t.db)
            made.append(row)
        }
        return made
    }

    static func ids(_ html: String) -> [String] {
        html.components(separatedBy: "<a href=\"/certificates/").dropFirst().compactMap { part in
            let id = String(part.prefix(36))
            return UUID(uuidString: id) == nil ? nil : id.uppercased()
        }
    }

    @Test(arguments: TestDatabase.all)
    func olderPagesShowEveryCertificateOnceNewestFirstAndADayJumps(db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            let agency = try await t.agency()
            let holder = try await t.verifiedHolder(agency: agency)
            let start = Date(timeIntervalSince1970: 1_790_000_000)
            let made = try await Self.rows(t, holder: holder, count: 60, start: start)
            try await t.user("op.ca", role: .caOperator)
            let ca = t.browser()
            try await ca.signIn("op.ca", TestApp.password)
            // act: the first page, then "older" until there is none
            var seen: [String] = []
            var page = try await ca.get("/certificates").body.string
            #expect(page.contains("60 data") && !page.contains("rel=\"first\""))
            var pages = 1
            while true {
                seen += Self.ids(page)
                guard let range = page.range(of: #"href="(\?[^"]*after=[^"]+)" rel="next""#, options: .regularExpression) else { break }
                let link = String(page[range]).dropFirst(6).prefix { $0 != "\"" }.replacingOccurrences(of: "&amp;", with: "&")
                page = try await ca.get("/certificates" + link).body.string
                #expect(page.contains("rel=\"first\""))
                pages += 1
            }
            // check: 60 rows over three pages, each once, newest first (ties by id, as the index orders them)
            let expected = made.sorted { ($0.requestedAt, $0.id!.uuidString) > ($1.requestedAt, $1.id!.uuidString) }
            #expect(pages == 3 && seen.count == 60 && Set(seen).count == 60)
            #expect(seen.map { id in made.first { $0.id!.uuidString == id }!.requestedAt } == expected.map(\.requestedAt))
            // "up to a day": the first row shown is the newest requested on or before that day
            let day = start.addingTimeInterval(24 * 3600)
            let formatter = DateFormatter()
            formatter.locale = Locale(identifier: "en_US_POSIX")
            formatter.timeZone = TimeZone(identifier: "UTC")
            formatter.dateFormat = "yyyy-MM-dd"
            let jumped = Self.ids(try await ca.get("/certificates?day=" + formatter.string(from: day)).body.string)
            let endOfDay = Calendar(identifier: .gregorian).startOfDay(for: day).addingTimeInterval(86_400)
            let firstJumped = try #require(jumped.first.flatMap { id in made.first { $0.id!.uuidString == id } })
            #expect(firstJumped.requestedAt == expected.first { $0.requestedAt < endOfDay }!.requestedAt)
            #expect(jumped.allSatisfy { id in made.first { $0.id!.uuidString == id }!.requestedAt < endOfDay })
        }
    }
}
