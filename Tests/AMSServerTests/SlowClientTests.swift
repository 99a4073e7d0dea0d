@testable import AMSServer
import AMSTestTools
import Foundation
import Testing
import VaporTesting

/// Security finding (medium): connections with half-sent headers, and unfinished uploads, stayed open indefinitely.
/// A live socket against the server, with the idle limit set small for the test.
@Suite("Slow clients: stalled connections are closed")
struct SlowClientTests {
    /// Sends `bytes` on a fresh connection, then waits up to `wait` seconds: "closed <seconds>" when the server
    /// closes it, "answered" when it answers, "open" when neither happens.
    static func stall(port: Int, bytes: String, wait: Double) throws -> String {
        let script = """
        import socket, sys, time
        s = socket.create_connection(("127.0.0.1", \(port)))
        s.sendall(sys.argv[1].encode().decode("unicode_escape").encode("latin-1"))
        s.settimeout(\(wait))
        start = time.time()
        try:
            data = s.recv(64)
        except socket.timeout:
            print("open"); sys.exit()
        print("answered" if data else "closed %.1f" % (time.time() - start))
        """
        let output = try ExternalTool.run(["python3", "-c", script, bytes])
        return output.stdout.trimmingCharacters(in: .whitespacesAndNewlines) + output.stderr
    }

    @Test func halfSentHeadersAndStalledUploadsAreClosed() async throws {
        try await TestApp.with(.sqlite, tweak: { $0.httpIdleTimeout = 1 }) { t in
            // setup
            let port = try await t.startLiveServer()
            // act, check: headers never finished, and an upload that stops after a few bytes, are both closed
            let headers = try Self.stall(port: port, bytes: "GET /health HTTP/1.1\\r\\nHost: x\\r\\n", wait: 8)
            #expect(headers.hasPrefix("closed"), "\(headers)")
            let upload = try Self.stall(port: port, bytes: "POST /register HTTP/1.1\\r\\nHost: x\\r\\nContent-Type: multipart/form-data; boundary=b\\r\\nContent-Length: 4000000\\r\\n\\r\\n--b\\r\\n", wait: 8)
            #expect(upload.hasPrefix("closed"), "\(upload)")
            // a complete request on a fresh connection is still answered
            let whole = try Self.stall(port: port, bytes: "GET /health HTTP/1.1\\r\\nHost: x\\r\\n\\r\\n", wait: 8)
            #expect(whole == "answered", "\(whole)")
            await t.stopLiveServer()
        }
    }
}
