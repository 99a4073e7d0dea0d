@testable import AMSServer
import AMSCore
import Foundation
import Testing
import VaporTesting

@Suite("Localisation")
struct LocalizationTests {
    @Test func everyKeyIsUniqueAndTranslated() {
        var seen = Set<String>()
        for entry in LocalizationTable.entries {
            #expect(seen.insert(entry.key).inserted, "duplicate key \(entry.key)")
            #expect(!entry.id.isEmpty && !entry.en.isEmpty, "\(entry.key) needs both languages")
        }
    }

    @Test func placeholdersMatchAcrossLanguages() throws {
        let pattern = try NSRegularExpression(pattern: "\\{[a-z]+\\}")
        func placeholders(_ text: String) -> Set<String> {
            Set(pattern.matches(in: text, range: NSRange(text.startIndex..., in: text)).compactMap { Range($0.range, in: text).map { String(text[$0]) } })
        }
        for entry in LocalizationTable.entries {
            #expect(placeholders(entry.id) == placeholders(entry.en), "\(entry.key)")
        }
    }

    @Test func everyCodeShownToUsersHasAMessage() {
        for role in Role.allCases { #expect(Localizer.has("role_\(role.rawValue)")) }
        for violation in PasswordViolation.allCases { #expect(Localizer.has("violation_\(violation.rawValue)")) }
        for outcome in AuditOutcome.allCases { #expect(Localizer.has("audit_outcome_\(outcome.rawValue)")) }
        for status in OutboxMessageModel.Status.allCases { #expect(Localizer.has("outbox_status_\(status.rawValue)")) }
        for code in DomainError.Code.allCases {
            #expect(Localizer.has("error_\(code.rawValue)"), "\(code)")
            #expect(ErrorMapping(code: code).messageKey == "error_\(code.rawValue)")
        }
    }

    @Test func everyTemplateKeyExists() throws {
        let views = SMTPTestServer.repositoryRoot.appendingPathComponent("Resources/Views")
        let pattern = try NSRegularExpression(pattern: "(?<![A-Za-z0-9_.])t\\.([a-z0-9_]+)")
        for name in try FileManager.default.contentsOfDirectory(atPath: views.path) where name.hasSuffix(".leaf") {
            let text = try String(contentsOf: views.appendingPathComponent(name), encoding: .utf8)
            for match in pattern.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
                let key = String(text[Range(match.range(at: 1), in: text)!])
                #expect(Localizer.has(key), "\(name) uses t.\(key)")
            }
        }
    }

    @Test(arguments: TestDatabase.all)
    func interfaceIsIndonesianByDefaultWithAnEnglishSwitch(db: TestDatabase) async throws {
        try await TestApp.with(db) { t in
            let browser = t.browser()
            let indonesian = try await browser.get("/login")
            #expect(indonesian.body.string.contains("<html lang=\"id\">"))
            #expect(indonesian.body.string.contains("Masuk ke AMS"))
            let switched = try await browser.get("/lang/en?next=%2Flogin")
            #expect(switched.location == "/login")
            let english = try await browser.get("/login")
            #expect(english.body.string.contains("<html lang=\"en\">"))
            #expect(english.body.string.contains("Sign in to AMS"))
            #expect(try await browser.get("/lang/en?next=https://evil.example").location == "/")
            // the documents the applicant accepts at activation exist in both languages
            #expect(try await browser.get("/legal/privacy").body.string.contains("Privacy notice"))
            try await browser.get("/lang/id?next=%2F")
            #expect(try await browser.get("/legal/subscriber-agreement").body.string.contains("Perjanjian pemilik sertifikat"))
        }
    }
}

@Suite("Placeholders and log-safe fields")
struct TextFillingTests {
    @Test func placeholdersAreFilledOnceEach() {
        #expect(Localizer.fill("Yth. {name}, sertifikat {serial} terbit.", ["name": "Siti", "serial": "0A1B"])
                == "Yth. Siti, sertifikat 0A1B terbit.")
        #expect(Localizer.fill("{a}{a} {b}", ["a": "x", "b": "é😀"]) == "xx é😀")
        // a value is never filled in turn; an unknown placeholder and an unclosed brace stay as written
        #expect(Localizer.fill("{name} {url}", ["name": "{url}", "url": "https://ams"]) == "{url} https://ams")
        #expect(Localizer.fill("{unknown} and {name", ["name": "x"]) == "{unknown} and {name")
        #expect(Localizer.fill("no placeholders", ["name": "x"]) == "no placeholders")
        // braces are found among multi-byte text (the search runs over bytes)
        #expect(Localizer.fill("Sertifikat—{name}—日本{serial}😀", ["name": "Ñoño", "serial": "0a"]) == "Sertifikat—Ñoño—日本0a😀")
        #expect(Localizer.text("mail_greeting", .id, ["name": "Budi"]).contains("Budi"))
    }

    @Test func controlCharactersAreEscapedAndLengthCapped() {
        #expect(LogSafe.field("plain ASCII, as it is") == "plain ASCII, as it is")
        #expect(LogSafe.field("two\nlines\r\u{0}") == "two\\u{000a}lines\\u{000d}\\u{0000}")
        #expect(LogSafe.field("Müller – ok") == "Müller – ok")
        #expect(LogSafe.field("line\u{2028}break") == "line\\u{2028}break")
        #expect(LogSafe.field(String(repeating: "a", count: 600)).count == 512)
        #expect(LogSafe.field(String(repeating: "ä", count: 600)).count == 512)
        #expect(LogSafe.field("abcdef", limit: 3) == "abc")
    }
}
