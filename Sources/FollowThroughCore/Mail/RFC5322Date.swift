/// RFC 5322 §3.3 date-time formatting by hand (no DateFormatter, no time zone database).
public enum RFC5322Date {
    private static let weekdays = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
    private static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// Formats `secondsSince1970` (UTC) as seen at `utcOffsetSeconds` east of UTC, e.g.
    /// `Mon, 23 Nov 2026 22:05:00 -0500`.
    ///
    /// The offset is truncated to whole minutes (toward zero) and clamped to ±99:59 so it always
    /// fits the four-digit zone; the local time shown is consistent with the zone shown. A zero
    /// offset is written `+0000`. Years are written with at least four digits.
    public static func format(_ secondsSince1970: Int64, utcOffsetSeconds: Int) -> String {
        let offsetMinutes = max(-(99 * 60 + 59), min(99 * 60 + 59, utcOffsetSeconds / 60))
        let local = secondsSince1970 + Int64(offsetMinutes) * 60
        let days = floorDiv(local, 86_400)
        let secondOfDay = local - days * 86_400
        let (year, month, day) = civilFromDays(days)
        let weekday = Int(floorMod(days + 4, 7))  // 1970-01-01 was a Thursday.

        let hour = secondOfDay / 3600, minute = secondOfDay / 60 % 60, second = secondOfDay % 60
        let sign = offsetMinutes < 0 ? "-" : "+"
        let absOffset = abs(offsetMinutes)
        return "\(weekdays[weekday]), \(pad(day, 2)) \(months[month - 1]) \(pad(year, 4)) "
            + "\(pad(hour, 2)):\(pad(minute, 2)):\(pad(second, 2)) \(sign)\(pad(Int64(absOffset / 60), 2))\(pad(Int64(absOffset % 60), 2))"
    }

    /// Proleptic Gregorian (year, month 1–12, day 1–31) for a count of days since 1970-01-01
    /// (Howard Hinnant's `civil_from_days`).
    public static func civilFromDays(_ days: Int64) -> (year: Int64, month: Int, day: Int64) {
        let z = days + 719_468
        let era = floorDiv(z, 146_097)
        let doe = z - era * 146_097                                   // [0, 146096]
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365  // [0, 399]
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)             // [0, 365]
        let mp = (5 * doy + 2) / 153                                  // [0, 11]
        let day = doy - (153 * mp + 2) / 5 + 1                        // [1, 31]
        let month = mp < 10 ? mp + 3 : mp - 9                         // [1, 12]
        let year = yoe + era * 400 + (month <= 2 ? 1 : 0)
        return (year, Int(month), day)
    }

    private static func floorDiv(_ a: Int64, _ b: Int64) -> Int64 {
        let q = a / b
        return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
    }

    private static func floorMod(_ a: Int64, _ b: Int64) -> Int64 { a - floorDiv(a, b) * b }

    private static func pad(_ value: Int64, _ width: Int) -> String {
        let digits = String(abs(value))
        let padded = String(repeating: "0", count: max(0, width - digits.count)) + digits
        return value < 0 ? "-" + padded : padded
    }
}
