import Foundation

/// Input that cannot be accepted, with a message per form field: a localisation key and its arguments. Services
/// throw it before changing anything; pages show each message beside its field, the API lists them under `fields`.
public struct ValidationError: Error, Sendable, Equatable {
    public struct Message: Sendable, Equatable {
        public var key: String
        public var arguments: [String: String]

        public init(_ key: String, _ arguments: [String: String] = [:]) {
            self.key = key
            self.arguments = arguments
        }
    }

    public var fields: [String: Message]

    public init(fields: [String: Message]) {
        self.fields = fields
    }

    /// Messages without arguments, by field.
    public init(_ keys: [String: String]) {
        fields = keys.mapValues { Message($0) }
    }
}
