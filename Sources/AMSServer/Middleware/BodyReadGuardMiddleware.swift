import AMSCore
import Vapor

/// Reads a streamed request body (anything that did not arrive with its headers: uploads, slow clients) before the
/// rest of the chain sees the request, under ``BodyReadLimits``: a slot per client address and in all
/// (``BodyReadSlots``), the route's own size limit, and a deadline. A body that does not arrive in time is answered
/// 408 and nothing of the request is acted on; one over the limits is refused before it is read.
struct BodyReadGuardMiddleware: AsyncMiddleware {
    let slots: BodyReadSlots

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        guard request.body.data == nil, [.POST, .PUT, .PATCH, .DELETE].contains(request.method) else {
            return try await next.respond(to: request)
        }
        guard request.application.isServing else { return Response(status: .serviceUnavailable) }
        let limits = request.ams.configuration.bodyReads
        let address = request.clientAddress
        switch slots.claim(address, limits: limits) {
        case .failure(.addressBusy): throw DomainError(.tooManyUploads, "\(limits.perAddress) bodies from one address at once")
        case .failure(.serverBusy): throw DomainError(.serverBusy, "\(limits.inFlight) bodies at once")
        case .success: break
        }
        let maximum = request.route?.userInfo[Route.bodyLimitKey] as? Int ?? request.application.routes.defaultMaxBodySize.value
        let collecting = request.body.collect(max: maximum)
        // the slot is the body's, until it is complete or its connection is gone
        collecting.whenComplete { [slots] _ in slots.release(address) }
        guard case .finished = try await Deadline.race(seconds: limits.seconds, on: request.eventLoop, { try await collecting.get() }) else {
            throw DomainError(.bodyTooSlow, "request body not complete within \(limits.seconds) s")
        }
        return try await next.respond(to: request)
    }
}
