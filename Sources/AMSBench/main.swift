import AMSServer
import Foundation
import Vapor

// `ams-bench`: the speed report of AMS (BENCHMARKS.md), run through `scripts/bench` on a release build. It measures
// on throwaway databases and CAs of its own, and starts the `ams` executable built beside it for the OCSP and CRL
// runs, as production runs it.
// the one command; its options follow directly (`ams-bench --certificates 2000`)
var environment = try Environment.detect(arguments: [CommandLine.arguments[0], "bench"] + CommandLine.arguments.dropFirst())
try LoggingSystem.bootstrap(from: &environment)
let app = try await Application.make(environment)
app.asyncCommands.use(BenchCommand(), as: "bench")
do {
    try await app.execute()
    try await app.asyncShutdown()
} catch {
    FileHandle.standardError.write(Data("ams-bench: \(error)\n".utf8))
    try? await app.asyncShutdown()
    exit(1)
}
