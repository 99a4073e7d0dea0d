import Foundation

/// Where the data lives, parsed from `AMS_DATABASE_URL`.
public enum DatabaseLocation: Sendable, Equatable {
    /// An SQLite file (the embedded default).
    case sqliteFile(path: String)
    /// A throwaway SQLite database (tests).
    case sqliteMemory
    /// A PostgreSQL server; `searchPath` confines the app to one schema (tests give each run its own).
    case postgres(url: String, searchPath: String?)

    public static func parse(_ text: String) throws -> DatabaseLocation {
        if text == "sqlite::memory:" || text == "sqlite:memory" { return .sqliteMemory }
        if text.hasPrefix("sqlite:") {
            var path = String(text.dropFirst("sqlite:".count))
            if path.hasPrefix("//") { path = String(path.dropFirst(2)) }
            guard !path.isEmpty else { throw ConfigurationError("AMS_DATABASE_URL: sqlite: needs a file path") }
            return .sqliteFile(path: path)
        }
        if text.hasPrefix("postgres://") || text.hasPrefix("postgresql://") {
            return .postgres(url: text, searchPath: nil)
        }
        throw ConfigurationError("AMS_DATABASE_URL must start with sqlite: or postgres://")
    }

    public var isSQLite: Bool {
        if case .postgres = self { return false }
        return true
    }
}

/// A configuration value that cannot be used; the message names the variable and never echoes a secret.
public struct ConfigurationError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
