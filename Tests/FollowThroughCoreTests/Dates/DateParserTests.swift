import Foundation
import FollowThroughTestSupport
import Testing
@testable import FollowThroughCore

@Suite struct DateParserTests {
    let toronto = DateParser(timeZone: TimeZone(identifier: "America/Toronto")!)

    @Test(arguments: [
        ("2026-11-24", "2026-11-24 00:00:00"),
        ("2026-11-24 08:30", "2026-11-24 08:30:00"),
        ("2026-11-24 08:30:15", "2026-11-24 08:30:15"),
        ("2026-11-24T08:30", "2026-11-24 08:30:00"),
        ("2026-11-24T08:30:15.250", "2026-11-24 08:30:15"),
        ("  2026-11-24 08:30  ", "2026-11-24 08:30:00"),
        ("2026-11-25T02:00:00Z", "2026-11-24 21:00:00"),       // UTC → Toronto (EST, -5)
        ("2026-11-24T09:00:00+01:00", "2026-11-24 03:00:00"),
        ("2026-07-01T12:00:00Z", "2026-07-01 08:00:00"),       // summer time (EDT, -4)
        ("2026-11-24 23:30-0500", "2026-11-24 23:30:00"),
        ("2024-02-29", "2024-02-29 00:00:00"),
    ])
    func isoForms(text: String, expected: String) {
        #expect(toronto.parse(text)?.description == expected)
    }

    @Test(arguments: ["", "2026-13-01", "2026-02-29", "2026-11-24 25:00", "24/11/2026", "2026-11-24X", "2026-11-24T08", "2026-11-24 08:30+99"])
    func rejectsNonDates(text: String) {
        #expect(toronto.parse(text) == nil)
    }

    @Test(arguments: [
        ("M/d/yyyy h:mm a", "11/24/2026 8:30 AM", "2026-11-24 08:30:00"),
        ("M/d/yyyy h:mm a", "1/2/2026 12:05 pm", "2026-01-02 12:05:00"),
        ("M/d/yyyy h:mm a", "1/2/2026 12:05 AM", "2026-01-02 00:05:00"),
        ("M/d/yyyy h:mm a", "11/24/2026", "2026-11-24 00:00:00"),
        ("dd.MM.yyyy HH:mm", "24.11.2026 17:45", "2026-11-24 17:45:00"),
        ("yyyyMMdd", "20261124", "2026-11-24 00:00:00"),
    ])
    func customPatterns(pattern: String, text: String, expected: String) throws {
        let parser = DateParser(timeZone: TimeZone(identifier: "UTC")!, pattern: try DatePattern(pattern))
        #expect(parser.parse(text)?.description == expected)
    }

    @Test func customPatternRefusesGarbageAndFallsBackToISO() throws {
        let parser = DateParser(timeZone: TimeZone(identifier: "UTC")!, pattern: try DatePattern("M/d/yyyy"))
        #expect(parser.parse("13/1/2026") == nil)
        #expect(parser.parse("2026-11-24")?.description == "2026-11-24 00:00:00")
    }

    @Test func unsupportedPatternLetterIsNamed() {
        #expect(throws: DatePatternError.self) { try DatePattern("yyyy-MM-dd EEE") }
    }

    @Test func civilDateRoundTripsAndWeekdays() {
        var date = LocalDate(year: 1999, month: 12, day: 25)!
        for _ in 0..<20_000 {
            let (y, m, d) = date.components
            #expect(LocalDate(year: y, month: m, day: d) == date)
            date = date.adding(days: 1)
        }
        #expect(LocalDate(year: 2026, month: 11, day: 23)!.weekday == 1)  // a Monday
        #expect(LocalDate(iso: "2026-11-24")?.description == "2026-11-24")
    }

    /// The fast path for `YYYY-MM-DD[ HH:MM]` gives what the general ISO reader gives, and nothing it rejects:
    /// random near-canonical strings (bad digits, 30 February, 29 February in and out of leap years, hour 24, year 0).
    @Test func canonicalFastPathAgreesWithTheGeneralReader() {
        var rng = SplitMix64(seed: 0xDA7E)
        func pick<T>(_ items: [T]) -> T { items[Int(rng.next() % UInt64(items.count))] }
        let utc = DateParser(timeZone: TimeZone(identifier: "UTC")!)
        var accepted = 0
        for _ in 0..<20_000 {
            let year = pick(["2026", "2024", "1900", "2000", "0000", "9999", "20x6", "1970"])
            let month = pick(["01", "02", "12", "13", "00", "1a", "06"])
            let day = pick(["01", "28", "29", "30", "31", "00", "32", "1/"])
            var text = "\(year)\(pick(["-", "-", "/"]))\(month)-\(day)"
            if rng.next() % 3 != 0 {
                text += pick([" ", "T", "_"]) + pick(["00", "23", "24", "09", "9:"]) + pick([":", ".", ":"]) + pick(["00", "59", "60", "5x"])
            }
            var bytes = Array(text.utf8)
            let parsed = bytes.withUnsafeMutableBytes { utc.parseISO(UnsafeRawBufferPointer($0)) }
            let fast = bytes.withUnsafeMutableBytes { DateParser.canonical(UnsafeRawBufferPointer($0)) }
            #expect(utc.parse(text) == parsed, "\(text)")
            #expect(fast == parsed, "\(text)")
            // The check without a value decides every text of the fast path's forms exactly as it does.
            let checked = bytes.withUnsafeMutableBytes { DateParser.canonicalIsValid(UnsafeRawBufferPointer($0)) }
            if let checked { #expect(checked == (fast != nil), "\(text)") } else { #expect(fast == nil, "\(text)") }
            #expect(bytes.withUnsafeMutableBytes { utc.isDate(UnsafeRawBufferPointer($0)) } == (parsed != nil), "\(text)")
            if parsed != nil { accepted += 1 }
        }
        #expect(accepted > 1000)
    }
}
