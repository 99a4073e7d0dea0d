import Foundation

/// A PDF's Document Security Store (ETSI EN 319 142-1 §5.4.2, ISO 32000-2 §12.8.4.3): the certificates, OCSP responses
/// and CRLs a validator needs to check the document's signatures later, offline — what turns a PAdES B-T signature
/// into B-LT. AMS reads it when verifying and appends to it, as an incremental update, when it makes B-LT and B-LTA
/// documents.
public struct DocumentSecurityStore: Sendable, Equatable {
    /// DER certificates.
    public var certificates: [[UInt8]]
    /// DER OCSPResponse structures (RFC 6960), as a responder sent them.
    public var ocspResponses: [[UInt8]]
    /// DER CertificateLists (RFC 5280).
    public var crls: [[UInt8]]

    public init(certificates: [[UInt8]] = [], ocspResponses: [[UInt8]] = [], crls: [[UInt8]] = []) {
        self.certificates = certificates
        self.ocspResponses = ocspResponses
        self.crls = crls
    }

    /// The document's store as its newest revision has it (empty when it has none; unreadable entries are skipped).
    public init(reading document: PDFDocument) throws {
        self.init()
        guard let store = try document.resolve(try document.object(document.catalogNumber)["DSS"]) else { return }
        func streams(_ key: String) throws -> [[UInt8]] {
            guard case .array(let items)? = try document.resolve(store[key]) else { return [] }
            return items.prefix(10_000).compactMap { item in item.referenceNumber.flatMap { try? document.streamData($0) } }
        }
        certificates = try streams("Certs")
        ocspResponses = try streams("OCSPs")
        crls = try streams("CRLs")
    }

    public var isEmpty: Bool { certificates.isEmpty && ocspResponses.isEmpty && crls.isEmpty }

    /// `pdf` with this store's contents added to its own (entries it already holds are not repeated), as an
    /// incremental update: new streams, the DSS dictionary and the catalog that points to it (with the ESIC extension
    /// level PAdES documents declare). Earlier signatures stay intact: a DSS is what may follow a signature.
    public func append(to pdf: [UInt8]) throws -> [UInt8] {
        let document = try PDFDocument(pdf)
        let existing = try DocumentSecurityStore(reading: document)
        var catalog = try document.object(document.catalogNumber)
        let store = try document.resolve(catalog["DSS"])
        var update = PDFIncrementalUpdate(document)
        var dictionary: [(key: String, value: PDFObject)] = [("Type", .name("DSS"))]
        for (key, added, held) in [("Certs", certificates, existing.certificates), ("OCSPs", ocspResponses, existing.ocspResponses),
                                   ("CRLs", crls, existing.crls)] {
            var items: [PDFObject] = []
            if case .array(let old)? = try document.resolve(store?[key]) { items = old }
            var seen = Set(held)
            for der in added where seen.insert(der).inserted {
                items.append(update.addStream([], der))
            }
            if !items.isEmpty { dictionary.append((key, .array(items))) }
        }
        if let vri = store?["VRI"] { dictionary.append(("VRI", vri)) }
        let storeReference = update.add(PDFObject.dictionary(dictionary).serialized)
        catalog = catalog.setting("DSS", to: storeReference)
        if catalog["Extensions"] == nil {
            catalog = catalog.setting("Extensions", to: .dictionary([("ESIC", .dictionary([
                ("BaseVersion", .name("1.7")), ("ExtensionLevel", .integer(5)),
            ]))]))
        }
        update.write(document.catalogNumber, catalog.serialized)
        return update.appended().bytes
    }
}
