@testable import AMSServer
import Foundation
import Testing

@Suite struct HTTPDateTests {
    /// The hand-made form equals Foundation's formatter's (the reference) across leap days, year ends and hours of
    /// the day; and one date spelled out.
    @Test func sameAsAFormatterWithTheHTTPPattern() {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        #expect(HTTPDate.string(from: Date(timeIntervalSince1970: 1_796_197_610)) == "Wed, 02 Dec 2026 07:46:50 GMT")
        var moment = Date(timeIntervalSince1970: 946_684_799)  // 1999-12-31 23:59:59
        let end = Date(timeIntervalSince1970: 4_102_444_800)   // 2100-01-01
        while moment < end {
            #expect(HTTPDate.string(from: moment) == formatter.string(from: moment), "\(moment.timeIntervalSince1970)")
            moment = moment.addingTimeInterval(86_400 * 7 + 3_601.5)
        }
    }
}
