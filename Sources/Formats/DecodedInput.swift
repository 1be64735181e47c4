/// Pulls chunks from a `ByteSource` and hands them out as UTF-8, whatever the input encoding.
///
/// Every parser in the module works on UTF-8 bytes: ASCII syntax characters then have one byte value, and a
/// field is decoded to a `String` once. UTF-8 input is passed through without copying; other encodings are
/// transcoded one chunk at a time, carrying split UTF-16 units over to the next chunk.
struct DecodedInput {
    private let source: any ByteSource
    private let chunkSize: Int
    /// The encoding requested; `.automatic` and `.utf16` are resolved from the first bytes.
    private(set) var encoding: TextEncoding
    /// The current decoded chunk; parsers read `buffer[position..<buffer.count]`.
    var buffer: [UInt8] = []
    /// The next unread byte of `buffer`.
    var position = 0
    /// Absolute UTF-8 offset of `buffer[0]` in the decoded text.
    private(set) var bufferOffset = 0
    private var raw: [UInt8] = []
    private var carry: [UInt8] = []
    private var pendingHighSurrogate: UInt16? = nil
    private var started = false
    private(set) var exhausted = false

    init(source: any ByteSource, encoding: TextEncoding, chunkSize: Int = defaultChunkSize) {
        self.source = source
        self.encoding = encoding
        self.chunkSize = max(16, chunkSize)
    }

    /// Absolute offset of the next unread byte.
    var offset: Int { bufferOffset + position }

    /// True when unread bytes remain in the current chunk.
    var hasBytes: Bool { position < buffer.count }

    /// Replaces the buffer with the next decoded chunk; false when the input is exhausted.
    mutating func refill() throws(FormatError) -> Bool {
        bufferOffset += buffer.count
        buffer.removeAll(keepingCapacity: true)
        position = 0
        while buffer.isEmpty {
            if exhausted { return false }
            if !started {
                try start()
                continue
            }
            raw.removeAll(keepingCapacity: true)
            raw.append(contentsOf: carry)
            carry.removeAll(keepingCapacity: true)
            let got = try source.read(into: &raw, maxCount: chunkSize)
            if got == 0 { exhausted = true }
            decode(final: got == 0)
        }
        return true
    }

    /// Reads until the byte order mark (or its absence) is certain, then resolves the encoding.
    private mutating func start() throws(FormatError) {
        started = true
        while raw.count < 4 {
            if try source.read(into: &raw, maxCount: chunkSize) == 0 {
                exhausted = true
                break
            }
        }
        var skip = 0
        if raw.starts(with: [0xEF, 0xBB, 0xBF]), encoding == .utf8 || encoding == .automatic {
            encoding = .utf8
            skip = 3
        } else if raw.starts(with: [0xFF, 0xFE]), [.utf16, .utf16LittleEndian, .automatic].contains(encoding) {
            encoding = .utf16LittleEndian
            skip = 2
        } else if raw.starts(with: [0xFE, 0xFF]), [.utf16, .utf16BigEndian, .automatic].contains(encoding) {
            encoding = .utf16BigEndian
            skip = 2
        } else if encoding == .automatic {
            encoding = .utf8
        } else if encoding == .utf16 {
            encoding = .utf16BigEndian
        }
        if skip > 0 { raw.removeFirst(skip) }
        decode(final: exhausted)
    }

    /// Turns `raw` into UTF-8 in `buffer`, keeping an incomplete trailing UTF-16 unit in `carry`.
    private mutating func decode(final: Bool) {
        switch encoding {
        case .utf8, .automatic:
            swap(&buffer, &raw)
        case .isoLatin1, .windows1252:
            let windows = encoding == .windows1252
            buffer.reserveCapacity(raw.count * 2)
            for byte in raw {
                if byte < 0x80 {
                    buffer.append(byte)
                } else if windows && byte < 0xA0 {
                    appendUTF8(TextEncoding.windows1252High[Int(byte - 0x80)])
                } else {
                    buffer.append(0xC0 | (byte >> 6))
                    buffer.append(0x80 | (byte & 0x3F))
                }
            }
        case .utf16LittleEndian, .utf16BigEndian, .utf16:
            let little = encoding == .utf16LittleEndian
            var index = 0
            while index + 1 < raw.count {
                let first = UInt16(raw[index])
                let second = UInt16(raw[index + 1])
                index += 2
                decodeUTF16(little ? first | second << 8 : first << 8 | second)
            }
            if index < raw.count { carry.append(raw[index]) }
            if final {
                if !carry.isEmpty || pendingHighSurrogate != nil { appendUTF8(0xFFFD) }
                carry.removeAll()
                pendingHighSurrogate = nil
            }
        }
    }

    private mutating func decodeUTF16(_ unit: UInt16) {
        if let high = pendingHighSurrogate {
            pendingHighSurrogate = nil
            if unit >= 0xDC00 && unit <= 0xDFFF {
                appendUTF8(0x10000 + (UInt32(high - 0xD800) << 10) + UInt32(unit - 0xDC00))
                return
            }
            appendUTF8(0xFFFD)
        }
        if unit >= 0xD800 && unit <= 0xDBFF {
            pendingHighSurrogate = unit
        } else if unit >= 0xDC00 && unit <= 0xDFFF {
            appendUTF8(0xFFFD)
        } else {
            appendUTF8(UInt32(unit))
        }
    }

    private mutating func appendUTF8(_ scalar: UInt32) {
        switch scalar {
        case 0..<0x80:
            buffer.append(UInt8(scalar))
        case 0x80..<0x800:
            buffer.append(UInt8(0xC0 | (scalar >> 6)))
            buffer.append(UInt8(0x80 | (scalar & 0x3F)))
        case 0x800..<0x10000:
            buffer.append(UInt8(0xE0 | (scalar >> 12)))
            buffer.append(UInt8(0x80 | ((scalar >> 6) & 0x3F)))
            buffer.append(UInt8(0x80 | (scalar & 0x3F)))
        default:
            buffer.append(UInt8(0xF0 | (scalar >> 18)))
            buffer.append(UInt8(0x80 | ((scalar >> 12) & 0x3F)))
            buffer.append(UInt8(0x80 | ((scalar >> 6) & 0x3F)))
            buffer.append(UInt8(0x80 | (scalar & 0x3F)))
        }
    }
}
