import Fluent

/// Whether the database's schema is newer than this build: it records migrations (Fluent's log) that this build does not
/// know, because a newer release has started against it. During a rolling upgrade the older instances keep answering
/// requests, but their background passes stop (``PeriodicWorker``): a pass written for the older schema can leave
/// undone what the newer one expects of it. (Before migration 037, the time-standard rollup marked ended steps counted
/// without counting them into the month tallies that 037 added, so the month tallies would miss them for good.)
struct NewerSchemaCheck: Sendable {
    let knownMigrations: Set<String>

    init(known: [any Migration] = Migrations.all) {
        knownMigrations = Set(known.map(\.name))
    }

    /// The migrations the database has run that this build does not know, by name; empty when its schema is this
    /// build's (or older: the build's own migrations then run at start).
    func unknownMigrations(on database: any Database) async throws -> [String] {
        try await MigrationLog.query(on: database).all(\.$name).filter { !knownMigrations.contains($0) }.sorted()
    }
}
