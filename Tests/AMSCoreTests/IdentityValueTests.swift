import AMSCore
import Foundation
import Testing

@Suite("Identity values and account drafts")
struct IdentityValueTests {
    @Test func emailAddressesAreNormalisedAndRestricted() {
        #expect(EmailAddress(" Budi.Santoso@SumbarProv.go.id ")?.value == "budi.santoso@sumbarprov.go.id")
        for bad in ["budi", "@x.go.id", "budi@", "budi@localhost", "bu di@x.go.id", "budi@x..go.id", ".budi@x.go.id",
                    "budi@x.go.id\nBcc: evil@x.com", "budi@-x.go.id"] {
            #expect(EmailAddress(bad) == nil, "\(bad) must be refused")
        }
    }

    @Test func emailBelongsToDomainOrSubdomain() {
        let domain = EmailDomain("sumbarprov.go.id")!
        #expect(EmailAddress("a@sumbarprov.go.id")!.belongs(to: domain))
        #expect(EmailAddress("a@diskominfo.sumbarprov.go.id")!.belongs(to: domain))
        #expect(!EmailAddress("a@evilsumbarprov.go.id")!.belongs(to: domain))
        #expect(!EmailAddress("a@sumbarprov.go.id.evil.com")!.belongs(to: domain))
    }

    @Test func usernamesAreLowerCasedAndLimited() {
        #expect(Username("Budi.Santoso")?.value == "budi.santoso")
        #expect(Username("ab") == nil)
        #expect(Username(String(repeating: "a", count: 33)) == nil)
        #expect(Username("_budi") == nil)
        #expect(Username("budi santoso") == nil)
    }

    @Test func namesRefuseControlCharactersAndLineBreaks() {
        #expect(PersonName("Siti  Nurhaliza")?.value == "Siti Nurhaliza")
        #expect(PersonName("Ni Luh Putu Ayu") != nil)
        #expect(PersonName("O'Brien-Smith, Jr.") != nil)
        #expect(PersonName("Budi\nadmin logged in") == nil)
        #expect(PersonName("Budi\u{0}") == nil)
        #expect(PersonName("<script>") == nil)
        #expect(PersonName("B") == nil)
    }

    @Test func agencyRolesNeedAnAgencyAndItsMailDomain() throws {
        let username = Username("budi")!, name = PersonName("Budi Santoso")!
        let agency = UUID()
        let domains = [EmailDomain("sumbarprov.go.id")!]
        _ = try AccountDraft(username: username, email: EmailAddress("budi@sumbarprov.go.id")!, fullName: name,
                             role: .agencyOperator, agencyID: agency, agencyDomains: domains)
        #expect(throws: DomainError.agencyRequired) {
            try AccountDraft(username: username, email: EmailAddress("budi@sumbarprov.go.id")!, fullName: name,
                             role: .agencyOperator, agencyID: nil, agencyDomains: [])
        }
        #expect(throws: DomainError.emailDomainNotInAgency) {
            try AccountDraft(username: username, email: EmailAddress("budi@gmail.com")!, fullName: name,
                             role: .applicant, agencyID: agency, agencyDomains: domains)
        }
        #expect(throws: DomainError.agencyNotAllowed) {
            try AccountDraft(username: username, email: EmailAddress("budi@bssn.go.id")!, fullName: name,
                             role: .caOperator, agencyID: agency, agencyDomains: domains)
        }
    }
}
