import Fluent

/// A signature record says which PAdES level AMS made (B-T, B-LT, B-LTA); records made before it are B-T.
struct UpdateSignaturesAddLevel: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("signatures").field("level", .string).update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("signatures").deleteField("level").update()
    }
}
