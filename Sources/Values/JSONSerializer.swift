/// Writes JSON text with JavaScript's `JSON.stringify` conventions (number format, escapes).
public enum JSONSerializer {
    /// Compact (or, with `indent` > 0, pretty-printed) JSON text for a value.
    public static func serialize(_ value: JSONValue, indent: Int = 0) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(256)
        write(value, into: &out, indent: indent)
        return String(decoding: out, as: UTF8.self)
    }

    /// Appends the UTF-8 JSON text of a value to a byte buffer; the fast path for streaming writers.
    public static func write(_ value: JSONValue, into out: inout [UInt8], indent: Int = 0) {
        if indent == 0 {
            writeCompact(value, into: &out)
        } else {
            write(value, into: &out, indent: indent, level: 0)
        }
    }

    /// Compact output, the streaming case: no indentation bookkeeping per member.
    static func writeCompact(_ value: JSONValue, into out: inout [UInt8]) {
        switch value {
        case .null: out.append(contentsOf: "null".utf8)
        case .bool(let flag): out.append(contentsOf: (flag ? "true" : "false").utf8)
        case .number(let number): writeNumber(number, into: &out)
        case .string(let string): writeString(string, into: &out)
        case .array(let array):
            out.append(UInt8(ascii: "["))
            for (i, element) in array.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                writeCompact(element, into: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .object(let object):
            out.append(UInt8(ascii: "{"))
            let keys = object.keys
            let values = object.values
            for i in keys.indices {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                writeString(keys[i], into: &out)
                out.append(UInt8(ascii: ":"))
                writeCompact(values[i], into: &out)
            }
            out.append(UInt8(ascii: "}"))
        }
    }

    static func write(_ value: JSONValue, into out: inout [UInt8], indent: Int, level: Int) {
        switch value {
        case .null: out.append(contentsOf: "null".utf8)
        case .bool(let flag): out.append(contentsOf: (flag ? "true" : "false").utf8)
        case .number(let number): writeNumber(number, into: &out)
        case .string(let string): writeString(string, into: &out)
        case .array(let array):
            out.append(UInt8(ascii: "["))
            for (i, element) in array.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                newline(into: &out, indent: indent, level: level + 1)
                write(element, into: &out, indent: indent, level: level + 1)
            }
            if !array.isEmpty { newline(into: &out, indent: indent, level: level) }
            out.append(UInt8(ascii: "]"))
        case .object(let object):
            out.append(UInt8(ascii: "{"))
            let keys = object.keys
            let values = object.values
            for i in keys.indices {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                newline(into: &out, indent: indent, level: level + 1)
                writeString(keys[i], into: &out)
                out.append(UInt8(ascii: ":"))
                if indent > 0 { out.append(UInt8(ascii: " ")) }
                write(values[i], into: &out, indent: indent, level: level + 1)
            }
            if !object.isEmpty { newline(into: &out, indent: indent, level: level) }
            out.append(UInt8(ascii: "}"))
        }
    }

    static func newline(into out: inout [UInt8], indent: Int, level: Int) {
        guard indent > 0 else { return }
        out.append(UInt8(ascii: "\n"))
        out.append(contentsOf: repeatElement(UInt8(ascii: " "), count: indent * level))
    }

    /// Non-finite numbers have no JSON form; like `JSON.stringify` they become `null`.
    static func writeNumber(_ number: Double, into out: inout [UInt8]) {
        guard number.isFinite else {
            out.append(contentsOf: "null".utf8)
            return
        }
        if number == number.rounded(.towardZero) && abs(number) < 1e15 {
            writeInteger(Int64(number), into: &out)
        } else {
            out.append(contentsOf: JSONNumberFormatter.format(number).utf8)
        }
    }

    static func writeInteger(_ value: Int64, into out: inout [UInt8]) {
        if value == 0 {
            out.append(UInt8(ascii: "0"))
            return
        }
        var magnitude = value.magnitude
        if value < 0 { out.append(UInt8(ascii: "-")) }
        var scratch: (UInt64, UInt64, UInt64) = (0, 0, 0)
        withUnsafeMutableBytes(of: &scratch) { raw in
            var i = raw.count
            while magnitude > 0 {
                i -= 1
                raw[i] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                magnitude /= 10
            }
            out.append(contentsOf: raw[i...])
        }
    }

    static let hex: [UInt8] = Array("0123456789abcdef".utf8)

    /// Escapes like `JSON.stringify`: quotes, backslash and control characters; everything else verbatim.
    static func writeString(_ string: String, into out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        var copy = string
        // Contiguous UTF-8 lets unescaped runs be copied in bulk instead of byte by byte.
        copy.withUTF8 { bytes in
            var runStart = 0
            var i = 0
            while i < bytes.count {
                // Runs without anything to escape are skipped a word at a time.
                if i + 8 <= bytes.count, !ByteWord.needsEscaping(ByteWord.load(bytes, at: i)) {
                    i += 8
                    continue
                }
                let index = i
                let byte = bytes[index]
                i += 1
                guard byte < 0x20 || byte == 0x22 || byte == 0x5C else { continue }
                if index > runStart { out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<index])) }
                runStart = index + 1
                switch byte {
                case 0x22: out.append(contentsOf: [0x5C, 0x22])
                case 0x5C: out.append(contentsOf: [0x5C, 0x5C])
                case 0x0A: out.append(contentsOf: [0x5C, UInt8(ascii: "n")])
                case 0x0D: out.append(contentsOf: [0x5C, UInt8(ascii: "r")])
                case 0x09: out.append(contentsOf: [0x5C, UInt8(ascii: "t")])
                case 0x08: out.append(contentsOf: [0x5C, UInt8(ascii: "b")])
                case 0x0C: out.append(contentsOf: [0x5C, UInt8(ascii: "f")])
                default:
                    out.append(contentsOf: [0x5C, UInt8(ascii: "u"), 0x30, 0x30, hex[Int(byte >> 4)], hex[Int(byte & 0xF)]])
                }
            }
            if bytes.count > runStart { out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart...])) }
        }
        out.append(UInt8(ascii: "\""))
    }
}
