import Foundation

/// Bounds on the public registration form, so one sender cannot fill the disk, the outbox and the operators' queue:
/// submissions per client address and in all per hour, open requests per mail domain, and a free-disk floor under
/// which no document is stored.
public struct SubmissionLimits: Sendable, Equatable {
    /// Public-form submissions one client address may make in an hour.
    public var perAddressPerHour: Int
    /// Public-form submissions from everyone together in an hour.
    public var globalPerHour: Int
    /// Open requests (not yet verified, withdrawn or closed) one mail domain may have.
    public var openPerMailDomain: Int
    /// Uploads are refused while the attachment folder's file system has less free space than this.
    public var freeDiskFloorBytes: Int64

    public init(perAddressPerHour: Int = 5, globalPerHour: Int = 300, openPerMailDomain: Int = 2000,
                freeDiskFloorBytes: Int64 = 1024 * 1024 * 1024) {
        self.perAddressPerHour = perAddressPerHour
        self.globalPerHour = globalPerHour
        self.openPerMailDomain = openPerMailDomain
        self.freeDiskFloorBytes = freeDiskFloorBytes
    }
}
