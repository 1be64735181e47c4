/// Tests on eight bytes at once, for the loops that scan string contents: most bytes in JSON text need no
/// attention, and one 64-bit check replaces eight byte comparisons.
enum ByteWord {
    private static let ones: UInt64 = 0x0101_0101_0101_0101
    private static let highBits: UInt64 = 0x8080_8080_8080_8080

    /// The eight bytes at `offset`; the caller guarantees `offset + 8 <= bytes.count`.
    @inline(__always)
    static func load(_ bytes: UnsafeBufferPointer<UInt8>, at offset: Int) -> UInt64 {
        UnsafeRawPointer(bytes.baseAddress! + offset).loadUnaligned(as: UInt64.self)
    }

    /// True when some byte is `"`, `\` or a control character (below 0x20): the bytes JSON strings escape.
    @inline(__always)
    static func needsEscaping(_ word: UInt64) -> Bool {
        // Classic "has a zero byte" tests: a byte below n makes `byte - n` borrow into its high bit, and the
        // `~word` term discards bytes whose high bit was already set (those are never special here).
        let quote = word ^ (ones &* 0x22)
        let backslash = word ^ (ones &* 0x5C)
        let hits = ((quote &- ones) & ~quote) | ((backslash &- ones) & ~backslash) | ((word &- ones &* 0x20) & ~word)
        return hits & highBits != 0
    }

    /// True when some byte is special for `needsEscaping` or is not ASCII.
    @inline(__always)
    static func needsEscapingOrIsNonASCII(_ word: UInt64) -> Bool {
        word & highBits != 0 || needsEscaping(word)
    }
}
