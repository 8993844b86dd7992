/// Time formats of the OSS API (spec §1.5), as pure arithmetic on epoch seconds.
public enum OSSTime {
    static let weekdays = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
    static let longWeekdays = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"]
    static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// Years outside 0001–9999 do not fit the fixed-width formats.
    static let minEpoch: Int64 = -62_135_596_800   // 0001-01-01T00:00:00Z
    static let maxEpoch: Int64 = 253_402_300_799   // 9999-12-31T23:59:59Z

    public struct Civil: Sendable, Equatable {
        public var year: Int64, month: Int64, day: Int64, hour: Int64, minute: Int64, second: Int64
    }

    /// `2024-03-05T08:00:00.000Z`: always the literal `.000` that oss2's regex demands.
    public static func iso8601(_ epochSeconds: Int64) -> String {
        let c = civil(epochSeconds)
        return "\(pad(c.year, 4))-\(pad(c.month, 2))-\(pad(c.day, 2))T\(pad(c.hour, 2)):\(pad(c.minute, 2)):\(pad(c.second, 2)).000Z"
    }

    /// `2024-03-05T08:00:00.123Z`, with the milliseconds.
    public static func iso8601Milliseconds(_ epochMilliseconds: Int64) -> String {
        let seconds = epochMilliseconds >= 0 ? epochMilliseconds / 1000 : (epochMilliseconds - 999) / 1000
        let millis = epochMilliseconds - seconds * 1000
        return String(iso8601(seconds).dropLast(4)) + "\(pad(millis, 3))Z"
    }

    /// `Tue, 05 Mar 2024 08:00:00 GMT` with a two-digit day (oss2 rejects one digit).
    /// Written byte by byte: every answer carries one or two of these.
    public static func httpDate(_ epochSeconds: Int64) -> String {
        let c = civil(epochSeconds)
        let days = floorDiv(clamp(epochSeconds), 86_400)
        let weekday = Int(floorMod(days + 4, 7))   // 1970-01-01 was a Thursday
        return String(unsafeUninitializedCapacity: httpDateLength) { out in
            var at = 0
            func put(_ byte: UInt8) { out[at] = byte; at += 1 }
            func put(_ text: StaticString) {
                text.withUTF8Buffer { for byte in $0 { put(byte) } }
            }
            func digits(_ value: Int64, _ width: Int) {
                var divisor: Int64 = 1
                for _ in 1..<width { divisor *= 10 }
                var rest = value
                while divisor > 0 {
                    put(UInt8(ascii: "0") + UInt8(rest / divisor))
                    rest %= divisor
                    divisor /= 10
                }
            }
            put(weekdayNames[weekday])
            put(", ")
            digits(c.day, 2)
            put(" ")
            put(monthNames[Int(c.month - 1)])
            put(" ")
            digits(c.year, 4)
            put(" ")
            digits(c.hour, 2)
            put(":")
            digits(c.minute, 2)
            put(":")
            digits(c.second, 2)
            put(" GMT")
            return at
        }
    }

