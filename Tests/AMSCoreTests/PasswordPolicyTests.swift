import AMSCore
import Testing

@Suite("Password policy")
struct PasswordPolicyTests {
    let policy = PasswordPolicy()
    /// 128 characters of ordinary words.
    static let longPhrase = "kuda merah lari kencang di padang rumput hijau pada pagi hari yang cerah sekali sambil membawa pesan penting dari kepala dinas k"
    let context = PasswordContext(username: "budi.santoso", email: "budi.santoso@sumbarprov.go.id", nik: "1371014505900002")

    @Test func acceptsAPassphraseWithoutCompositionRules() {
        // act
        let violations = policy.violations(of: "kuda merah lari kencang", confirmation: "kuda merah lari kencang", context: context)
        // check
        #expect(violations.isEmpty)
    }

    @Test func rejectsElevenCharactersAndAcceptsTwelve() {
        #expect(policy.violations(of: "kuda merahzx", context: context).isEmpty)
        #expect(policy.violations(of: "kuda merahz", context: context) == [.tooShort])
    }

    @Test func countsCharactersNotBytes() {
        // 12 characters, 24+ bytes in UTF-8
        let password = "ąčęėįšųūžąčę"
        #expect(password.utf8.count > 12)
        #expect(policy.violations(of: password, context: context).isEmpty)
    }

    @Test func rejectsMoreThan128Characters() {
        #expect(policy.violations(of: Self.longPhrase, context: context).isEmpty)
        #expect(policy.violations(of: Self.longPhrase + "c", context: context) == [.tooLong])
    }

    @Test func rejectsCommonPasswordsCaseInsensitively() {
        // "baseball" is on the list; the 12+ character entries on it must be refused too.
        let longCommon = CommonPasswordList.shipped
        #expect(longCommon.count == 10_000)
        #expect(longCommon.contains("BaseBall"))
        #expect(policy.violations(of: "1q2w3e4r5t6y", context: context).contains(.common))
        #expect(policy.violations(of: "1Q2W3E4R5T6Y", context: context).contains(.common))
    }

    @Test func rejectsPasswordsContainingTheUsernameEmailOrNIK() {
        #expect(policy.violations(of: "xxBUDI.SANTOSOxx!", context: context).contains(.containsUsername))
        #expect(policy.violations(of: "budi.santoso@sumbarprov.go.id", context: context).contains(.containsEmail))
        #expect(policy.violations(of: "my nik 1371014505900002", context: context).contains(.containsNIK))
    }

    @Test func rejectsTheCurrentPasswordAndAMismatchedConfirmation() {
        let withCurrent = PasswordContext(username: "budi", email: "b@x.go.id", currentPassword: "Hj7kP2mQ")
        #expect(policy.violations(of: "Hj7kP2mQ", context: withCurrent).contains(.sameAsCurrent))
        #expect(policy.violations(of: "ladang jagung luas", confirmation: "ladang jagung lua", context: context) == [.mismatch])
    }
}
