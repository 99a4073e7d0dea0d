import AMSCore
import Vapor

/// Learns the time zone of a signed-in reader's agency (``Request/readerTimeZone``) once per request, so pages show
/// times in it without each asking the database.
struct ReaderTimeZoneMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        if let agencyID = request.signedInUser?.$agency.id {
            request.readerTimeZone = try await AgencyModel.timeZone(of: agencyID, on: request.db)
        }
        return try await next.respond(to: request)
    }
}