    /// `Tue, 05 Mar 2024 08:00:00 GMT` is 29 bytes for every year 0001–9999.
    static let httpDateLength = 29
    private static let weekdayNames: [StaticString] = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
    private static let monthNames: [StaticString] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ]

    /// `20240305T080000Z`, the V4 `x-oss-date` form.
    public static func iso8601Basic(_ epochSeconds: Int64) -> String {
        let c = civil(epochSeconds)
        return "\(pad(c.year, 4))\(pad(c.month, 2))\(pad(c.day, 2))T\(pad(c.hour, 2))\(pad(c.minute, 2))\(pad(c.second, 2))Z"
    }

    /// `20240305`, the V4 credential scope date.
    public static func scopeDate(_ epochSeconds: Int64) -> String {
        let c = civil(epochSeconds)
        return "\(pad(c.year, 4))\(pad(c.month, 2))\(pad(c.day, 2))"
    }

    /// RFC 1123 (`Tue, 05 Mar 2024 08:00:00 GMT`), RFC 850
    /// (`Tuesday, 05-Mar-24 08:00:00 GMT`) or asctime (`Tue Mar  5 08:00:00 2024`).
    public static func parseHTTPDate(_ text: String) -> Int64? {
        let fields = text.split(separator: " ", omittingEmptySubsequences: true)
        if fields.count == 6, fields[0].hasSuffix(","), weekdays.contains(String(fields[0].dropLast())),
           fields[5] == "GMT" || fields[5] == "UTC" {
            guard let day = number(fields[1], digits: 1...2), let month = monthNumber(fields[2]),
                  let year = number(fields[3], digits: 4...4) else { return nil }
            return assemble(year: year, month: month, day: day, time: fields[4])
        }
        if fields.count == 4, fields[0].hasSuffix(","), longWeekdays.contains(String(fields[0].dropLast())),
           fields[3] == "GMT" {
            let parts = fields[1].split(separator: "-", omittingEmptySubsequences: false)
            guard parts.count == 3, let day = number(parts[0], digits: 2...2), let month = monthNumber(parts[1]),
                  let shortYear = number(parts[2], digits: 2...2) else { return nil }
            // RFC 7231 §7.1.1.1: a two-digit year more than 50 years ahead is in the past century.
            let year = shortYear < 70 ? 2000 + shortYear : 1900 + shortYear
            return assemble(year: year, month: month, day: day, time: fields[2])
        }
        if fields.count == 5, weekdays.contains(String(fields[0])) {
            guard let month = monthNumber(fields[1]), let day = number(fields[2], digits: 1...2),
                  let year = number(fields[4], digits: 4...4) else { return nil }
            return assemble(year: year, month: month, day: day, time: fields[3])
        }
        return nil
    }

    /// `20240305T080000Z`.
    public static func parseISO8601Basic(_ text: String) -> Int64? {
        let utf8 = Array(text.utf8)
        guard utf8.count == 16, utf8[8] == UInt8(ascii: "T"), utf8[15] == UInt8(ascii: "Z"),
              let year = digits(utf8, 0, 4), let month = digits(utf8, 4, 2), let day = digits(utf8, 6, 2),
              let hour = digits(utf8, 9, 2), let minute = digits(utf8, 11, 2), let second = digits(utf8, 13, 2)
        else { return nil }
        return epoch(year: year, month: month, day: day, hour: hour, minute: minute, second: second)
    }

    /// `2024-03-05T08:00:00Z`, optionally with a fraction (`.000Z`, `.123456Z`), which is dropped.
    public static func parseISO8601(_ text: String) -> Int64? {
        let utf8 = Array(text.utf8)
        guard utf8.count >= 20, utf8.last == UInt8(ascii: "Z"),
              utf8[4] == UInt8(ascii: "-"), utf8[7] == UInt8(ascii: "-"), utf8[10] == UInt8(ascii: "T"),
              utf8[13] == UInt8(ascii: ":"), utf8[16] == UInt8(ascii: ":"),
              let year = digits(utf8, 0, 4), let month = digits(utf8, 5, 2), let day = digits(utf8, 8, 2),
              let hour = digits(utf8, 11, 2), let minute = digits(utf8, 14, 2), let second = digits(utf8, 17, 2)
        else { return nil }
        if utf8.count > 20 {
            guard utf8[19] == UInt8(ascii: "."), utf8.count > 21,
                  digits(utf8, 20, utf8.count - 21) != nil else { return nil }
        }
        return epoch(year: year, month: month, day: day, hour: hour, minute: minute, second: second)
    }

    /// Broken-down UTC time (proleptic Gregorian), clamped to years 1–9999.
    public static func civil(_ epochSeconds: Int64) -> Civil {
        let seconds = clamp(epochSeconds)
        let days = floorDiv(seconds, 86_400)
        let secondOfDay = seconds - days * 86_400
        // Days-to-civil over 400-year eras (H. Hinnant's algorithm).
        let z = days + 719_468
        let era = floorDiv(z, 146_097)
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        return Civil(year: year, month: month, day: day, hour: secondOfDay / 3600,
                     minute: secondOfDay % 3600 / 60, second: secondOfDay % 60)
    }

    /// Epoch seconds of a UTC civil time; nil for out-of-range fields.
    public static func epoch(year: Int64, month: Int64, day: Int64, hour: Int64, minute: Int64, second: Int64) -> Int64? {
        guard (1...9999).contains(year), (1...12).contains(month), (1...daysInMonth(year, month)).contains(day),
              (0...23).contains(hour), (0...59).contains(minute), (0...60).contains(second) else { return nil }
        let y = month <= 2 ? year - 1 : year
        let era = floorDiv(y, 400)
        let yearOfEra = y - era * 400
        let mp = month > 2 ? month - 3 : month + 9
        let dayOfYear = (153 * mp + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        let days = era * 146_097 + dayOfEra - 719_468
        return days * 86_400 + hour * 3600 + minute * 60 + min(second, 59)
    }

    static func daysInMonth(_ year: Int64, _ month: Int64) -> Int64 {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    private static func assemble(year: Int64, month: Int64, day: Int64, time: Substring) -> Int64? {
        let parts = time.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 3, let hour = number(parts[0], digits: 2...2),
              let minute = number(parts[1], digits: 2...2), let second = number(parts[2], digits: 2...2) else { return nil }
        return epoch(year: year, month: month, day: day, hour: hour, minute: minute, second: second)
    }

    private static func monthNumber(_ text: Substring) -> Int64? {
        months.firstIndex(of: String(text)).map { Int64($0) + 1 }
    }

    private static func number(_ text: Substring, digits range: ClosedRange<Int>) -> Int64? {
        guard range.contains(text.utf8.count) else { return nil }
        var value: Int64 = 0
        for byte in text.utf8 {
            guard byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") else { return nil }
            value = value * 10 + Int64(byte - UInt8(ascii: "0"))
        }
        return value
    }

    private static func digits(_ bytes: [UInt8], _ start: Int, _ count: Int) -> Int64? {
        guard count > 0, count <= 18, start >= 0, start + count <= bytes.count else { return nil }
        var value: Int64 = 0
        for byte in bytes[start..<(start + count)] {
            guard byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") else { return nil }
            value = value * 10 + Int64(byte - UInt8(ascii: "0"))
        }
        return value
    }

    private static func pad(_ value: Int64, _ width: Int) -> String {
        let text = String(value)
        return text.count >= width ? text : String(repeating: "0", count: width - text.count) + text
    }

    private static func clamp(_ seconds: Int64) -> Int64 {
        min(max(seconds, minEpoch), maxEpoch)
    }

    static func floorDiv(_ a: Int64, _ b: Int64) -> Int64 {
        let q = a / b
        return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
    }

    static func floorMod(_ a: Int64, _ b: Int64) -> Int64 {
        a - floorDiv(a, b) * b
    }
}
