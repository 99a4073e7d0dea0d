import NIOCore
import NIOHTTP1

/// What ``TestBrowser`` got back for a request: the same three parts whether it went through memory or a socket.
struct BrowserResponse: Sendable {
    var status: HTTPResponseStatus
    var headers: HTTPHeaders
    var body: ByteBuffer
}
