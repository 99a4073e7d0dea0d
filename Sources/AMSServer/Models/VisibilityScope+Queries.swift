import AMSCore
import Fluent
import FluentSQL
import Foundation
import SQLKit

/// ``VisibilityScope`` as query filters: the one place where who-sees-what reaches the database.
extension VisibilityScope {
    /// The registration requests inside this scope.
    func registrationRequests(on db: any Database) -> QueryBuilder<RegistrationRequestModel> {
        let query = RegistrationRequestModel.query(on: db)
        switch self {
        // applicants reach their requests through private links, never through a scope
        case .nothing, .own: return query.filter(.sql(SQLLiteral.boolean(false)))
        case .agency(let agencyID): return query.filter(\.$agency.$id == agencyID)
        case .reachedCA: return query.filter(\.$status !~ RegistrationStatus.beforeCA)
        case .all: return query
        }
    }

    /// The certificates inside this scope.
    func certificates(on db: any Database) -> QueryBuilder<CertificateModel> {
        let query = CertificateModel.query(on: db)
        switch self {
        case .nothing, .reachedCA: return query.filter(.sql(SQLLiteral.boolean(false)))
        case .own(let userID): return query.filter(\.$holder.$id == userID)
        case .agency(let agencyID): return query.filter(\.$agency.$id == agencyID)
        case .all: return query
        }
    }
}
