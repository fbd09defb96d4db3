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
        String(decoding: encode(bytes: Array(text.utf8)), as: UTF8.self)
    }

    /// Encodes raw bytes; see `encode(_:)`.
    public static func encode(bytes: [UInt8]) -> [UInt8] {
        // Split into hard lines on CRLF, LF or CR.
        var lines: [ArraySlice<UInt8>] = []
        var start = 0
        var i = 0
        while i < bytes.count {
            let b = bytes[i]
            if b == 0x0D || b == 0x0A {
                lines.append(bytes[start..<i])
                if b == 0x0D && i + 1 < bytes.count && bytes[i + 1] == 0x0A { i += 1 }
                start = i + 1
            }
            i += 1
        }
        lines.append(bytes[start..<bytes.count])

        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + bytes.count / 8 + 16)
        for (n, line) in lines.enumerated() {
            if n > 0 { out += [0x0D, 0x0A] }
            encodeLine(line, into: &out)
        }
        return out
    }

    private static let hex = Array("0123456789ABCDEF".utf8)

    private static func encodeLine(_ line: ArraySlice<UInt8>, into out: inout [UInt8]) {
        var lineLength = 0
        var index = line.startIndex
        while index < line.endIndex {
            let b = line[index]
            let isLast = index == line.endIndex - 1
            let atLineStart = lineLength == 0
            var escape: Bool
            switch b {
            case 0x20, 0x09: escape = isLast
            case 0x3D: escape = true
            case 33...126: escape = false
            default: escape = true
            }
            if atLineStart && !escape {
                if b == UInt8(ascii: ".") { escape = true }
                if b == UInt8(ascii: "F"), line[index...].starts(with: "From ".utf8) { escape = true }
            }
            let tokenLength = escape ? 3 : 1
            // The last token of a line may use all 76 columns; any other token must leave room for a soft break.
            let limit = isLast ? maxLineLength : maxLineLength - 1
            if lineLength + tokenLength > limit {
                out += [UInt8(ascii: "="), 0x0D, 0x0A]
                lineLength = 0
                continue  // re-evaluate: the byte now starts a line
            }
            if escape {
                out += [UInt8(ascii: "="), hex[Int(b >> 4)], hex[Int(b & 0x0F)]]
            } else {
                out.append(b)
            }
            lineLength += tokenLength
            index += 1
        }
    }
}
