import AMSServer
import Foundation
import Vapor

// The AMS executable: `ams serve` (default), `ams user create`, `ams agency create`, `ams mail deliver`,
// `ams audit verify`, `ams migrate`. Configuration comes from AMS_* environment variables (see README.md).
var environment = try Environment.detect()
try LoggingSystem.bootstrap(from: &environment)
let app = try await Application.make(environment)
let command = CommandLine.arguments.dropFirst().first { !$0.hasPrefix("-") }
let mode: RunMode = (command == nil || command == "serve") ? .serve : .command
do {
    let configuration = try AppConfiguration.fromEnvironment()
    try await configure(app, configuration: configuration, mode: mode)
    try await app.execute()
    try await app.asyncShutdown()
} catch {
    FileHandle.standardError.write(Data("ams: \(error)\n".utf8))
    try? await app.asyncShutdown()
    exit(1)
}
