import Foundation

/// Asks `condition` every 50 ms until it holds or `seconds` have passed, and says whether it held: for what another
/// task brings about in its own time (a background worker's pass, a connection that starts or stops listening).
func waitUntil(seconds: Double = 10, _ condition: () async throws -> Bool) async throws -> Bool {
    let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
    while ContinuousClock.now < deadline {
        if try await condition() { return true }
        try await Task.sleep(for: .milliseconds(50))
    }
    return try await condition()
}
