/// A configured date layout such as `M/d/yyyy h:mm a` or `dd.MM.yyyy HH:mm`, matched by hand.
///
/// Supported fields: `yyyy`, `yy`, `M`, `MM`, `d`, `dd`, `H`, `HH`, `h`, `hh`, `m`, `mm`, `s`, `ss`, `a` (AM/PM).
/// Any other character must appear literally. A value holding only the date part of the pattern (up to its
/// first time field) is accepted too, at midnight.
public struct DatePattern: Sendable, Equatable {
    enum Token: Equatable, Sendable {
        case year4, year2, month(Int), day(Int), hour24(Int), hour12(Int), minute(Int), second(Int), ampm
        case literal(UInt8)
        var isTime: Bool {
            switch self {
            case .hour24, .hour12, .minute, .second, .ampm: return true
            default: return false
            }
        }
    }

    public let text: String
    let tokens: [Token]

    /// Compiles a pattern; throws a message naming the unsupported letter.
    public init(_ text: String) throws(DatePatternError) {
        var tokens: [Token] = []
        let chars = Array(text.utf8)
        var i = 0
        while i < chars.count {
            let c = chars[i]
            var run = 1
            while i + run < chars.count, chars[i + run] == c { run += 1 }
            switch (c, run) {
            case (UInt8(ascii: "y"), 4): tokens.append(.year4)
            case (UInt8(ascii: "y"), 2): tokens.append(.year2)
            case (UInt8(ascii: "M"), 1...2): tokens.append(.month(run))
            case (UInt8(ascii: "d"), 1...2): tokens.append(.day(run))
            case (UInt8(ascii: "H"), 1...2): tokens.append(.hour24(run))
            case (UInt8(ascii: "h"), 1...2): tokens.append(.hour12(run))
            case (UInt8(ascii: "m"), 1...2): tokens.append(.minute(run))
            case (UInt8(ascii: "s"), 1...2): tokens.append(.second(run))
            case (UInt8(ascii: "a"), 1): tokens.append(.ampm)
            case (UInt8(ascii: "a")...UInt8(ascii: "z"), _), (UInt8(ascii: "A")...UInt8(ascii: "Z"), _):
                throw DatePatternError(pattern: text, message: "'\(String(repeating: Character(Unicode.Scalar(c)), count: run))' is not a supported field; use yyyy, yy, M, MM, d, dd, H, HH, h, hh, mm, ss or a")
            default:
                for _ in 0..<run { tokens.append(.literal(c)) }
            }
            i += run
        }
        self.text = text
        self.tokens = tokens
    }

    func match(_ b: UnsafeRawBufferPointer) -> LocalDateTime? {
        var i = 0
        var year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0
        var pm: Bool? = nil
        var twelveHour = false
        for (index, token) in tokens.enumerated() {
            if i == b.count, token.isTime || (token == .literal(0x20) && tokens[(index + 1)...].first?.isTime == true) {
                break  // date-only value for a date-time pattern
            }
            switch token {
            case .literal(let c):
                guard i < b.count, b[i] == c else { return nil }
                i += 1
            case .ampm:
                guard i + 2 <= b.count else { return nil }
                let c0 = b[i] | 0x20, c1 = b[i + 1] | 0x20
                guard c1 == UInt8(ascii: "m"), c0 == UInt8(ascii: "a") || c0 == UInt8(ascii: "p") else { return nil }
                pm = c0 == UInt8(ascii: "p")
                i += 2
            case .year4: guard let v = fixed(b, &i, 4) else { return nil }; year = v
            case .year2: guard let v = fixed(b, &i, 2) else { return nil }; year = 2000 + v
            case .month(let w): guard let v = field(b, &i, w) else { return nil }; month = v
            case .day(let w): guard let v = field(b, &i, w) else { return nil }; day = v
            case .hour24(let w): guard let v = field(b, &i, w) else { return nil }; hour = v
            case .hour12(let w): guard let v = field(b, &i, w) else { return nil }; hour = v; twelveHour = true
            case .minute(let w): guard let v = field(b, &i, w) else { return nil }; minute = v
            case .second(let w): guard let v = field(b, &i, w) else { return nil }; second = v
            }
        }
        guard i == b.count, let date = LocalDate(year: year, month: month, day: day) else { return nil }
        if twelveHour {
            guard (1...12).contains(hour) else { return nil }
            hour = hour % 12 + (pm == true ? 12 : 0)
        }
        guard hour < 24, minute < 60, second < 60 else { return nil }
        return LocalDateTime(date: date, secondOfDay: Int32(hour * 3600 + minute * 60 + second))
    }

    private func fixed(_ b: UnsafeRawBufferPointer, _ i: inout Int, _ count: Int) -> Int? {
        guard let v = num(b, i, count) else { return nil }
        i += count
        return v
    }

    /// One or two digits for `M`/`d`/`h`-style fields; exactly two for `MM`/`dd`/`hh`.
    private func field(_ b: UnsafeRawBufferPointer, _ i: inout Int, _ width: Int) -> Int? {
        if width == 2 { return fixed(b, &i, 2) }
        guard let first = num(b, i, 1) else { return nil }
        i += 1
        if let second = num(b, i, 1) { i += 1; return first * 10 + second }
        return first
    }
}

/// A date pattern that cannot be used.
public struct DatePatternError: Error, Equatable, Sendable {
    public let pattern: String
    public let message: String
}
