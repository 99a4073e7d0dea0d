import Foundation

/// What the permission rules need to know about a registration request.
public struct RegistrationFacts: Sendable, Equatable {
    public var agencyID: UUID
    public var status: RegistrationStatus
    public var applicantEmail: String
    public var applicantNIK: String
    /// Accounts that have acted on this request at the agency level (step 2, step 4 confirmation).
    public var agencyLevelActors: Set<UUID>
    /// Accounts that have acted on this request at the CA level (step 3, step 4 verification).
    public var caLevelActors: Set<UUID>
    /// The persons (NIKs) behind those accounts: segregation of duties compares persons, not only accounts.
    public var agencyLevelPersons: Set<String>
    public var caLevelPersons: Set<String>

    public init(agencyID: UUID, status: RegistrationStatus, applicantEmail: String, applicantNIK: String,
                agencyLevelActors: Set<UUID> = [], caLevelActors: Set<UUID> = [],
                agencyLevelPersons: Set<String> = [], caLevelPersons: Set<String> = []) {
        self.agencyLevelPersons = agencyLevelPersons
        self.caLevelPersons = caLevelPersons
        self.agencyID = agencyID
        self.status = status
        self.applicantEmail = applicantEmail
        self.applicantNIK = applicantNIK
        self.agencyLevelActors = agencyLevelActors
        self.caLevelActors = caLevelActors
    }
}
