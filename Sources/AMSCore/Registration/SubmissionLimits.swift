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
    /// The proof of work asked of every public-form submission: leading zero bits of a SHA-256 stamp (about
    /// 2^bits hashes; 20 takes a browser about a second). 0 turns it off.
    public var workBits: Int
    /// How long after the form was served its proof-of-work challenge may be sent.
    public var challengeLifetime: TimeInterval = 2 * 3600

    public init(perAddressPerHour: Int = 5, globalPerHour: Int = 300, openPerMailDomain: Int = 2000,
                freeDiskFloorBytes: Int64 = 1024 * 1024 * 1024, workBits: Int = 20) {
        self.workBits = workBits
        self.perAddressPerHour = perAddressPerHour
        self.globalPerHour = globalPerHour
        self.openPerMailDomain = openPerMailDomain
        self.freeDiskFloorBytes = freeDiskFloorBytes
    }
}
