@testable import AMSServer
import AMSTestTools
import Foundation
import Testing
import VaporTesting

/// Security finding (medium): 1,100 connections with half-sent headers starved every legitimate request, and headers
/// sent a byte at a time kept connections open. Vapor's server gives AMS no hook before a request's head is complete,
/// so those bounds are the reverse proxy's: `deploy/nginx/ams.conf`, run here in front of a live AMS (its times
/// shortened for the test) and checked over real sockets.
@Suite("The shipped nginx configuration bounds connections AMS cannot")
struct ReverseProxyTests {
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// nginx from Debian, with the shipped configuration in front of AMS's `upstreamPort`.
    final class Proxy {
        let folder: ScratchFolder
        let process = Process()
        let port: Int

        init(upstreamPort: Int, headerSeconds: Int, connectionsPerAddress: Int) throws {
            folder = try ScratchFolder("ams-nginx")
            port = Int(try ExternalTool.run(["python3", "-c",
                "import socket; s = socket.socket(); s.bind(('127.0.0.1', 0)); print(s.getsockname()[1])"]).stdout
                .trimmingCharacters(in: .whitespacesAndNewlines))!
            var site = try String(contentsOf: packageRoot.appendingPathComponent("deploy/nginx/ams.conf"), encoding: .utf8)
            for (shipped, test) in [("server 127.0.0.1:8080;", "server 127.0.0.1:\(upstreamPort);"),
                                    ("listen 80;", "listen 127.0.0.1:\(port);"),
                                    ("client_header_timeout 10s;", "client_header_timeout \(headerSeconds)s;"),
                                    ("limit_conn ams_per_address 20;", "limit_conn ams_per_address \(connectionsPerAddress);")] {
                #expect(site.contains(shipped), "the shipped file no longer has \(shipped)")
                site = site.replacingOccurrences(of: shipped, with: test)
            }
            let prefix = folder.url.path
            _ = try folder.write("ams.conf", site)
            _ = try folder.write("nginx.conf", """
            daemon off;
            worker_processes 1;
            worker_rlimit_nofile 8192;
            pid \(prefix)/nginx.pid;
            error_log \(prefix)/error.log warn;
            events { worker_connections 4096; }
            http {
                access_log off;
                client_body_temp_path \(prefix)/body;
                proxy_temp_path \(prefix)/proxy;
                fastcgi_temp_path \(prefix)/fastcgi;
                uwsgi_temp_path \(prefix)/uwsgi;
                scgi_temp_path \(prefix)/scgi;
                include \(prefix)/ams.conf;
            }
            """)
            let nginx = ["/usr/sbin/nginx", "/usr/bin/nginx"].first { FileManager.default.isExecutableFile(atPath: $0) } ?? "nginx"
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = [nginx, "-p", prefix, "-c", "\(prefix)/nginx.conf"]
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
        }

        func stop() {
            if process.isRunning { process.terminate() }
            process.waitUntilExit()
        }
    }

    @Test func halfSentAndTrickledHeadersNeverReachAMSAndLegitimateRequestsAreServed() async throws {
        try await TestApp.with(.sqlite, tweak: { $0.trustForwardedFor = true; $0.httpIdleTimeout = 60 }) { t in
            // setup: AMS on a live socket, nginx in front with the shipped file (head within 2 s, 5 requests per address)
            let amsPort = try await t.startLiveServer()
            let proxy = try Proxy(upstreamPort: amsPort, headerSeconds: 2, connectionsPerAddress: 5)
            defer { proxy.stop() }
            // act: 1,100 half-sent heads; a complete request meanwhile; a head sent a byte at a time; AMS's own
            // descriptors counted while they are held; then 8 unfinished uploads from one address
            let output = try await ExternalTool.runDetached(["python3", "-c", """
            import os, resource, socket, sys, time
            PORT = int(sys.argv[1]); AMS = os.getppid()
            soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
            resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, 4096), hard))
            def connect():
                for attempt in range(100):
                    try:
                        return socket.create_connection(("127.0.0.1", PORT))
                    except ConnectionRefusedError:
                        time.sleep(0.1)
                raise SystemExit("nginx did not start")
            def answer(s, wait):
                s.settimeout(wait)
                try:
                    data = s.recv(64)
                except socket.timeout:
                    return "open"
                except ConnectionResetError:
                    return "closed"
                return data.split(b"\\r\\n")[0].decode() if data else "closed"
            connect().close()
            before = len(os.listdir("/proc/%d/fd" % AMS))
            held = []
            for i in range(1100):
                s = connect(); s.sendall(b"GET /health HTTP/1.1\\r\\nHost: x\\r\\n"); held.append(s)
            during = len(os.listdir("/proc/%d/fd" % AMS))
            start = time.time()
            s = connect(); s.sendall(b"GET /health HTTP/1.1\\r\\nHost: x\\r\\n\\r\\n")
            print("legitimate|%s|%.2f" % (answer(s, 10), time.time() - start))
            print("ams descriptors|%d" % (during - before))
            trickle = connect(); start = time.time(); state = "open"
            while time.time() - start < 8:
                try:
                    trickle.sendall(b"X"); time.sleep(0.3)
                except OSError:
                    state = "closed"; break
                trickle.settimeout(0.01)
                try:
                    if trickle.recv(64) in (b"",): state = "closed"; break
                except socket.timeout:
                    pass
                except ConnectionResetError:
                    state = "closed"; break
            print("trickle|%s|%.1f" % (state, time.time() - start))
            time.sleep(0.5)
            print("half-sent closed|%d" % sum(1 for s in held[:100] if answer(s, 0.5) == "closed"))
            for s in held: s.close()
            uploads = []
            for i in range(8):
                s = connect()
                s.sendall(b"POST /register HTTP/1.1\\r\\nHost: x\\r\\nContent-Type: multipart/form-data; boundary=b\\r\\nContent-Length: 100000\\r\\n\\r\\n--b\\r\\n")
                uploads.append(s)
            print("uploads|" + "|".join(answer(s, 1) for s in uploads))
            """, String(proxy.port)])
            // one line per finding: "name|value|value…"
            let lines = Dictionary(output.stdout.split(separator: "\n").map { line in
                let fields = line.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
                return (fields[0], Array(fields.dropFirst()))
            }, uniquingKeysWith: { $1 })
            // check: the complete request is answered (not starved: within the 10 s the client waits) while 1,100 heads
            // are pending, and AMS holds none of them (how fast is the benchmarks' business, not a test's)
            let legitimate = try #require(lines["legitimate"], "\(output.combined)")
            #expect(legitimate.first?.hasPrefix("HTTP/1.1 200") == true, "\(output.combined)")
            #expect((Int(lines["ams descriptors"]?.first ?? "") ?? 9999) < 200, "\(output.combined)")
            // a head trickled a byte every 0.3 s is cut off by the header deadline (2 s) within the 8 s it keeps trying,
            // though it was never idle (without the deadline it stays open)
            let trickle = try #require(lines["trickle"], "\(output.combined)")
            #expect(trickle.first == "closed", "\(output.combined)")
            // the half-sent heads are closed too
            #expect(lines["half-sent closed"]?.first == "100", "\(output.combined)")
            // five uploads in progress from one address, the others refused with 429
            let uploads = try #require(lines["uploads"], "\(output.combined)")
            #expect(uploads.filter { $0.hasPrefix("HTTP/1.1 429") }.count == 3 && uploads.filter { $0 == "open" }.count == 5,
                    "\(output.combined)")
            await t.stopLiveServer()
        }
    }
}
