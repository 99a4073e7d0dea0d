import Foundation
import Vapor

/// An OCSP answer with what its HTTP response needs worked out once: for an answer HTTP caches may keep, as RFC 5019
/// §6.2 recommends, `Last-Modified` (thisUpdate), `Expires` (nextUpdate) and an `ETag` of the response.
struct OCSPHTTPAnswer: Sendable {
    /// How long an HTTP cache may keep a GET answer at most (a revocation reaches clients behind caches within it).
    static let maxAge: TimeInterval = 300

    let answer: OCSPResponder.Answer
    private let tag: String
    private let lastModified: String
    private let expires: String

    init(_ answer: OCSPResponder.Answer) {
        self.answer = answer
        if let window = answer.cacheableUntil {
            tag = "\"" + TokenDigest.sha256Hex(answer.bytes).prefix(32) + "\""
            lastModified = HTTPDate.string(from: window.lowerBound)
            expires = HTTPDate.string(from: window.upperBound)
        } else {
            (tag, lastModified, expires) = ("", "", "")
        }
    }

    /// The response to a GET (`get`: its headers) or a POST (nil). A GET answer that caches may keep gets the headers
    /// above and a `max-age` that never outlives nextUpdate; a matching `If-None-Match` gets 304. Everything else is
    /// `no-store`.
    func response(get: HTTPHeaders?, now: Date) -> Response {
        guard let get, let window = answer.cacheableUntil else {
            let response = Response(status: .ok, body: .init(data: Data(answer.bytes)))
            response.headers.replaceOrAdd(name: .contentType, value: "application/ocsp-response")
            response.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
            return response
        }
        let notModified = get[.ifNoneMatch].contains { $0.split(separator: ",").contains { $0.trimmingCharacters(in: .whitespaces) == tag } }
        let response = notModified ? Response(status: .notModified) : Response(status: .ok, body: .init(data: Data(answer.bytes)))
        if !notModified { response.headers.replaceOrAdd(name: .contentType, value: "application/ocsp-response") }
        let maxAge = max(0, Int(min(Self.maxAge, window.upperBound.timeIntervalSince(now))))
        response.headers.replaceOrAdd(name: .cacheControl, value: "public, max-age=\(maxAge), no-transform, must-revalidate")
        response.headers.replaceOrAdd(name: .lastModified, value: lastModified)
        response.headers.replaceOrAdd(name: .expires, value: expires)
        response.headers.replaceOrAdd(name: .eTag, value: tag)
        return response
    }
}
