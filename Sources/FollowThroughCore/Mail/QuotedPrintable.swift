import CByteMarks

/// Quoted-printable (RFC 2045 §6.7) for UTF-8 text bodies.
public enum QuotedPrintable {
    /// Longest encoded line, soft-break `=` included.
    public static let maxLineLength = 76

    /// Encodes `text` as quoted-printable with CRLF line breaks.
    ///
    /// Line breaks in the input (CRLF, lone LF, lone CR) become CRLF hard breaks. Bytes outside
    /// printable ASCII, `=`, and a space or tab at the end of a line are written as `=XX`
    /// (uppercase hex). Long lines get soft breaks (`=` CRLF) so that no encoded line is longer
    /// than 76 characters, and an `=XX` escape is never split. For safety in transports, a `.` at
    /// the start of an encoded line and the `F` of a line-initial `From ` are escaped too. The
    /// output ends with CRLF exactly when the input ends with a line break.
    public static func encode(_ text: String) -> String {
        var out: [UInt8] = []
        encode(text, into: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Encodes raw bytes; see `encode(_:)`.
    public static func encode(bytes: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        bytes.withUnsafeBufferPointer { encode($0, into: &out) }
        return out
    }

    /// Appends the encoding of `text` to `out` (no copy of the text on the way).
    public static func encode(_ text: String, into out: inout [UInt8]) {
        var text = text
        text.withUTF8 { encode($0, into: &out) }
    }

    /// Appends the encoding of `input` to `out`, written first into uninitialised room for the worst case (zeroing
    /// room in `out` for it cost more than the encoding, and made `out` grow to three times the body).
    static func encode(_ input: UnsafeBufferPointer<UInt8>, into out: inout [UInt8]) {
        // Worst case: every byte escaped (3), plus a soft break (3) per 24 escapes, plus CRLF per input byte at most.
        let worst = input.count * 3 + input.count / 8 + 16
        let scratch = UnsafeMutablePointer<UInt8>.allocate(capacity: worst)
        defer { scratch.deallocate() }
        let written = encode(input, to: scratch)
        out.append(contentsOf: UnsafeBufferPointer(start: scratch, count: written))
    }

    /// `=XX` is needed for this byte anywhere in a line (space and tab only at its end; see `encode(_:)`).
    private static let mustEscape: [Bool] = (0...255).map { b in
        switch b {
        case 0x20, 0x09: false
        case 0x3D: true
        case 33...126: false
        default: true
        }
    }

    private static let hex = Array("0123456789ABCDEF".utf8)

    /// Encodes into `out` (room for the worst case); returns how many bytes were written.
    private static func encode(_ input: UnsafeBufferPointer<UInt8>, to out: UnsafeMutablePointer<UInt8>) -> Int {
        mustEscape.withUnsafeBufferPointer { mustEscape in
            hex.withUnsafeBufferPointer { hex in
                guard let p = input.baseAddress else { return 0 }
                let n = input.count
                var o = 0
                var i = 0
                var lineLength = 0
                while true {
                    // The hard line [i, end): up to the next CR or LF.
                    let end = i + ft_line_break_index(p + i, n - i)
                    lineLength = 0
                    var j = i
                    while j < end {
                        // Plain bytes mid-line, none the line's last, as many as fit before a soft break: one copy.
                        if lineLength != 0 {
                            let room = min(maxLineLength - 1 - lineLength, end - 1 - j)
                            if room > 0 {
                                let run = ft_qp_plain_run(p + j, room)
                                if run > 0 {
                                    (out + o).initialize(from: p + j, count: run)
                                    o += run
                                    lineLength += run
                                    j += run
                                    continue
                                }
                            }
                        }
                        let b = p[j]
                        // Most bytes: mid-line, not the line's last, with room left before a soft break.
                        if lineLength != 0, j < end - 1 {
                            if !mustEscape[Int(b)] {
                                if lineLength < maxLineLength - 1 {
                                    out[o] = b
                                    o += 1
                                    lineLength += 1
                                    j += 1
                                    continue
                                }
                            } else if lineLength + 3 < maxLineLength {
                                out[o] = UInt8(ascii: "="); out[o + 1] = hex[Int(b >> 4)]; out[o + 2] = hex[Int(b & 0x0F)]
                                o += 3
                                lineLength += 3
                                j += 1
                                continue
                            }
                        }
                        let isLast = j == end - 1
                        var escape = mustEscape[Int(b)] || (isLast && (b == 0x20 || b == 0x09))
                        if lineLength == 0 && !escape {
                            if b == UInt8(ascii: ".") {
                                escape = true
                            } else if b == UInt8(ascii: "F"), end - j >= 5, p[j + 1] == UInt8(ascii: "r"),
                                      p[j + 2] == UInt8(ascii: "o"), p[j + 3] == UInt8(ascii: "m"), p[j + 4] == 0x20 {
                                escape = true
                            }
                        }
                        let tokenLength = escape ? 3 : 1
                        // The last token of a line may use all 76 columns; any other must leave room for a soft break.
                        let limit = isLast ? maxLineLength : maxLineLength - 1
                        if lineLength + tokenLength > limit {
                            out[o] = UInt8(ascii: "="); out[o + 1] = 0x0D; out[o + 2] = 0x0A
                            o += 3
                            lineLength = 0
                            continue  // re-evaluate: the byte now starts a line
                        }
                        if escape {
                            out[o] = UInt8(ascii: "="); out[o + 1] = hex[Int(b >> 4)]; out[o + 2] = hex[Int(b & 0x0F)]
                            o += 3
                        } else {
                            out[o] = b
                            o += 1
                        }
                        lineLength += tokenLength
                        j += 1
                    }
                    guard end < n else { return o }
                    out[o] = 0x0D; out[o + 1] = 0x0A
                    o += 2
                    i = end + (p[end] == 0x0D && end + 1 < n && p[end + 1] == 0x0A ? 2 : 1)
                }
            }
        }
    }
}
