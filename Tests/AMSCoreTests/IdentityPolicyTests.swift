import AMSCore
import Foundation
import Testing

@Suite("Identity changes and issuance")
struct IdentityPolicyTests {
    let base = IdentityFields(fullName: "Siti Rahmawati", position: "Analis", agencyID: UUID(), email: "siti@sumbarprov.go.id")

    @Test func everyCertificateFieldCounts() {
        var changed = base; changed.fullName = "Siti Rahmawati, S.Kom."
        #expect(IdentityPolicy.changeRequiresReverification(from: base, to: changed))
        changed = base; changed.position = "Kepala Bidang"
        #expect(IdentityPolicy.changeRequiresReverification(from: base, to: changed))
        changed = base; changed.agencyID = UUID()
        #expect(IdentityPolicy.changeRequiresReverification(from: base, to: changed))
        changed = base; changed.email = "siti.r@sumbarprov.go.id"
        #expect(IdentityPolicy.changeRequiresReverification(from: base, to: changed))
        changed = base; changed.email = "SITI@sumbarprov.go.id"
        #expect(!IdentityPolicy.changeRequiresReverification(from: base, to: changed))
        #expect(!IdentityPolicy.changeRequiresReverification(from: base, to: base))
    }

    @Test func issuanceNeedsAVerifiedUnchangedIdentity() {
        #expect(IdentityPolicy.mayIssueCertificate(identityVerifiedAt: Date(), reverificationRequired: false))
        #expect(!IdentityPolicy.mayIssueCertificate(identityVerifiedAt: Date(), reverificationRequired: true))
        #expect(!IdentityPolicy.mayIssueCertificate(identityVerifiedAt: nil, reverificationRequired: false))
    }
}
