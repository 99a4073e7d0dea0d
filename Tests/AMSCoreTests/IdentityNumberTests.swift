import AMSCore
import Testing

@Suite("NIK and NIP structure")
struct IdentityNumberTests {
    @Test func nikOfAWomanCarriesDayPlusForty() throws {
        // 13 (Sumatera Barat) 71 (Padang) 01, born 05-05-1990 (day 45 = 5 + 40), sequence 0002
        let nik = try #require(NIK("1371014505900002"))
        #expect(nik.provinceCode == 13 && nik.regencyCode == 71 && nik.districtCode == 1)
        #expect(nik.sex == .female && nik.birthDay == 5 && nik.birthMonth == 5 && nik.birthYearTwoDigits == 90)
        #expect(nik.sequence == 2)
        #expect(NIK("1371010505900002")?.sex == .male)
    }

    @Test(arguments: [
        "137101450590000",    // 15 digits
        "13710145059000021",  // 17 digits
        "137101450590000A",   // not a digit
        "9971014505900002",   // no province 99
        "1300014505900002",   // regency 00
        "1371004505900002",   // district 00
        "1371013205900002",   // day 32
        "1371017205900002",   // day 72 (32 + 40)
        "1371014513900002",   // month 13
        "1371013002900002",   // 30 February
        "1371014505900000",   // sequence 0000
    ])
    func malformedNIKsAreRefused(text: String) {
        #expect(NIK(text) == nil)
    }

    @Test func nikAcceptsTwentyNinthFebruaryAndSpaces() {
        #expect(NIK("1371 0169 0292 0001")?.birthDay == 29)
        #expect(NIK("1371012902010001") == nil)  // 29-02-01 is no leap day in 1901 or 2001
    }

    @Test func nipCarriesBirthAppointmentAndSex() throws {
        let nip = try #require(NIP("199005052015032001"))
        #expect(nip.birthYear == 1990 && nip.birthMonth == 5 && nip.birthDay == 5)
        #expect(nip.appointmentYear == 2015 && nip.appointmentMonth == 3)
        #expect(nip.sex == .female && nip.sequence == 1)
    }

    @Test(arguments: [
        "19900505201503200",    // 17 digits
        "199005052015032001X",  // 19 characters
        "199013052015032001",   // month 13
        "199002302015032001",   // 30 February
        "199005052015132001",   // appointment month 13
        "199005052015033001",   // sex digit 3
        "199005052015032000",   // sequence 000
        "199005052000032001",   // appointed at 9
    ])
    func malformedNIPsAreRefused(text: String) {
        #expect(NIP(text) == nil)
    }

    @Test func nipAndNIKMustTellTheSameBirthDateAndSex() throws {
        let nip = try #require(NIP("199005052015032001"))
        #expect(nip.agrees(with: try #require(NIK("1371014505900002"))))
        #expect(!nip.agrees(with: try #require(NIK("1371010505900002"))))  // male
        #expect(!nip.agrees(with: try #require(NIK("1371014605900002"))))  // other day
    }
}
