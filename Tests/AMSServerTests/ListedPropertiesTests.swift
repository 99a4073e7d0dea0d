@testable import AMSServer
import FluentKit
import Testing

/// The models read in bulk list their property wrappers by hand (`properties`), because FluentKit's default finds
/// them by reflection on every row it reads. A list that misses a field would silently neither load nor save it, so
/// each list must be exactly what reflection finds: the same wrapper objects, in the same order.
@Suite("Models: hand-listed properties match reflection")
struct ListedPropertiesTests {
    static let models: [any Model] = [RegistrationRequestModel(), UserModel(), CertificateModel(), AgencyModel(),
                                      AuditEntryModel(), StepDurationDayModel(), SessionModel()]

    @Test(arguments: models.indices)
    func theListedPropertiesAreThoseReflectionFinds(index: Int) {
        let model = Self.models[index]
        let reflected = Mirror(reflecting: model).children.compactMap { child in
            (child.value as? any AnyProperty).map { (name: child.label ?? "?", id: ObjectIdentifier($0)) }
        }
        let listed = model.properties.map(ObjectIdentifier.init)
        let missing = reflected.filter { !listed.contains($0.id) }.map(\.name)
        #expect(!reflected.isEmpty)
        #expect(missing.isEmpty, "\(type(of: model)) does not list \(missing)")
        let same = listed == reflected.map(\.id)
        #expect(same, "\(type(of: model)): \(listed.count) listed, \(reflected.count) found by reflection, or not in their order")
    }
}
