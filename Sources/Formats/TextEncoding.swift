/// The character encodings legacy systems write; readers turn all of them into UTF-8 before parsing.
public enum TextEncoding: Sendable, Equatable, Hashable {
    /// UTF-8; a leading byte order mark is skipped when reading.
    case utf8
    /// ISO-8859-1 (Latin-1): every byte is the Unicode scalar of the same number.
    case isoLatin1
    /// Windows-1252: Latin-1 except 0x80–0x9F, which hold typographic characters such as € (0x80).
    case windows1252
    /// UTF-16 little-endian.
    case utf16LittleEndian
    /// UTF-16 big-endian.
    case utf16BigEndian
    /// UTF-16 whose byte order mark decides the byte order (big-endian without one, as Unicode says).
    case utf16
    /// Reading: the byte order mark decides (UTF-8, UTF-16 LE/BE), else UTF-8. Writing: UTF-8.
    case automatic

    /// Looks an encoding up by a name as found in XML declarations or configuration (case-insensitive).
    public init?(name: String) {
        switch name.lowercased() {
        case "utf-8", "utf8": self = .utf8
        case "iso-8859-1", "iso8859-1", "latin1", "latin-1", "l1", "iso_8859-1", "us-ascii", "ascii": self = .isoLatin1
        case "windows-1252", "cp1252", "cp-1252", "x-cp1252": self = .windows1252
        case "utf-16le": self = .utf16LittleEndian
        case "utf-16be": self = .utf16BigEndian
        case "utf-16", "utf16": self = .utf16
        default: return nil
        }
    }

    /// The bytes of this encoding's byte order mark (empty for the single-byte encodings).
    public var byteOrderMark: [UInt8] {
        switch self {
        case .utf8, .automatic: return [0xEF, 0xBB, 0xBF]
        case .utf16LittleEndian: return [0xFF, 0xFE]
        case .utf16BigEndian, .utf16: return [0xFE, 0xFF]
        case .isoLatin1, .windows1252: return []
        }
    }

    /// True when every character is one byte, so byte positions equal character positions.
    var isSingleByte: Bool { self == .isoLatin1 || self == .windows1252 }

    /// Windows-1252's 0x80–0x9F; the five undefined bytes keep their C1 control code, as browsers do.
    static let windows1252High: [UInt32] = [
        0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x008D,
        0x017D, 0x008F, 0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A,
        0x0153, 0x009D, 0x017E, 0x0178,
    ]

    /// Encodes `text` in this encoding and appends it; returns the first scalar it cannot represent, if any.
    func append(_ text: String, to out: inout [UInt8]) -> Unicode.Scalar? {
        switch self {
        case .utf8, .automatic:
            out.append(contentsOf: text.utf8)
        case .isoLatin1, .windows1252:
            for scalar in text.unicodeScalars {
                let value = scalar.value
                if value < 0x80 || (value <= 0xFF && (self == .isoLatin1 || value >= 0xA0)) {
                    out.append(UInt8(value))
                } else if self == .windows1252, let index = Self.windows1252High.firstIndex(of: value) {
                    out.append(UInt8(0x80 + index))
                } else {
                    return scalar
                }
            }
        case .utf16LittleEndian, .utf16BigEndian, .utf16:
            let little = self == .utf16LittleEndian
            for unit in text.utf16 {
                if little {
                    out.append(UInt8(unit & 0xFF))
                    out.append(UInt8(unit >> 8))
                } else {
                    out.append(UInt8(unit >> 8))
                    out.append(UInt8(unit & 0xFF))
                }
            }
        }
        return nil
    }
}
