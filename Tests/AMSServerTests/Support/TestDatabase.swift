import Foundation

/// The engines every app test runs on. PostgreSQL joins when `scripts/test` provides a server
/// (`AMS_TEST_POSTGRES_URL`); with `AMS_TEST_REQUIRE_POSTGRES=1` its absence is an error, not a skip.
enum TestDatabase: String, CaseIterable, CustomTestStringConvertible, Sendable {
    case sqlite
    case postgres

    static var postgresURL: String? { ProcessInfo.processInfo.environment["AMS_TEST_POSTGRES_URL"] }

    static let all: [TestDatabase] = {
        if postgresURL != nil { return [.sqlite, .postgres] }
        if ProcessInfo.processInfo.environment["AMS_TEST_REQUIRE_POSTGRES"] == "1" {
            fatalError("AMS_TEST_REQUIRE_POSTGRES=1 but AMS_TEST_POSTGRES_URL is not set")
        }
        return [.sqlite]
    }()

    var testDescription: String { rawValue }
}

import Testing
