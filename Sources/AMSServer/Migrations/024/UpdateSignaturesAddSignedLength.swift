import Fluent

/// A signature record keeps the signed file's length beside its SHA-256, so the record page can tell a copy that
/// carries later additions (another signature appended) from a different or changed file.
struct UpdateSignaturesAddSignedLength: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("signatures").field("signed_length", .int64).update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("signatures").deleteField("signed_length").update()
    }
}
