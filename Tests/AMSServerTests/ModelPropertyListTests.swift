@testable import AMSServer
import Fluent
import Testing

@Suite("Models that list their properties by hand")
struct ModelPropertyListTests {
    /// The property wrappers reflection finds, in declaration order (what Fluent's default `properties` returns).
    func reflected(_ model: some Fields) -> [ObjectIdentifier] {
        Mirror(reflecting: model).children.compactMap { $0.value as? any AnyProperty }.map { ObjectIdentifier($0 as AnyObject) }
    }

    @Test func theCertificateModelListsEveryPropertyItDeclaresOnce() {
        let model = CertificateModel()
        let listed = model.properties.map { ObjectIdentifier($0 as AnyObject) }
        #expect(listed.count == Set(listed).count)
        #expect(Set(listed) == Set(reflected(model)))
        #expect(listed.count == reflected(model).count)
    }
}
