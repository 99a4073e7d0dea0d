import Fluent
import SQLKit

/// Institutions' electronic seals: the seal (requested by an agency operator, decided by a CA operator; its key made
/// and kept by AMS under the key-encryption key), the agency accounts that may seal, and the codes of the national
/// API's seal calls (mailed activation codes, activations, per-batch codes — all stored hashed).
struct CreateSeals: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("seals")
            .id()
            .field("agency_id", .uuid, .required, .references("agencies", "id"))
            .field("id_subscriber", .string, .required)
            .field("name", .string, .required)
            .field("contact_email", .string, .required)
            .field("status", .string, .required)
            .field("requested_by_id", .uuid, .required, .references("users", "id"))
            .field("requested_at", .datetime, .required)
            .field("decided_by_id", .uuid, .references("users", "id"))
            .field("decided_at", .datetime)
            .field("decision_note", .string)
            .field("issuer_ca_id", .uuid)
            .field("serial_hex", .string)
            .field("certificate_der", .data)
            .field("not_after", .datetime)
            .field("sealed_key", .data)
            .field("key_algorithm", .string)
            .field("revoked_at", .datetime)
            .field("revocation_reason", .int)
            .unique(on: "id_subscriber")
            .create()
        try await database.schema("seal_sealers")
            .id()
            .field("seal_id", .uuid, .required, .references("seals", "id"))
            .field("user_id", .uuid, .required, .references("users", "id"))
            .field("added_by_id", .uuid, .required, .references("users", "id"))
            .field("added_at", .datetime, .required)
            .unique(on: "seal_id", "user_id")
            .create()
        try await database.schema("seal_codes")
            .id()
            .field("seal_id", .uuid, .required, .references("seals", "id"))
            .field("api_key_id", .uuid, .required, .references("api_keys", "id"))
            .field("kind", .string, .required)
            .field("code_hash", .string, .required)
            .field("documents", .int)
            .field("created_at", .datetime, .required)
            .field("expires_at", .datetime)
            .field("used_at", .datetime)
            .create()
        if let sql = database as? any SQLDatabase {
            try await sql.create(index: "seals_agency").on("seals").column("agency_id").run()
            try await sql.create(index: "seals_serial").on("seals").column("serial_hex").run()
            try await sql.create(index: "seal_codes_seal").on("seal_codes").column("seal_id").column("kind").run()
        }
    }

    func revert(on database: any Database) async throws {
        try await database.schema("seal_codes").delete()
        try await database.schema("seal_sealers").delete()
        try await database.schema("seals").delete()
    }
}
