import AMSCore
import Foundation
import Testing

@Suite("Audit records")
struct AuditRecordTests {
    func record() -> AuditRecord {
        AuditRecord(sequence: 7, occurredAt: Date(timeIntervalSince1970: 1_800_000_000.123456), actorID: UUID(),
                    actorName: "admin", actorRole: "administrator", action: "account.created", targetType: "user",
                    targetID: "u1", outcome: .success, clientAddress: "10.0.0.1", requestID: "r1",
                    details: ["role": "auditor", "username": "ani"])
    }

    @Test func timeIsKeptToWholeMilliseconds() {
        #expect(record().occurredAtMilliseconds == 1_800_000_000_123)
    }

    @Test func aTimeNudgedByOneUnitInTheLastPlaceKeepsItsCanonicalForm() {
        // setup: what a database round trip can do to a stored double
        var original = record()
        original.occurredAt = Date(timeIntervalSince1970: 1_795_574_307.857)
        let stored = original.occurredAt.timeIntervalSince1970
        // act
        var below = original, above = original
        below.occurredAt = Date(timeIntervalSince1970: stored.nextDown)
        above.occurredAt = Date(timeIntervalSince1970: stored.nextUp)
        let rebuiltBelow = AuditRecord(sequence: below.sequence, occurredAt: below.occurredAt, actorID: below.actorID,
                                       actorName: below.actorName, actorRole: below.actorRole, action: below.action,
                                       targetType: below.targetType, targetID: below.targetID, outcome: below.outcome,
                                       clientAddress: below.clientAddress, requestID: below.requestID, details: below.details)
        // check
        #expect(rebuiltBelow.canonicalBytes == original.canonicalBytes)
        #expect(above.canonicalBytes == original.canonicalBytes)
        #expect(original.occurredAtMilliseconds == 1_795_574_307_857)
    }

    @Test func everyFieldChangesTheCanonicalBytes() {
        let base = record()
        var variants: [AuditRecord] = []
        var r = base; r.sequence = 8; variants.append(r)
        r = base; r.occurredAt = base.occurredAt.addingTimeInterval(0.001); variants.append(r)
        r = base; r.actorID = UUID(); variants.append(r)
        r = base; r.actorName = "admin2"; variants.append(r)
        r = base; r.actorRole = "auditor"; variants.append(r)
        r = base; r.action = "account.disabled"; variants.append(r)
        r = base; r.targetType = "agency"; variants.append(r)
        r = base; r.targetID = "u2"; variants.append(r)
        r = base; r.outcome = .failure; variants.append(r)
        r = base; r.clientAddress = "10.0.0.2"; variants.append(r)
        r = base; r.requestID = "r2"; variants.append(r)
        r = base; r.details["role"] = "administrator"; variants.append(r)
        for variant in variants {
            #expect(variant.canonicalBytes != base.canonicalBytes)
        }
    }

    @Test func fieldBoundariesCannotBeShifted() {
        var a = record(), b = record()
        a.targetType = "user"; a.targetID = "x"
        b.targetType = "use"; b.targetID = "rx"
        #expect(a.canonicalBytes != b.canonicalBytes)
    }

    @Test func theCanonicalFormIsLengthPrefixedFieldsInAFixedOrder() {
        // what every stored chain was computed over: a change here would break verifying existing logs
        let r = AuditRecord(sequence: 12, occurredAt: Date(timeIntervalSince1970: 1_800_000_000.5), actorID: nil, actorName: "Siti",
                            actorRole: "ca_operator", action: "certificate.issued", targetType: "certificate", targetID: "c1",
                            outcome: .success, clientAddress: "", requestID: "r-9", details: ["serial": "0a", "a": "Müller"])
        let expected = "12:ams-audit-v1" + "2:12" + "13:1800000000500" + "0:" + "4:Siti" + "11:ca_operator" + "18:certificate.issued"
            + "11:certificate" + "2:c1" + "7:success" + "0:" + "3:r-9" + "1:2" + "1:a" + "7:Müller" + "6:serial" + "2:0a"
        #expect(String(decoding: r.canonicalBytes, as: UTF8.self) == expected)
    }

    @Test func detailsRoundTripThroughJSON() {
        let r = record()
        #expect(AuditRecord.details(fromJSON: r.detailsJSON) == r.details)
        #expect(r.detailsJSON == #"{"role":"auditor","username":"ani"}"#)
    }

    @Test func detailsJSONIsWhatJSONEncoderWritesAndReadsBack() throws {
        func record(_ details: [String: String]) -> AuditRecord {
            AuditRecord(sequence: 1, occurredAt: Date(), actorID: nil, actorName: "a", actorRole: "r", action: "x", targetType: "",
                        targetID: "", outcome: .success, clientAddress: "", requestID: "", details: details)
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let samples: [[String: String]] = [
            [:], ["serial": "0a1b2c", "subject": "CN=Siti Rahmawati,O=Diskominfo/Sumbar", "holder": "199005052015032001"],
            ["quote": "say \"hi\"", "backslash": #"C:\path"#, "url": "https://ams.example.go.id/certificates/1"],
            ["name": "Müller – 日本 😀", "b": "", "a": "1"],
        ]
        for details in samples {
            #expect(record(details).detailsJSON == String(decoding: try encoder.encode(details), as: UTF8.self))
        }
        // control characters (LogSafe escapes them before they get here) still make valid JSON that reads back
        let tricky = ["k": "tab\tnew\nline\r\u{0}\u{08}\u{0C}\u{1F} end"]
        #expect(AuditRecord.details(fromJSON: record(tricky).detailsJSON) == tricky)
    }

    /// Plain details are read without JSONDecoder (the verifier reads millions); everything reads back the same.
    @Test func detailsReadBackWhateverTheirJSONHolds() {
        let samples: [[String: String]] = [
            [:], ["n": "7"], ["serial": "0a1b2c", "subject": "CN=Siti Rahmawati,O=Diskominfo/Sumbar", "holder": "199005052015032001"],
            ["quote": "say \"hi\"", "backslash": #"C:\path"#, "braces": "{\"a\":\"b\"}", "comma": "a,b:c"],
            ["name": "Müller – 日本 😀", "b": "", "a": "1"], ["k": "tab\tnew\nline"],
        ]
        for details in samples {
            let record = AuditRecord(sequence: 1, occurredAt: Date(), actorID: nil, actorName: "a", actorRole: "r", action: "x",
                                     targetType: "", targetID: "", outcome: .success, clientAddress: "", requestID: "", details: details)
            #expect(AuditRecord.details(fromJSON: record.detailsJSON) == details)
        }
        // JSON written otherwise (spaces, a number) is still read; what is not an object of strings reads as none
        #expect(AuditRecord.details(fromJSON: #"{ "a" : "b" , "c":"d" }"#) == ["a": "b", "c": "d"])
        #expect(AuditRecord.details(fromJSON: #"{"a":"b"}x"#) == [:])
        #expect(AuditRecord.details(fromJSON: #"{"a":1}"#) == [:])
        #expect(AuditRecord.details(fromJSON: #"{"a":"b""#) == [:])
        #expect(AuditRecord.details(fromJSON: "") == [:])
    }
}
