import Foundation

/// Dates as keyctl reads and writes them: whole seconds, UTC, RFC 3339 on output.
///
/// Every date keyctl accepts or prints lies in years 0001 to 9999 (`supportedRange`): `parse`
/// refuses dates outside it, and formatting clamps to it, so that a date computed by adding a
/// period (a key's due date) never prints as an invalid RFC 3339 year such as 10000.
///
/// Formatting is done by hand (days-from-civil arithmetic) because `report` formats millions
/// of dates and Foundation's formatters cost microseconds each.
public enum Timestamp {
    /// Seconds since the epoch of 0001-01-01T00:00:00Z through 9999-12-31T23:59:59Z.
    public static let supportedRange: ClosedRange<Int64> = -62_135_596_800...253_402_300_799

    /// How dates are written, for error messages.
    public static let rule = "use ISO 8601 between years 0001 and 9999, such as 2026-03-01 or 2026-03-01T12:00:00Z"

    /// Parses `2026-03-01` (midnight UTC) or a full RFC 3339 date-time such as
    /// `2026-03-01T12:30:00Z` or `2026-03-01T12:30:00.5+02:00`. Returns nil for anything else,
    /// including a date outside years 0001 to 9999 in UTC.
    public static func parse(_ text: String) -> Date? {
        var text = text
        return text.withUTF8 { parse(utf8: $0) }
    }

    /// `parse` of UTF-8 bytes, such as a field of an import file, without making a String.
    static func parse(utf8 bytes: ArraySlice<UInt8>) -> Date? {
        bytes.withUnsafeBufferPointer { parse(utf8: $0) }
    }

    private static func parse(utf8 bytes: UnsafeBufferPointer<UInt8>) -> Date? {
        guard let seconds = parseEpochSeconds(bytes), supportedRange.contains(seconds) else { return nil }
        return Date(timeIntervalSince1970: TimeInterval(seconds))
    }

    private static func parseEpochSeconds(_ bytes: UnsafeBufferPointer<UInt8>) -> Int64? {
        guard bytes.count >= 10,
              let year = number(bytes, 0, 4), bytes[4] == UInt8(ascii: "-"),
              let month = number(bytes, 5, 2), bytes[7] == UInt8(ascii: "-"),
              let day = number(bytes, 8, 2),
              (1...12).contains(month), (1...daysIn(month: month, year: year)).contains(day)
        else { return nil }
        let midnight = Int64(daysFromCivil(year: year, month: month, day: day)) * 86_400
        if bytes.count == 10 { return midnight }

        guard bytes.count >= 20, bytes[10] == UInt8(ascii: "T") || bytes[10] == UInt8(ascii: "t") || bytes[10] == UInt8(ascii: " "),
              let hour = number(bytes, 11, 2), bytes[13] == UInt8(ascii: ":"),
              let minute = number(bytes, 14, 2), bytes[16] == UInt8(ascii: ":"),
              let second = number(bytes, 17, 2),
              hour < 24, minute < 60, second < 61
        else { return nil }
        var index = 19
        if bytes[index] == UInt8(ascii: ".") {
            index += 1
            let start = index
            while index < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) { index += 1 }
            guard index > start, index < bytes.count else { return nil }
        }
        var offset = 0
        switch bytes[index] {
        case UInt8(ascii: "Z"), UInt8(ascii: "z"):
            guard index + 1 == bytes.count else { return nil }
        case UInt8(ascii: "+"), UInt8(ascii: "-"):
            guard index + 6 == bytes.count, let oh = number(bytes, index + 1, 2), bytes[index + 3] == UInt8(ascii: ":"),
                  let om = number(bytes, index + 4, 2), oh < 24, om < 60
            else { return nil }
            offset = (oh * 3600 + om * 60) * (bytes[index] == UInt8(ascii: "+") ? 1 : -1)
        default:
            return nil
        }
        return midnight + Int64(hour * 3600 + minute * 60 + second - offset)
    }

    /// Formats whole seconds since the epoch as `2026-03-01T12:30:00Z`, clamped to `supportedRange`.
    public static func format(epochSeconds: Int64) -> String {
        var buffer: [UInt8] = []
        buffer.reserveCapacity(20)
        append(epochSeconds: epochSeconds, to: &buffer)
        return String(decoding: buffer, as: UTF8.self)
    }

    /// Formats `date`, truncated to whole seconds, as RFC 3339 UTC.
    public static func format(_ date: Date) -> String {
        format(epochSeconds: epochSeconds(date))
    }

    /// Whole seconds since the epoch, rounded down and clamped to `supportedRange`, so that
    /// differences of two of them never overflow.
    public static func epochSeconds(_ date: Date) -> Int64 {
        let seconds = date.timeIntervalSince1970.rounded(.down)
        guard seconds > Double(supportedRange.lowerBound) else { return supportedRange.lowerBound }
        guard seconds < Double(supportedRange.upperBound) else { return supportedRange.upperBound }
        return Int64(seconds)
    }

    /// `epochSeconds` moved into `supportedRange`: what formatting prints.
    public static func clamped(_ epochSeconds: Int64) -> Int64 {
        min(max(epochSeconds, supportedRange.lowerBound), supportedRange.upperBound)
    }

    /// The length of every timestamp `write` produces: `2026-03-01T12:30:00Z`.
    public static let formattedLength = 20

    /// Appends the RFC 3339 UTC form of `epochSeconds` to `buffer` without allocating a String.
    public static func append(epochSeconds: Int64, to buffer: inout [UInt8]) {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: formattedLength) { bytes in
            write(epochSeconds: epochSeconds, to: bytes.baseAddress!)
            buffer.append(contentsOf: bytes)
        }
    }

    /// Writes exactly `formattedLength` bytes, the RFC 3339 UTC form of `epochSeconds` clamped
    /// to `supportedRange` (years 0001 to 9999).
    public static func write(epochSeconds: Int64, to out: UnsafeMutablePointer<UInt8>) {
        let epochSeconds = clamped(epochSeconds)
        let days = epochSeconds >= 0 ? epochSeconds / 86_400 : (epochSeconds - 86_399) / 86_400
        let secondOfDay = Int(epochSeconds - days * 86_400)
        let (year, month, day) = civilFromDays(Int(days))
        func digits(_ value: Int, _ count: Int, at offset: Int) {
            var rest = value
            for index in stride(from: offset + count - 1, through: offset, by: -1) {
                out[index] = UInt8(truncatingIfNeeded: 48 + rest % 10)
                rest /= 10
            }
        }
        digits(year, 4, at: 0)
        out[4] = UInt8(ascii: "-")
        digits(month, 2, at: 5)
        out[7] = UInt8(ascii: "-")
        digits(day, 2, at: 8)
        out[10] = UInt8(ascii: "T")
        digits(secondOfDay / 3600, 2, at: 11)
        out[13] = UInt8(ascii: ":")
        digits(secondOfDay / 60 % 60, 2, at: 14)
        out[16] = UInt8(ascii: ":")
        digits(secondOfDay % 60, 2, at: 17)
        out[19] = UInt8(ascii: "Z")
    }

    private static func number(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ count: Int) -> Int? {
        guard start + count <= bytes.count else { return nil }
        var value = 0
        for byte in bytes[start..<start + count] {
            guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) else { return nil }
            value = value * 10 + Int(byte - UInt8(ascii: "0"))
        }
        return value
    }

    private static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    // Howard Hinnant's algorithms, http://howardhinnant.github.io/date_algorithms.html
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    static func civilFromDays(_ days: Int) -> (year: Int, month: Int, day: Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}
