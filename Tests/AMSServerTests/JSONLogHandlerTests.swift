@testable import AMSServer
import Foundation
import Logging
import NIOConcurrencyHelpers
import Testing

/// Issue 21: logs as JSON lines, for log collectors.
@Suite struct JSONLogHandlerTests {
    @Test func eachLineIsOneJSONObjectWithTheMessageAndItsMetadata() throws {
        let lines = NIOLockedValueBox<[String]>([])
        var logger = Logger(label: "ams.test") { label in
            JSONLogHandler(label: label, level: .info) { line in lines.withLockedValue { $0.append(line) } }
        }
        logger[metadataKey: "request-id"] = "r-1"
        logger[metadataKey: "route"] = "logger's"
        logger.debug("below the level")
        logger.info("said \"hello\"\nand left", metadata: ["route": "call's", "status": .stringConvertible(303),
                                                             "ids": .array(["a", "b"])])
        logger.error("second")
        let written = lines.withLockedValue { $0 }
        #expect(written.count == 2)
        #expect(written.allSatisfy { !$0.contains("\n") })
        let first = try #require(JSONSerialization.jsonObject(with: Data(written[0].utf8)) as? [String: String])
        #expect(first["message"] == "said \"hello\"\nand left")
        #expect(first["level"] == "info" && first["label"] == "ams.test")
        #expect(first["request-id"] == "r-1" && first["route"] == "call's" && first["status"] == "303")
        // lists and dictionaries as their text, one field still
        #expect(first["ids"] == Logger.MetadataValue.array(["a", "b"]).description)
        let time = try #require(first["time"])
        #expect(time.hasSuffix("Z") && time.contains("T") && time.contains("."))
        #expect(try ISO8601DateFormatter.withFractions.date(from: time) != nil)
        let second = try #require(JSONSerialization.jsonObject(with: Data(written[1].utf8)) as? [String: String])
        #expect(second["level"] == "error" && second["message"] == "second")
    }
}

private extension ISO8601DateFormatter {
    static var withFractions: ISO8601DateFormatter {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter
    }
}
