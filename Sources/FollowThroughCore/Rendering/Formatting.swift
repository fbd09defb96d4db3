/// How values read in a message: money, dates, times, counts.
public enum Formatting {
    static let weekdays = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"]
    static let months = ["January", "February", "March", "April", "May", "June", "July", "August",
                         "September", "October", "November", "December"]

    /// `$4,500` or `$4,500.50`.
    public static func money(_ cents: Int64, symbol: String = "$") -> String {
        let whole = cents / 100, frac = cents % 100
        var digits = String(whole)
        var grouped = ""
        while digits.count > 3 {
            grouped = "," + digits.suffix(3) + grouped
            digits.removeLast(3)
        }
        return symbol + digits + grouped + (frac == 0 ? "" : "." + pad(Int(frac), 2))
    }

    /// Short form for totals: `$950`, `$12.5K`, `$1.2M`.
    public static func moneyShort(_ cents: Int64, symbol: String = "$") -> String {
        let dollars = Double(cents) / 100
        func one(_ v: Double, _ unit: String) -> String {
            let tenths = Int((v * 10).rounded())
            return symbol + (tenths % 10 == 0 ? "\(tenths / 10)" : "\(tenths / 10).\(tenths % 10)") + unit
        }
        if dollars >= 999_950 { return one(dollars / 1_000_000, "M") }
        if dollars >= 10_000 { return one(dollars / 1_000, "K") }
        return money(Int64(dollars.rounded()) * 100, symbol: symbol)
    }

    /// `Tuesday 24 November`.
    public static func longDate(_ date: LocalDate) -> String {
        let (_, m, d) = date.components
        return "\(weekdays[date.weekday]) \(d) \(months[m - 1])"
    }

    /// `Tue 24 Nov`.
    public static func shortDate(_ date: LocalDate) -> String {
        let (_, m, d) = date.components
        return "\(weekdays[date.weekday].prefix(3)) \(d) \(months[m - 1].prefix(3))"
    }

    /// `12 Oct 2026`.
    public static func dayMonthYear(_ date: LocalDate) -> String {
        let (y, m, d) = date.components
        return "\(d) \(months[m - 1].prefix(3)) \(y)"
    }

    /// `8:30 AM`; empty at exactly midnight (a date without a time).
    public static func time(_ t: LocalDateTime) -> String {
        guard t.secondOfDay != 0 else { return "" }
        let h = t.hour % 12 == 0 ? 12 : t.hour % 12
        return "\(h):\(pad(t.minute, 2)) \(t.hour < 12 ? "AM" : "PM")"
    }

    /// `today`, `yesterday`, `3 days ago`.
    public static func daysAgo(_ days: Int) -> String {
        switch days {
        case ..<1: return "today"
        case 1: return "yesterday"
        default: return "\(days) days ago"
        }
    }

    /// `1 visit`, `2 visits`.
    public static func count(_ n: Int, _ singular: String, _ plural: String? = nil) -> String {
        "\(n) \(n == 1 ? singular : plural ?? singular + "s")"
    }

    /// The non-empty lines of `text` (`description_lines`): split where `Character.isNewline` is true, as
    /// `text.split(whereSeparator: \.isNewline)` splits it, but over UTF-8 bytes. A newline is always a grapheme of
    /// its own (CR LF a pair, which gives an empty line, omitted), so LF, VT, FF, CR, NEL, LS and PS as bytes
    /// are the separators; a line is copied only when there is more than one.
    public static func lines(_ text: String) -> [String] {
        var utf8 = text
        return utf8.withUTF8 { bytes -> [String] in
            var lines: [String] = []
            var start = 0, i = 0
            func cut(_ end: Int) {
                if end > start { lines.append(String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self)) }
            }
            while i < bytes.count {
                let b = bytes[i]
                var width = 0
                if b >= 0x0A && b <= 0x0D {
                    width = 1
                } else if b == 0xC2, i + 1 < bytes.count, bytes[i + 1] == 0x85 {
                    width = 2
                } else if b == 0xE2, i + 2 < bytes.count, bytes[i + 1] == 0x80, bytes[i + 2] == 0xA8 || bytes[i + 2] == 0xA9 {
                    width = 3
                }
                if width == 0 { i += 1; continue }
                cut(i)
                i += width
                start = i
            }
            if start == 0 { return bytes.isEmpty ? [] : [text] }
            cut(bytes.count)
            return lines
        }
    }

    /// First word of a name, for a friendly greeting.
    public static func firstName(_ name: String) -> String {
        String(name.split(separator: " ").first ?? Substring(name))
    }
}
