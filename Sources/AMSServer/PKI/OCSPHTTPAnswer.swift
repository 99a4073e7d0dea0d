import Foundation
import Vapor

/// An OCSP answer with what its HTTP response needs worked out once: the body, and for an answer HTTP caches may
/// keep, as RFC 5019 §6.2 recommends, `Last-Modified` (thisUpdate), `Expires` (nextUpdate) and an `ETag` of the
/// response. A kept answer is sent many times a second: its headers are made once, and only an answer whose
/// nextUpdate is nearer than ``maxAge`` (or a 304) gets a `max-age` of its own.
struct OCSPHTTPAnswer: Sendable {
    /// How long an HTTP cache may keep a GET answer at most (a revocation reaches clients behind caches within it).
    static let maxAge: TimeInterval = 300
    private static let contentType = "application/ocsp-response"

    let answer: OCSPResponder.Answer
    private let body: ByteBuffer
    /// `Last-Modified`, `Expires` and `ETag` (cacheable answers only).
    private let validators: HTTPHeaders
    /// Every header of a 200 answer to a GET with the whole ``maxAge`` (cacheable answers only).
    private let fullAgeHeaders: HTTPHeaders
    private let tag: String

    init(_ answer: OCSPResponder.Answer) {
        self.answer = answer
        body = ByteBuffer(bytes: answer.bytes)
        if let window = answer.cacheableUntil {
            tag = "\"" + TokenDigest.sha256Hex(answer.bytes).prefix(32) + "\""
            validators = HTTPHeaders([("Last-Modified", HTTPDate.string(from: window.lowerBound)),
                                      ("Expires", HTTPDate.string(from: window.upperBound)), ("ETag", tag)])
            fullAgeHeaders = Self.okHeaders(validators, maxAge: Int(Self.maxAge), length: answer.bytes.count)
        } else {
            (tag, validators, fullAgeHeaders) = ("", [:], [:])
        }
    }

    /// The response to a GET (`get`: its headers) or a POST (nil). A GET answer that caches may keep gets the headers
    /// above and a `max-age` that never outlives nextUpdate; a matching `If-None-Match` gets 304. Everything else is
    /// `no-store`.
    func response(get: HTTPHeaders?, now: Date) -> Response {
        guard let get, let window = answer.cacheableUntil else {
            return Response(status: .ok, headers: HTTPHeaders([("Content-Type", Self.contentType), ("Cache-Control", "no-store")]),
                            body: .init(buffer: body))
        }
        let notModified = get[.ifNoneMatch].contains { $0.split(separator: ",").contains { $0.trimmingCharacters(in: .whitespaces) == tag } }
        let maxAge = max(0, Int(min(Self.maxAge, window.upperBound.timeIntervalSince(now))))
        if maxAge == Int(Self.maxAge) && !notModified {
            return Response(status: .ok, headers: fullAgeHeaders, body: .init(buffer: body))
        }
        if notModified {
            var headers = validators
            headers.add(name: .cacheControl, value: Self.cacheControl(maxAge: maxAge))
            return Response(status: .notModified, headers: headers)
        }
        let headers = Self.okHeaders(validators, maxAge: maxAge, length: body.readableBytes)
        return Response(status: .ok, headers: headers, body: .init(buffer: body))
    }

    /// The headers of a 200 answer to a GET that HTTP caches may keep for `maxAge` seconds.
    private static func okHeaders(_ validators: HTTPHeaders, maxAge: Int, length: Int) -> HTTPHeaders {
        var headers = validators
        headers.add(contentsOf: [("Cache-Control", cacheControl(maxAge: maxAge)), ("Content-Type", contentType),
                                 ("Content-Length", String(length))])
        return headers
    }

    private static func cacheControl(maxAge: Int) -> String {
        "public, max-age=\(maxAge), no-transform, must-revalidate"
    }
}
