import Foundation

/// A document could not be written, committed or read.
struct StorageError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
