@testable import AMSServer
import AMSCore
import Fluent
import Foundation
import Testing

/// Two agencies for access tests: in agency A a submitted registration request with its documents and a holder with
/// an issued certificate; in agency B a holder and an operator; agency A's operator and a CA operator.
struct TwoAgencyWorld {
    let agency: AgencyModel
    let other: AgencyModel
    let request: RegistrationRequestModel
    let attachment: RegistrationAttachmentModel
    let holder: UserModel
    let caOperator: UserModel
    let certificate: CertificateModel

    /// Username of agency B's holder.
    static let otherHolder = "198001012005011001"

    static func make(_ t: TestApp) async throws -> TwoAgencyWorld {
        try await t.certificateAuthority()
        let agency = try await t.agency()
        let other = try await t.agency(code: "BKD-RIAU", name: "BKD Riau", domains: ["riau.go.id"])
        var fields = RegistrationRequestTests.fields
        fields["agencyID"] = agency.id!.uuidString
        #expect(try await t.browser().postMultipart("/register", fields: fields, files: RegistrationRequestTests.files(),
                                                    from: "/register").status == .seeOther)
        let request = try #require(try await RegistrationRequestModel.query(on: t.db).first())
        let attachment = try #require(try await RegistrationAttachmentModel.query(on: t.db).first())
        let holder = try await t.verifiedHolder(agency: agency)
        _ = try await t.verifiedHolder(otherHolder, agency: other, fullName: "Andi Pratama")
        try await t.user("op.sumbar", role: .agencyOperator, agency: agency)
        try await t.user("op.riau", role: .agencyOperator, agency: other)
        let caOperator = try await t.user("op.ca", role: .caOperator)
        let certificate = try await t.issuedCertificate(for: holder, approver: caOperator)
        return TwoAgencyWorld(agency: agency, other: other, request: request, attachment: attachment, holder: holder,
                              caOperator: caOperator, certificate: certificate)
    }
}
