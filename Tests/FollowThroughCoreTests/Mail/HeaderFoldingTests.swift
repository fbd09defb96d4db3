import FollowThroughTestSupport
import Testing

@testable import FollowThroughCore

@Suite struct HeaderFoldingTests {
    /// The rule `isPlain` implements, written the obvious way.
    static func plainByDefinition(_ text: String) -> Bool {
        guard text.unicodeScalars.allSatisfy({ (0x20...0x7E).contains($0.value) }) else { return false }
        let bytes = Array(text.utf8)
        for i in bytes.indices.dropLast() where bytes[i] == UInt8(ascii: "=") && bytes[i + 1] == UInt8(ascii: "?")
            || bytes[i] == 0x20 && bytes[i + 1] == 0x20 { return false }
        if bytes.first == 0x20 || bytes.last == 0x20 { return false }
        return text.split(separator: " ").allSatisfy { $0.utf8.count <= HeaderEncoding.maxPlainWord }
    }

    @Test(arguments: ["", "Plain subject", " leading", "trailing ", "two  spaces", "=?utf-8?q?x?=", "a=b?c", "caf\u{E9}",
                      "tab\there", String(repeating: "w", count: 70), String(repeating: "w", count: 71), "=", "?="])
    func plainTextIsRecognised(_ text: String) {
        #expect(HeaderEncoding.isPlain(text) == Self.plainByDefinition(text))
    }

    @Test func plainMatchesTheDefinitionOnRandomText() {
        var random = SplitMix64(seed: 5)
        let pieces = ["a", "Z", " ", "  ", "=", "?", "=?", "é", "\t", "\u{7F}", "~", String(repeating: "x", count: 30)]
        for _ in 0..<3_000 {
            let text = (0..<Int.random(in: 0...8, using: &random)).map { _ in pieces.randomElement(using: &random)! }.joined()
            #expect(HeaderEncoding.isPlain(text) == Self.plainByDefinition(text), "\(text.debugDescription)")
        }
    }
}
