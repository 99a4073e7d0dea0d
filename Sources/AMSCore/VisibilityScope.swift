import Foundation

/// What part of the records an actor may see: the one place that decides it for registration requests,
/// certificates (and the documents they carry) and the time-standard reports. The server turns a scope into query
/// filters in one place; ``Permissions`` answers "may this actor see this record" from the same scope.
public enum VisibilityScope: Sendable, Equatable {
    /// Nothing (a role with no business with these records).
    case nothing
    /// The actor's own records (a holder's certificates).
    case own(userID: UUID)
    /// One agency's records (an agency operator's).
    case agency(UUID)
    /// Registration requests that reached the CA (a CA operator's queue: past the agency's check).
    case reachedCA
    /// Everything (CA operators for certificates, administrators and auditors read only).
    case all

    /// The requests `actor` may see: agency operators their own agency's, CA operators those that reached the CA,
    /// administrators and auditors all. Applicants see their requests through private links, not through a scope.
    public static func registrationRequests(for actor: Actor) -> VisibilityScope {
        switch actor.role {
        case .agencyOperator: actor.agencyID.map { .agency($0) } ?? .nothing
        case .caOperator: .reachedCA
        case .administrator, .auditor: .all
        case .applicant: .nothing
        }
    }

    /// The certificates `actor` may see: holders their own, agency operators their agency's, the rest all.
    public static func certificates(for actor: Actor) -> VisibilityScope {
        switch actor.role {
        case .applicant: .own(userID: actor.userID)
        case .agencyOperator: actor.agencyID.map { .agency($0) } ?? .nothing
        case .caOperator, .administrator, .auditor: .all
        }
    }

    /// The step timings the time-standard report of `actor` covers: agency operators their agency's, other staff all.
    public static func reports(for actor: Actor) -> VisibilityScope {
        switch actor.role {
        case .agencyOperator: actor.agencyID.map { .agency($0) } ?? .nothing
        case .caOperator, .administrator, .auditor: .all
        case .applicant: .nothing
        }
    }

    /// Whether registration requests in `status` can lie inside this (request) scope: a CA operator's holds none
    /// before the CA, so a page reading status by status need not ask for those.
    public func admitsRequests(in status: RegistrationStatus) -> Bool {
        switch self {
        case .nothing, .own: false
        case .reachedCA: status.hasReachedCA
        case .agency, .all: true
        }
    }

    /// Whether a record with this owner, agency and (for requests) status lies inside the scope.
    public func admits(ownerID: UUID?, agencyID: UUID?, status: RegistrationStatus? = nil) -> Bool {
        switch self {
        case .nothing: false
        case .own(let userID): ownerID == userID
        case .agency(let agency): agencyID == agency
        case .reachedCA: status.map(\.hasReachedCA) ?? false
        case .all: true
        }
    }
}

extension RegistrationStatus {
    /// Statuses at the agency's level only: the CA has not been asked yet.
    public static let beforeCA: [RegistrationStatus] = [.submitted, .returnedByAgency]

    /// Whether the agency has forwarded the request to the CA (at some point).
    public var hasReachedCA: Bool { !Self.beforeCA.contains(self) }
}
