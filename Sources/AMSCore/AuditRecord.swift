import Foundation

/// One entry of the append-only audit log (*Pencatatan*), as the domain sees it. `details` never holds a secret.
public struct AuditRecord: Sendable, Equatable {
    public var sequence: Int64
    /// UTC time, whole milliseconds (so it survives every database round trip unchanged).
    public var occurredAt: Date
    public var actorID: UUID?
    public var actorName: String
    public var actorRole: String
    public var action: String
    public var targetType: String
    public var targetID: String
    public var outcome: AuditOutcome
    public var clientAddress: String
    public var requestID: String
    /// Key–value facts, sorted by key in the canonical form.
    public var details: [String: String]

    public init(sequence: Int64, occurredAt: Date, actorID: UUID?, actorName: String, actorRole: String, action: String,
                targetType: String, targetID: String, outcome: AuditOutcome, clientAddress: String, requestID: String,
                details: [String: String]) {
        self.sequence = sequence
        self.occurredAt = Self.truncatedToMilliseconds(occurredAt)
        self.actorID = actorID
        self.actorName = actorName
        self.actorRole = actorRole
        self.action = action
        self.targetType = targetType
        self.targetID = targetID
        self.outcome = outcome
        self.clientAddress = clientAddress
        self.requestID = requestID
        self.details = details
    }

    /// Rounds to the nearest millisecond. Rounding (not truncating) keeps a stored time stable when a database
    /// round trip moves it by a unit in the last place.
    public static func truncatedToMilliseconds(_ date: Date) -> Date {
        Date(timeIntervalSince1970: (date.timeIntervalSince1970 * 1000).rounded() / 1000)
    }

    public var occurredAtMilliseconds: Int64 { Int64((occurredAt.timeIntervalSince1970 * 1000).rounded()) }

    /// The bytes the chain MAC covers: every field, length-prefixed so no two records encode alike.
    public var canonicalBytes: [UInt8] {
        Self.canonicalHead(sequence: sequence) + canonicalTail
    }

    /// The start of ``canonicalBytes``: the format's name and the sequence number, the only part a record gets when
    /// it takes its place in the chain.
    public static func canonicalHead(sequence: Int64) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(32)
        appendField("ams-audit-v1", to: &out)
        appendField(String(sequence), to: &out)
        return out
    }

    /// The rest of ``canonicalBytes`` (everything after the sequence number), which can be worked out before the
    /// record has its sequence number.
    public var canonicalTail: [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(320)
        Self.appendField(String(occurredAtMilliseconds), to: &out)
        Self.appendField(actorID?.uuidString.lowercased() ?? "", to: &out)
        Self.appendField(actorName, to: &out)
        Self.appendField(actorRole, to: &out)
        Self.appendField(action, to: &out)
        Self.appendField(targetType, to: &out)
        Self.appendField(targetID, to: &out)
        Self.appendField(outcome.rawValue, to: &out)
        Self.appendField(clientAddress, to: &out)
        Self.appendField(requestID, to: &out)
        Self.appendField(String(details.count), to: &out)
        for key in details.keys.sorted() {
            Self.appendField(key, to: &out)
            Self.appendField(details[key] ?? "", to: &out)
        }
        return out
    }

    /// `<UTF-8 length>:<UTF-8 bytes>`.
    private static func appendField(_ text: String, to out: inout [UInt8]) {
        out.append(contentsOf: String(text.utf8.count).utf8)
        out.append(0x3A)  // ":"
        out.append(contentsOf: text.utf8)
    }

    /// Details as canonical JSON (sorted keys, slashes and non-ASCII as they are), as stored.
    public var detailsJSON: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // a [String: String] always encodes
        return String(decoding: (try? encoder.encode(details)) ?? Data("{}".utf8), as: UTF8.self)
    }

    public static func details(fromJSON json: String) -> [String: String] {
        plainDetails(json) ?? (try? JSONDecoder().decode([String: String].self, from: Data(json.utf8))) ?? [:]
    }

    /// The common case read directly (verifying millions of entries spends most of its time here otherwise): an
    /// object of strings without escapes, as ``detailsJSON`` writes details of plain text. Anything else — an escape,
    /// a number, odd spacing — is nil, and JSONDecoder reads it.
    private static func plainDetails(_ json: String) -> [String: String]? {
        var utf8 = json.utf8[...]
        func string() -> String? {
            guard utf8.first == UInt8(ascii: "\""), let end = utf8.dropFirst().firstIndex(of: UInt8(ascii: "\"")) else { return nil }
            let text = utf8[utf8.index(after: utf8.startIndex)..<end]
            guard !text.contains(UInt8(ascii: "\\")) else { return nil }
            utf8 = utf8[utf8.index(after: end)...]
            return String(decoding: text, as: UTF8.self)
        }
        func take(_ character: Unicode.Scalar) -> Bool {
            guard utf8.first == UInt8(ascii: character) else { return false }
            utf8 = utf8.dropFirst()
            return true
        }
        guard take("{") else { return nil }
        var details: [String: String] = [:]
        if take("}") { return utf8.isEmpty ? details : nil }
        repeat {
            guard let key = string(), take(":"), let value = string() else { return nil }
            details[key] = value
        } while take(",")
        return take("}") && utf8.isEmpty ? details : nil
    }
}
