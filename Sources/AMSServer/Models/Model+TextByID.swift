import Fluent
import Foundation

extension Model where IDValue == UUID {
    /// One text field of the rows with `ids`, by id (an agency's name, an account's username), read in one query of
    /// those two columns; an id of no row is absent.
    static func text(_ field: KeyPath<Self, FieldProperty<Self, String>>, of ids: Set<UUID>,
                     on database: any Database) async throws -> [UUID: String] {
        guard !ids.isEmpty else { return [:] }
        return try await query(on: database).filter(\._$id ~~ ids).field(\._$id).field(field).all()
            .reduce(into: [:]) { $0[$1.id!] = $1[keyPath: field].wrappedValue }
    }
}
