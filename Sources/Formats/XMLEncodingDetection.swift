/// Replays bytes already read (to detect an encoding) before continuing with the underlying source.
final class PrefixedByteSource: ByteSource {
    private var prefix: [UInt8]
    private let rest: any ByteSource

    init(prefix: [UInt8], rest: any ByteSource) {
        self.prefix = prefix
        self.rest = rest
    }

    func read(into buffer: inout [UInt8], maxCount: Int) throws(FormatError) -> Int {
        if prefix.isEmpty { return try rest.read(into: &buffer, maxCount: maxCount) }
        let count = min(maxCount, prefix.count)
        buffer.append(contentsOf: prefix[0..<count])
        prefix.removeFirst(count)
        return count
    }
}

/// Finds an XML document's encoding as XML 1.0 appendix F says: byte order mark first, then the `encoding`
/// pseudo-attribute of the declaration, else UTF-8.
enum XMLEncodingDetection {
    /// Reads the start of the input and returns a source that replays it, with the encoding to decode it in.
    static func detect(
        source: any ByteSource, requested: TextEncoding
    ) throws(FormatError) -> (source: any ByteSource, encoding: TextEncoding) {
        var head: [UInt8] = []
        while head.count < 256 {
            if try source.read(into: &head, maxCount: 256 - head.count) == 0 { break }
        }
        let replay = PrefixedByteSource(prefix: head, rest: source)
        if requested != .automatic { return (replay, requested) }
        if head.starts(with: [0xEF, 0xBB, 0xBF]) { return (replay, .utf8) }
        if head.starts(with: [0xFF, 0xFE]) || head.starts(with: [0xFE, 0xFF]) { return (replay, .utf16) }
        guard head.starts(with: Array("<?xml".utf8)), let end = head.firstIndex(of: UInt8(ascii: ">")) else {
            return (replay, .utf8)
        }
        let declaration = Array(head[0..<end])
        let key = Array("encoding".utf8)
        guard
            let at = (0...max(0, declaration.count - key.count)).first(where: {
                declaration[$0...].starts(with: key)
            })
        else { return (replay, .utf8) }
        let after = String(decoding: declaration[(at + key.count)...], as: UTF8.self)
            .drop { $0 == " " || $0 == "=" || $0 == "\t" }
        guard let quote = after.first, quote == "\"" || quote == "'" else { return (replay, .utf8) }
        let name = after.dropFirst().prefix { $0 != quote }
        guard let encoding = TextEncoding(name: String(name)) else {
            throw FormatError(
                .unsupportedEncoding, format: .xml, line: 1, message: "the declared encoding '\(name)' is not supported",
                fix: "convert the file to UTF-8, ISO-8859-1, Windows-1252 or UTF-16, or set the encoding explicitly")
        }
        // A declaration read as ASCII cannot say UTF-16 truthfully; trust the bytes.
        return (replay, encoding == .utf16 || encoding == .utf16BigEndian || encoding == .utf16LittleEndian ? .utf8 : encoding)
    }
}
