import AMSCore
import Fluent
import Vapor

/// The page contexts ``AdminAgencyController`` renders.
extension AdminAgencyController {
    struct AgencyRow: Encodable {
        let id: String
        let code: String
        let name: String
        let certificateName: String
        let domains: String
        let userCount: Int
    }

    struct ListPage: Encodable {
        let agencies: [AgencyRow]
    }

    /// The form for a new agency (`action` /admin/agencies) or for editing one (its own address; code and domains
    /// are then shown, not edited).
    struct NewPage: Encodable {
        let code: String
        let name: String
        let domains: String
        var certificateName = ""
        /// The three zones, the agency's selected.
        var timeZones: [SelectOption] = NewPage.zones(selected: .default)
        var action = "/admin/agencies"
        var editing = false
        let errors: FormErrors

        static func zones(selected: AgencyTimeZone) -> [SelectOption] {
            AgencyTimeZone.allCases.map { SelectOption(value: $0.abbreviation, label: $0.abbreviation, selected: $0 == selected) }
        }
    }
}
