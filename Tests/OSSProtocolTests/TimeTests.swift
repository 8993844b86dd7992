import Testing
@testable import OSSProtocol

@Suite struct TimeTests {
    @Test func formatsSpecExamples() {
        #expect(OSSTime.iso8601(1_709_625_600) == "2024-03-05T08:00:00.000Z")
        #expect(OSSTime.httpDate(1_709_625_600) == "Tue, 05 Mar 2024 08:00:00 GMT")
        #expect(OSSTime.iso8601Basic(1_702_743_657) == "20231216T162057Z")
        #expect(OSSTime.scopeDate(1_709_625_600) == "20240305")
        #expect(OSSTime.iso8601(0) == "1970-01-01T00:00:00.000Z")
        #expect(OSSTime.httpDate(0) == "Thu, 01 Jan 1970 00:00:00 GMT")
        #expect(OSSTime.httpDate(951_782_400) == "Tue, 29 Feb 2000 00:00:00 GMT")
        // Clamped to the years the fixed-width form can hold.
        #expect(OSSTime.httpDate(Int64.min) == "Mon, 01 Jan 0001 00:00:00 GMT")
        #expect(OSSTime.httpDate(Int64.max) == "Fri, 31 Dec 9999 23:59:59 GMT")
        #expect(OSSTime.httpDate(-1) == "Wed, 31 Dec 1969 23:59:59 GMT")
        #expect(OSSTime.httpDate(4_102_444_799) == "Thu, 31 Dec 2099 23:59:59 GMT")
        #expect(OSSTime.iso8601(-1) == "1969-12-31T23:59:59.000Z")
    }

    @Test func parsesEveryHTTPDateForm() {
        #expect(OSSTime.parseHTTPDate("Tue, 05 Mar 2024 08:00:00 GMT") == 1_709_625_600)
        #expect(OSSTime.parseHTTPDate("Tuesday, 05-Mar-24 08:00:00 GMT") == 1_709_625_600)
        #expect(OSSTime.parseHTTPDate("Tue Mar  5 08:00:00 2024") == 1_709_625_600)
        #expect(OSSTime.parseHTTPDate("Thu, 17 Nov 2005 18:49:58 GMT") == 1_132_253_398)
        #expect(OSSTime.parseHTTPDate("Wed, 25 Nov 2026 14:16:08 GMT") == 1_795_616_168)
    }

    @Test func rejectsBadDates() {
        for bad in ["", "Tue, 05 Mar 2024 08:00:00", "Tue, 32 Mar 2024 08:00:00 GMT", "Tue, 05 Foo 2024 08:00:00 GMT",
                    "Tue, 05 Mar 2024 24:00:00 GMT", "Tue, 05 Mar 24 08:00:00 GMT", "Xyz, 05 Mar 2024 08:00:00 GMT",
                    "Tue, 29 Feb 2023 08:00:00 GMT", "Tue, 05 Mar 2024 8:00:00 GMT", "1709625600"] {
            #expect(OSSTime.parseHTTPDate(bad) == nil, "\(bad)")
        }
    }

    @Test func parsesISO8601Forms() {
        #expect(OSSTime.parseISO8601Basic("20240305T080000Z") == 1_709_625_600)
        #expect(OSSTime.parseISO8601Basic("20240305T080000") == nil)
        #expect(OSSTime.parseISO8601Basic("2024030T5080000Z") == nil)
        #expect(OSSTime.parseISO8601Basic("20241305T080000Z") == nil)
        #expect(OSSTime.parseISO8601("2024-03-05T08:00:00.000Z") == 1_709_625_600)
        #expect(OSSTime.parseISO8601("2024-03-05T08:00:00Z") == 1_709_625_600)
        #expect(OSSTime.parseISO8601("2024-03-05T08:00:00.123456Z") == 1_709_625_600)
        #expect(OSSTime.parseISO8601("2024-03-05T08:00:00.Z") == nil)
        #expect(OSSTime.parseISO8601("2024-03-05 08:00:00Z") == nil)
        #expect(OSSTime.parseISO8601("2024-03-05T08:00:00+08:00") == nil)
    }

    @Test func roundTripsAcrossCenturies() {
        var t: Int64 = -62_135_596_800
        while t < 253_402_300_799 {
            #expect(OSSTime.parseISO8601(OSSTime.iso8601(t)) == t)
            #expect(OSSTime.parseHTTPDate(OSSTime.httpDate(t)) == t)
            #expect(OSSTime.parseISO8601Basic(OSSTime.iso8601Basic(t)) == t)
            t += 7_777_777_777 / 97
        }
    }

    @Test func extremeEpochsClampInsteadOfTrapping() {
        #expect(OSSTime.iso8601(Int64.max) == "9999-12-31T23:59:59.000Z")
        #expect(OSSTime.iso8601(Int64.min) == "0001-01-01T00:00:00.000Z")
        #expect(OSSTime.httpDate(Int64.min).hasPrefix("Mon, 01 Jan 0001"))
    }
}
