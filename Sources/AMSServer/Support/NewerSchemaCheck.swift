import Fluent
import Foundation
import NIOConcurrencyHelpers

/// Whether the database's schema is newer than this build: it records migrations (Fluent's log) that this build does not
/// know, because a newer release has started against it. During a rolling upgrade the older instances keep answering
/// requests, but their background passes stop (``PeriodicWorker``): a pass written for the older schema can leave
/// undone what the newer one expects of it. (Before migration 037, the time-standard rollup marked ended steps counted
/// without counting them into the month tallies that 037 added, so the month tallies would miss them for good.)
///
/// One per instance (``AMSServices/newerSchema``), shared by its background workers. Each asks before every pass (the
/// password resets every 2 s), so the answer is remembered for ``rememberedFor`` seconds and one read of the migration
/// log answers them all.
final class NewerSchemaCheck: Sendable {
    /// How long an answer stands: a newer release's migrations stop this instance's passes at most this much later.
    static let rememberedFor: TimeInterval = 5

    let knownMigrations: Set<String>
    private let lastAnswer = NIOLockedValueBox<Answer?>(nil)

    private struct Answer {
        let unknown: [String]
        let readAt: Date
    }

    init(known: [any Migration] = Migrations.all) {
        knownMigrations = Set(known.map(\.name))
    }

    /// The migrations the database has run that this build does not know, by name; empty when its schema is this
    /// build's (or older: the build's own migrations then run at start). Read again when the last answer, given at
    /// `now`, is older than ``rememberedFor``.
    func unknownMigrations(on database: any Database, now: Date) async throws -> [String] {
        if let last = lastAnswer.withLockedValue({ $0 }), (0..<Self.rememberedFor).contains(now.timeIntervalSince(last.readAt)) {
            return last.unknown
        }
        let names = try await MigrationLog.query(on: database).all(\.$name)
        let unknown = names.filter { !knownMigrations.contains($0) }.sorted()
        lastAnswer.withLockedValue { $0 = Answer(unknown: unknown, readAt: now) }
        return unknown
    }
}
