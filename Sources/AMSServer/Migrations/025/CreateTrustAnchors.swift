import Fluent

/// Root certificates an administrator trusts for verification besides AMS's own (e.g. the national root), each
/// once (by its SHA-256).
struct CreateTrustAnchors: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("trust_anchors")
            .id()
            .field("subject", .string, .required)
            .field("certificate_der", .data, .required)
            .field("sha256", .string, .required)
            .field("created_at", .datetime, .required)
            .field("created_by_id", .uuid)
            .unique(on: "sha256")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("trust_anchors").delete()
    }
}
