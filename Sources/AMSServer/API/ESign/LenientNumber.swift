import Foundation

/// A number as agency clients send it: a JSON number or a string holding one (`"12.5"`, `"12,5"`); empty is none.
struct LenientNumber: Codable, Sendable {
    let value: Double?

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            value = nil
        } else if let number = try? container.decode(Double.self) {
            value = number
        } else {
            let text = try container.decode(String.self).trimmingCharacters(in: .whitespaces).replacingOccurrences(of: ",", with: ".")
            guard text.isEmpty || Double(text) != nil else {
                throw DecodingError.dataCorruptedError(in: container, debugDescription: "not a number")
            }
            value = Double(text)
        }
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(value)
    }
}
