import Vapor

extension RegistrationService.UploadedFile {
    /// A file field of a multipart form; nil when the field was left empty.
    init?(_ file: File?) {
        guard let file, file.data.readableBytes > 0 else { return nil }
        self.init(filename: file.filename, bytes: Array(file.data.readableBytesView))
    }
}
