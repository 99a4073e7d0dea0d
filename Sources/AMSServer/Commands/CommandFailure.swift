import AMSCore

/// A command's failure: printed and turned into a non-zero exit status by the executable.
struct CommandFailure: Error, CustomStringConvertible {
    let description: String

    init(_ description: String) { self.description = description }

    /// Every field's message, in English, in field order.
    init(_ invalid: ValidationError) {
        description = invalid.fields.sorted { $0.key < $1.key }
            .map { "\($0.key): \(Localizer.text($0.value.key, .en, $0.value.arguments))" }.joined(separator: "; ")
    }
}
