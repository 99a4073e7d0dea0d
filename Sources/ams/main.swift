import AMSServer
import Foundation
import Vapor

// The AMS executable: `ams serve` (default), `ams user create`, `ams agency create`, `ams mail deliver`,
// `ams audit verify`, `ams migrate`. Configuration comes from AMS_* environment variables (see README.md).
// `ams backup restore DIR` puts a backup into an empty installation before anything opens (and would create) its
// database, so it runs here, without the application.
let words = Array(CommandLine.arguments.dropFirst().filter { !$0.hasPrefix("-") })
if words.starts(with: ["backup", "restore"]) {
    guard words.count == 3 else {
        FileHandle.standardError.write(Data("usage: ams backup restore DIR\n".utf8))
        exit(2)
    }
    do {
        try BackupRestorer(configuration: AppConfiguration.fromEnvironment()).restore(from: words[2]) { print($0) }
        exit(0)
    } catch {
        FileHandle.standardError.write(Data("ams: \(error)\n".utf8))
        exit(1)
    }
}
var environment = try Environment.detect()
switch ProcessInfo.processInfo.environment["AMS_LOG_FORMAT"] ?? "text" {
case "text":
    try LoggingSystem.bootstrap(from: &environment)
case "json":
    try LoggingSystem.bootstrap(from: &environment) { level in { label in JSONLogHandler(label: label, level: level) } }
default:
    FileHandle.standardError.write(Data("ams: AMS_LOG_FORMAT must be text or json\n".utf8))
    exit(2)
}
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
