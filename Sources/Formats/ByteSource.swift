#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A pull source of raw bytes; readers ask it for one chunk at a time so memory stays constant.
public protocol ByteSource: AnyObject {
    /// Appends up to `maxCount` bytes to `buffer` and returns how many; 0 means the input is exhausted.
    func read(into buffer: inout [UInt8], maxCount: Int) throws(FormatError) -> Int
}

/// The chunk size readers request: large enough to amortise system calls, small enough to stay in cache.
public let defaultChunkSize = 64 * 1024

/// A byte source over bytes already in memory (tests, request bodies).
public final class MemoryByteSource: ByteSource {
    private let bytes: [UInt8]
    private var position = 0

    /// Reads from the given bytes.
    public init(_ bytes: [UInt8]) { self.bytes = bytes }

    /// Reads the UTF-8 bytes of a string.
    public convenience init(_ text: String) { self.init(Array(text.utf8)) }

    /// Copies the next slice of the bytes.
    public func read(into buffer: inout [UInt8], maxCount: Int) throws(FormatError) -> Int {
        let count = min(maxCount, bytes.count - position)
        guard count > 0 else { return 0 }
        buffer.append(contentsOf: bytes[position..<position + count])
        position += count
        return count
    }
}

/// A byte source reading a file with plain `read(2)` calls, so a file of any size uses one chunk of memory.
public final class FileByteSource: ByteSource {
    private let descriptor: Int32
    private let path: String
    private var closed = false

    /// Opens the file for reading.
    public init(path: String) throws(FormatError) {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else {
            throw FileByteSource.ioError("cannot open '\(path)' for reading: \(String(cString: strerror(errno)))")
        }
        self.descriptor = fd
        self.path = path
    }

    deinit { if !closed { _ = close(descriptor) } }

    /// Reads the next chunk, retrying on interrupted system calls.
    public func read(into buffer: inout [UInt8], maxCount: Int) throws(FormatError) -> Int {
        guard !closed, maxCount > 0 else { return 0 }
        let start = buffer.count
        var got = 0
        buffer.append(contentsOf: repeatElement(0, count: maxCount))
        while true {
            got = buffer.withUnsafeMutableBytes { raw in systemRead(descriptor, raw.baseAddress! + start, maxCount) }
            if got >= 0 || errno != EINTR { break }
        }
        guard got >= 0 else {
            buffer.removeLast(maxCount)
            throw FileByteSource.ioError("cannot read '\(path)': \(String(cString: strerror(errno)))")
        }
        buffer.removeLast(maxCount - got)
        return got
    }

    static func ioError(_ message: String) -> FormatError {
        FormatError(.io, format: .io, message: message, fix: "check the path and the file's permissions")
    }
}

/// The C `read(2)`, named apart from `ByteSource.read` so the method can call it.
private func systemRead(_ descriptor: Int32, _ pointer: UnsafeMutableRawPointer, _ count: Int) -> Int {
    read(descriptor, pointer, count)
}
