/// RFC 2047 encoded-words (`=?UTF-8?B?…?=`) for non-ASCII text in headers.
public enum EncodedWord {
    /// The longest encoded-word RFC 2047 allows.
    public static let maxLength = 75

    /// Encodes `text` as one or more `=?UTF-8?B?…?=` words, each at most `maxLength` characters.
    ///
    /// The text is split between characters (grapheme clusters) where possible and only between
    /// Unicode scalars otherwise, so a UTF-8 sequence is never split across words. Decoders join
    /// adjacent encoded-words without the whitespace between them, so the words may be separated by
    /// a space or a fold. Empty text gives no words.
    /// `firstMaxLength` (clamped to 16…`maxLength`) limits only the first word, so that it can share
    /// a line with the header's name and still keep that line within 76 characters.
    public static func encode(_ text: String, maxLength: Int = EncodedWord.maxLength,
                              firstMaxLength: Int? = nil) -> [String] {
        let prefix = "=?UTF-8?B?"
        let suffix = "?="
        // Base64 of n bytes is 4*ceil(n/3) characters; a word needs room for at least one 4-byte scalar.
        func bytesFitting(_ length: Int) -> Int {
            max(6, (max(8, length - prefix.count - suffix.count) / 4) * 3)
        }
        let restBytes = bytesFitting(maxLength)
        var maxBytes = bytesFitting(min(max(firstMaxLength ?? maxLength, 16), maxLength))

        var words: [String] = []
        var chunk: [UInt8] = []
        func flush() {
            if !chunk.isEmpty {
                words.append(prefix + Base64.encode(chunk) + suffix)
                chunk.removeAll()
                maxBytes = restBytes
            }
        }
        for character in text {
            let bytes = Array(String(character).utf8)
            if chunk.count + bytes.count > maxBytes {
                flush()
                maxBytes = restBytes
            }
            if bytes.count <= maxBytes {
                chunk += bytes
            } else {
                // A very long grapheme cluster (e.g. a stack of combining marks): split between scalars.
                for scalar in character.unicodeScalars {
                    let sb = Array(String(scalar).utf8)
                    if chunk.count + sb.count > maxBytes { flush() }
                    chunk += sb
                }
            }
        }
        flush()
        return words
    }

    /// Decodes one `=?charset?B|Q?…?=` word when its charset is UTF-8 or US-ASCII; nil otherwise.
    /// (Used by tests and diagnostics; the serialiser itself only encodes.)
    public static func decode(_ word: String) -> String? {
        guard word.hasPrefix("=?"), word.hasSuffix("?="), word.count >= 8 else { return nil }
        let parts = word.dropFirst(2).dropLast(2).split(separator: "?", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count == 3 else { return nil }
        let charset = parts[0].lowercased()
        guard charset == "utf-8" || charset == "us-ascii" else { return nil }
        let payload = String(parts[2])
        let bytes: [UInt8]?
        switch parts[1].uppercased() {
        case "B": bytes = Base64.decode(payload)
        case "Q":
            var out: [UInt8] = []
            var it = Array(payload.utf8)[...]
            while let b = it.popFirst() {
                if b == UInt8(ascii: "_") { out.append(0x20) }
                else if b == UInt8(ascii: "="), it.count >= 2,
                        let v = UInt8(String(decoding: it.prefix(2), as: UTF8.self), radix: 16) {
                    out.append(v); it = it.dropFirst(2)
                } else { out.append(b) }
            }
            bytes = out
        default: bytes = nil
        }
        guard let bytes else { return nil }
        return String(validating: bytes, as: UTF8.self)
    }
}

/// Minimal standard Base64 (RFC 4648, with padding).
enum Base64 {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    static func encode(_ bytes: [UInt8]) -> String {
        var out: [UInt8] = []
        out.reserveCapacity((bytes.count + 2) / 3 * 4)
        var i = 0
        while i < bytes.count {
            let b0 = bytes[i]
            let b1: UInt8 = i + 1 < bytes.count ? bytes[i + 1] : 0
            let b2: UInt8 = i + 2 < bytes.count ? bytes[i + 2] : 0
            out.append(alphabet[Int(b0 >> 2)])
            out.append(alphabet[Int((b0 & 0x03) << 4 | b1 >> 4)])
            out.append(i + 1 < bytes.count ? alphabet[Int((b1 & 0x0F) << 2 | b2 >> 6)] : UInt8(ascii: "="))
            out.append(i + 2 < bytes.count ? alphabet[Int(b2 & 0x3F)] : UInt8(ascii: "="))
            i += 3
        }
        return String(decoding: out, as: UTF8.self)
    }

    static func decode(_ text: String) -> [UInt8]? {
        var values: [UInt8] = []
        for c in text.utf8 {
            switch c {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"): values.append(c - UInt8(ascii: "A"))
            case UInt8(ascii: "a")...UInt8(ascii: "z"): values.append(c - UInt8(ascii: "a") + 26)
            case UInt8(ascii: "0")...UInt8(ascii: "9"): values.append(c - UInt8(ascii: "0") + 52)
            case UInt8(ascii: "+"): values.append(62)
            case UInt8(ascii: "/"): values.append(63)
            case UInt8(ascii: "="): break
            default: return nil
            }
        }
        var out: [UInt8] = []
        var i = 0
        while i + 1 < values.count {
            out.append(values[i] << 2 | values[i + 1] >> 4)
            if i + 2 < values.count { out.append(values[i + 1] << 4 | values[i + 2] >> 2) }
            if i + 3 < values.count { out.append(values[i + 2] << 6 | values[i + 3]) }
            i += 4
        }
        return out
    }
}
