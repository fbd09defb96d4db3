/// Building header fields that can never be broken by their values: control characters are
/// replaced, non-ASCII text becomes RFC 2047 encoded-words, and long fields are folded.
enum HeaderEncoding {
    /// Lines are folded so that none exceeds this many characters (RFC 2047 asks for 76 on lines
    /// holding encoded-words; RFC 5322 recommends 78). Only an unbreakable word can exceed it, and
    /// words are kept short enough that no line comes near 998.
    static let foldLimit = 76
    /// Longest plain (unencoded) word; longer words make the value go out as encoded-words.
    static let maxPlainWord = 70

    /// Replaces every control character (C0 including CR, LF and TAB, DEL, C1, U+2028, U+2029) with a space.
    static func replacingControls(_ text: String) -> String {
        var out = String.UnicodeScalarView()
        for s in text.unicodeScalars {
            out.append(MailAddress.isControl(s) ? " " : s)
        }
        return String(out)
    }

    /// True for text that can go into a header as it is: printable ASCII, single spaces between
    /// words, no leading or trailing space, nothing that looks like an encoded-word, short words.
    static func isPlain(_ text: String) -> Bool {
        // One pass over the bytes: printable ASCII, no `=?`, single spaces between words of at most `maxPlainWord`.
        var previous: UInt8 = 0, word = 0
        for b in text.utf8 {
            guard b >= 0x20, b <= 0x7E else { return false }
            if b == 0x20 {
                if word == 0 { return false }  // a leading space, or a second one in a row
                word = 0
            } else {
                if b == UInt8(ascii: "?") && previous == UInt8(ascii: "=") { return false }
                word += 1
                if word > maxPlainWord { return false }
            }
            previous = b
        }
        return previous != 0x20
    }

    /// The words of an unstructured value (Subject, extra headers), controls already replaced by
    /// the caller. `firstRoom` is the space left on the header's first line after `Name: `.
    static func unstructuredWords(_ text: String, firstRoom: Int) -> [String] {
        if text.isEmpty { return [] }
        if isPlain(text) { return text.split(separator: " ").map(String.init) }
        return EncodedWord.encode(text, firstMaxLength: firstRoom)
    }

    /// The words of a display name: atoms as they are, a quoted-string when the name holds
    /// specials such as `,` `"` `.`, and otherwise a mix of plain atoms and encoded-words.
    ///
    /// Runs of spaces are collapsed to one. In the mixed form, ASCII atoms stay plain and each run
    /// of other words becomes as few encoded-words as possible, split between words when it must
    /// be split (with the separating space inside the earlier word). This matters because decoders
    /// disagree about whitespace between two adjacent encoded-words in a phrase: RFC 2047 says to
    /// drop it, Python's `email` keeps it. Between an atom and an encoded-word everyone keeps it,
    /// so only names with more than ~44 octets of consecutive non-ASCII words can decode with an
    /// extra space in Python (never with a missing space in an RFC 2047 decoder).
    static func phraseWords(_ name: String) -> [String] {
        let collapsed = name.split(separator: " ").joined(separator: " ")
        if isPlain(collapsed) {
            if collapsed.unicodeScalars.allSatisfy({ MailAddress.isAtext($0) || $0 == " " }) {
                return collapsed.split(separator: " ").map(String.init)
            }
            var quoted = "\""
            for s in collapsed.unicodeScalars {
                if s == "\"" || s == "\\" { quoted.unicodeScalars.append("\\") }
                quoted.unicodeScalars.append(s)
            }
            quoted += "\""
            if quoted.utf8.count <= maxPlainWord { return [quoted] }
        }
        var out: [String] = []
        var run: [Substring] = []
        func flushRun() {
            guard !run.isEmpty else { return }
            let maxBytes = 44  // one encoded-word holds 45 octets; keep room for a trailing space
            var chunk = ""
            for word in run {
                let candidate = chunk.isEmpty ? String(word) : chunk + " " + word
                if chunk.isEmpty || candidate.utf8.count <= maxBytes {
                    chunk = candidate
                } else {
                    out += EncodedWord.encode(chunk + " ")
                    chunk = String(word)
                }
            }
            out += EncodedWord.encode(chunk)
            run.removeAll()
        }
        for word in collapsed.split(separator: " ") {
            if word.utf8.count <= maxPlainWord, !word.contains("=?"), word.unicodeScalars.allSatisfy(MailAddress.isAtext) {
                flushRun()
                out.append(String(word))
            } else {
                run.append(word)
            }
        }
        flushRun()
        return out
    }

    /// `Name: word word…` with CRLF+space folds before words that would pass `foldLimit`,
    /// without the final CRLF.
    static func fold(name: String, words: [String]) -> String {
        var out = name + ":"
        var lineLength = out.utf8.count
        for word in words where !word.isEmpty {
            let length = word.utf8.count
            if lineLength + 1 + length > foldLimit {
                out += "\r\n " + word
                lineLength = 1 + length
            } else {
                out += " " + word
                lineLength += 1 + length
            }
        }
        return out
    }

    /// A valid RFC 5322 field name: 1–76 printable ASCII characters other than `:`.
    static func isValidFieldName(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.count <= 76 && name.utf8.allSatisfy { (33...126).contains($0) && $0 != UInt8(ascii: ":") }
    }
}
