import AMSPKI
import FluentKit
import NIOCore
import NIOHTTP1
import NIOPosix
import Vapor

/// The OCSP responder on an address of its own (`AMS_OCSP_LISTEN`), on a bare SwiftNIO HTTP/1.1 pipeline: every PDF
/// reader in the country asks, most on a new connection each time, and a connection costs Vapor's server (its
/// handlers for compression, upgrades, idle time, its request and response types) more than the answer costs.
/// Answers are those of `/pki/ocsp` on the main address (``PKIController``): `GET /pki/ocsp/<request>` and
/// `POST /pki/ocsp`, also at `/` as many responders are addressed. The URL written into certificates stays
/// `AMS_PKI_BASE_URL`'s `/pki/ocsp`: the proxy in front sends that path here. `GET /health/live` answers the load
/// balancer's probe as on the main address. Anything else is 404; other methods 405.
///
/// Each event loop listens on the address itself (`SO_REUSEPORT`: the kernel spreads new connections over the
/// sockets) and serves what it accepts: a new connection never moves to another thread. Another process of the same
/// user listening on the same address with `SO_REUSEPORT` would share its connections, so give each instance its own.
final class OCSPListener: LifecycleHandler, @unchecked Sendable {
    private var channels: [any Channel] = []

    func didBootAsync(_ application: Application) async throws {
        guard let listen = application.ams.configuration.ocspListen else { return }
        let services = application.ams
        let securityHeaders = SecurityHeadersMiddleware(hsts: services.configuration.servesHTTPS)
        for eventLoop in application.eventLoopGroup.makeIterator() {
            let bootstrap = ServerBootstrap(group: eventLoop, childGroup: eventLoop)
                .serverChannelOption(.backlog, value: 1024)
                .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                .serverChannelOption(ChannelOptions.socketOption(.init(rawValue: SO_REUSEPORT)), value: 1)
                .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
                .childChannelInitializer { channel in
                    // a connection costs as little as can be: handlers added at once, the database made only when an
                    // answer needs it (most are answered from what the responder keeps)
                    let database: @Sendable () -> any Database = {
                        application.databases.database(logger: application.logger, on: eventLoop)!
                    }
                    return eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
                        try channel.pipeline.syncOperations.addHandler(Handler(services: services, securityHeaders: securityHeaders,
                                                                               database: database, eventLoop: eventLoop))
                    }
                }
            channels.append(try await bootstrap.bind(host: listen.host, port: listen.port).get())
        }
        application.logger.notice("OCSP responder at http://\(listen.host):\(listen.port)/pki/ocsp")
    }

    func shutdownAsync(_ application: Application) async {
        for channel in channels { try? await channel.close() }
    }

    /// One connection: requests in order (the pipeline holds the next one until this one is answered).
    private final class Handler: ChannelInboundHandler {
        typealias InboundIn = HTTPServerRequestPart
        typealias OutboundOut = HTTPServerResponsePart

        let services: AMSServices
        let securityHeaders: SecurityHeadersMiddleware
        let database: @Sendable () -> any Database
        let eventLoop: any EventLoop
        private var head: HTTPRequestHead?
        private var body = ByteBuffer()
        private var tooLarge = false

        init(services: AMSServices, securityHeaders: SecurityHeadersMiddleware, database: @escaping @Sendable () -> any Database,
             eventLoop: any EventLoop) {
            self.services = services
            self.securityHeaders = securityHeaders
            self.database = database
            self.eventLoop = eventLoop
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            switch unwrapInboundIn(data) {
            case .head(let head):
                self.head = head
                body.clear()
                tooLarge = false
            case .body(var chunk):
                if body.readableBytes + chunk.readableBytes > OCSPRequestParser.maximumSize {
                    tooLarge = true
                } else {
                    body.writeBuffer(&chunk)
                }
            case .end:
                guard let head else { return }
                self.head = nil
                let path = head.uri.utf8.firstIndex(of: UInt8(ascii: "?")).map { String(head.uri[..<$0]) } ?? head.uri
                let answer = self.answer(head.method, path: path, headers: head.headers)
                let keepAlive = head.isKeepAlive
                answer.assumeIsolated().whenComplete { [self] result in
                    let response = (try? result.get()) ?? Response(status: .internalServerError)
                    securityHeaders.apply(to: response, path: path)
                    write(response, version: head.version, keepAlive: keepAlive, context: context)
                }
            }
        }

        /// A connection reset or a request that is no HTTP (answered 400 by the pipeline first): nothing more on it.
        func errorCaught(context: ChannelHandlerContext, error: any Error) {
            context.close(promise: nil)
        }

        private func answer(_ method: HTTPMethod, path: String, headers: HTTPHeaders) -> EventLoopFuture<Response> {
            let isPostPath = path == FastPathResponder.postPath || path == "/"
            let getRequest: Substring? = path.hasPrefix(FastPathResponder.getPrefix) ? path.dropFirst(FastPathResponder.getPrefix.count)
                : path.hasPrefix("/pki/") ? nil : path.dropFirst()
            switch method {
            case .GET where path == FastPathResponder.livePath:
                return eventLoop.makeSucceededFuture(HealthController.liveAnswer())
            case .POST where isPostPath:
                if tooLarge { return eventLoop.makeSucceededFuture(Response(status: .payloadTooLarge)) }
                return PKIController.ocspAnswer(Array(body.readableBytesView), get: nil, services: services, database: database, on: eventLoop)
            case .GET where getRequest.map { !$0.isEmpty } == true:
                return PKIController.ocspGetAnswer(String(getRequest!), headers: headers, services: services, database: database,
                                                   on: eventLoop)
            case .GET, .POST:
                return eventLoop.makeSucceededFuture(Response(status: .notFound))
            default:
                return eventLoop.makeSucceededFuture(isPostPath || getRequest != nil ? PKIController.ocspMethodNotAllowed() : Response(status: .notFound))
            }
        }

        private func write(_ response: Response, version: HTTPVersion, keepAlive: Bool, context: ChannelHandlerContext) {
            var headers = response.headers
            let body = response.body.buffer ?? ByteBuffer()
            headers.set("Content-Length", String(body.readableBytes))
            // HTTP/1.1 keeps the connection unless told otherwise; HTTP/1.0 closes it unless told otherwise
            if !keepAlive {
                headers.replaceOrAdd(name: "Connection", value: "close")
            } else if version.minor == 0 {
                headers.replaceOrAdd(name: "Connection", value: "keep-alive")
            }
            context.write(wrapOutboundOut(.head(HTTPResponseHead(version: version, status: response.status, headers: headers))), promise: nil)
            if body.readableBytes > 0 { context.write(wrapOutboundOut(.body(.byteBuffer(body))), promise: nil) }
            let written = context.eventLoop.makePromise(of: Void.self)
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: written)
            if !keepAlive { written.futureResult.assumeIsolated().whenComplete { _ in context.close(promise: nil) } }
        }
    }
}
