import Vapor

extension RoutesBuilder {
    /// A route whose body may be larger than the default 16 KB, up to `bodyLimit` bytes. The limit is also recorded in
    /// the route's `userInfo` (``Route/bodyLimitKey``), because the middleware that reads bodies before the route does
    /// (``BodyReadGuardMiddleware``, ``CSRFMiddleware``) cannot see the route's collect strategy.
    @discardableResult
    func on<Response: AsyncResponseEncodable>(_ method: HTTPMethod, _ path: PathComponent..., bodyLimit: Int,
                                         use closure: @Sendable @escaping (Request) async throws -> Response) -> Route {
        let route = on(method, path, body: .collect(maxSize: ByteCount(value: bodyLimit)), use: closure)
        route.userInfo[Route.bodyLimitKey] = bodyLimit
        return route
    }
}

extension Route {
    /// `userInfo` key of a route's body limit in bytes.
    static let bodyLimitKey = "ams.bodyLimit"
}
