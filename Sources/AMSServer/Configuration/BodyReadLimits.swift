import Foundation

/// Bounds on reading request bodies (uploads above all), so slow or stalled clients cannot hold memory for ever:
/// each body must arrive within ``seconds``; one client address may send ``perAddress`` bodies at once, and all
/// clients together ``inFlight`` (so the memory bodies can hold is at most `inFlight` × the largest route limit).
/// Connections themselves (half-sent headers, how many per address) are the reverse proxy's to bound: see
/// `deploy/nginx/ams.conf` and README's security notes.
public struct BodyReadLimits: Sendable, Equatable {
    /// Seconds a request body may take to arrive (`AMS_HTTP_BODY_SECONDS`); then 408 and the body is dropped.
    public var seconds: Double
    /// Bodies one client address may be sending at the same time (`AMS_UPLOADS_PER_ADDRESS`); then 429.
    public var perAddress: Int
    /// Bodies all clients together may be sending at the same time (`AMS_UPLOADS_IN_FLIGHT`); then 503.
    public var inFlight: Int

    public init(seconds: Double = 120, perAddress: Int = 8, inFlight: Int = 64) {
        self.seconds = seconds
        self.perAddress = perAddress
        self.inFlight = inFlight
    }
}
