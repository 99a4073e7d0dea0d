/// A backup or restore that cannot go on; its message says why, for the operator.
struct BackupError: Error, CustomStringConvertible {
    let description: String

    init(_ description: String) {
        self.description = description
    }
}
