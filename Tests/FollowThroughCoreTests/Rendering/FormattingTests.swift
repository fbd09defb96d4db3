import FollowThroughTestSupport
import Testing

@testable import FollowThroughCore

@Suite struct FormattingTests {
    /// What `description_lines` was before `Formatting.lines`: the Character-level split.
    static func characterLines(_ text: String) -> [String] {
        text.split(omittingEmptySubsequences: true, whereSeparator: \.isNewline).map(String.init)
    }

    @Test(arguments: [
        "", "one line", "\n", "a\nb", "a\r\nb\r\n", "\r\n\r\n", "a\u{0B}b\u{0C}c\rd", "caf\u{E9}\u{85}cr\u{E8}me",
        "x\u{2028}y\u{2029}z", "\n\u{301}accent after a newline", "\u{2028}", "emoji 👩‍🔧\nnext", "\u{E2}\u{80}",
    ])
    func linesSplitLikeCharacters(_ text: String) {
        #expect(Formatting.lines(text) == Self.characterLines(text))
    }

    @Test func linesMatchTheCharacterSplitOnRandomText() {
        var random = SplitMix64(seed: 11)
        let pieces = ["a", "é", "\n", "\r", "\r\n", "\u{0B}", "\u{0C}", "\u{85}", "\u{2028}", "\u{2029}", "\u{301}", " ",
                      "👩‍🔧", "\u{2027}", "\u{A8}", "Ω"]
        for _ in 0..<2_000 {
            let text = (0..<Int.random(in: 0...12, using: &random)).map { _ in pieces.randomElement(using: &random)! }.joined()
            #expect(Formatting.lines(text) == Self.characterLines(text), "\(Array(text.unicodeScalars))")
        }
    }
}
