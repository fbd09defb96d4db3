import Foundation
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
}
