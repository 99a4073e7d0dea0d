import AMSServer
import Foundation

/// External programs the benchmarks compare against (openssl, ab), with wall time and the child's peak memory.
enum BenchProcess {
    struct Outcome: Sendable {
        let status: Int32
        let output: String
        let seconds: Double
        /// Peak resident memory of the program, in KiB (from the kernel's rusage of the finished child).
        let peakKiB: Int
    }

    /// Runs a program to its end through a tiny Python shim that reports the child's `ru_maxrss`.
    static func measure(_ arguments: [String], directory: String? = nil) throws -> Outcome {
        let shim = """
        import resource, subprocess, sys, time
        start = time.monotonic()
        done = subprocess.run(sys.argv[1:], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        elapsed = time.monotonic() - start
        sys.stdout.write(done.stdout.decode("utf-8", "replace"))
        sys.stdout.write("\\n@@bench %d %.6f %d\\n" % (done.returncode, elapsed, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss))
        """
        let output = try run(["python3", "-c", shim] + arguments, directory: directory)
        guard let line = output.split(separator: "\n").last(where: { $0.hasPrefix("@@bench ") }) else {
            throw BenchFailure("could not run \(arguments.first ?? "?")")
        }
        let parts = line.split(separator: " ")
        return Outcome(status: Int32(parts[1]) ?? -1, output: output, seconds: Double(parts[2]) ?? 0, peakKiB: Int(parts[3]) ?? 0)
    }

    /// Runs a program to its end and returns what it printed.
    @discardableResult
    static func run(_ arguments: [String], directory: String? = nil) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }

    /// ``run(_:directory:)`` on a thread of its own, so the waiting never holds one of the few threads that run the
    /// server being measured.
    /// (A blocking wait there starved the in-process server under test: requests hung until the client gave up.)
    static func runDetached(_ arguments: [String]) async throws -> String {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread {
                continuation.resume(with: Result { try run(arguments) })
            }
        }
    }

    /// Starts a long-running program (a responder) with its output going to `log`; the caller terminates it.
    static func start(_ arguments: [String], directory: String? = nil, log: String) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        FileManager.default.createFile(atPath: log, contents: nil)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        return process
    }

    /// Ends a program started by ``start(_:directory:log:)`` and the processes it forked (`openssl ocsp -multi`
    /// keeps its workers alive, spinning, when only the parent is killed, which skewed every later measurement).
    static func stop(_ process: Process) {
        let parent = process.processIdentifier
        let children = ((try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []).compactMap { entry -> pid_t? in
            guard let pid = pid_t(entry), let stat = try? String(contentsOfFile: "/proc/\(entry)/stat", encoding: .utf8),
                  let close = stat.range(of: ")", options: .backwards) else { return nil }
            // fields after the command: state, ppid, …
            let fields = stat[close.upperBound...].split(separator: " ")
            return fields.count > 1 && pid_t(fields[1]) == parent ? pid : nil
        }
        for child in children { kill(child, SIGKILL) }
        kill(parent, SIGKILL)
        process.waitUntilExit()
    }

    static func isInstalled(_ program: String) -> Bool {
        (try? run(["sh", "-c", "command -v \(program)"]))?.isEmpty == false
    }

    /// A process's resident set now (VmRSS), in KiB; this process's when no id is given.
    static func residentKiB(of pid: Int32? = nil) -> Int {
        let path = pid.map { "/proc/\($0)/status" } ?? "/proc/self/status"
        guard let status = try? String(contentsOfFile: path, encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }) else { return 0 }
        return Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0
    }
}

struct BenchFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
