#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A push destination for bytes; writers buffer a chunk and hand it over in one call.
public protocol ByteSink: AnyObject {
    /// Appends the bytes.
    func write(_ bytes: ArraySlice<UInt8>) throws(FormatError)
    /// Makes everything written so far durable where that means something (files); a no-op in memory.
    func flush() throws(FormatError)
}

/// A byte sink collecting everything in memory.
public final class MemoryByteSink: ByteSink {
    /// Everything written so far.
    public private(set) var bytes: [UInt8] = []

    /// An empty sink.
    public init() {}

    /// The bytes written so far, decoded as UTF-8 (for tests and UTF-8 output).
    public var text: String { String(decoding: bytes, as: UTF8.self) }

    /// Appends the bytes.
    public func write(_ bytes: ArraySlice<UInt8>) throws(FormatError) { self.bytes.append(contentsOf: bytes) }

    /// Nothing to do in memory.
    public func flush() throws(FormatError) {}
}

/// A byte sink writing to a file with plain `write(2)` calls.
public final class FileByteSink: ByteSink {
    private let descriptor: Int32
    private let path: String

    /// Creates (or truncates, or with `append` extends) the file.
    public init(path: String, append: Bool = false) throws(FormatError) {
        let flags = O_WRONLY | O_CREAT | (append ? O_APPEND : O_TRUNC)
        let fd = open(path, flags, 0o644)
        guard fd >= 0 else {
            throw FormatError(
                .io, format: .io, message: "cannot open '\(path)' for writing: \(String(cString: strerror(errno)))",
                fix: "check that the directory exists and is writable")
        }
        self.descriptor = fd
        self.path = path
    }

    deinit { _ = close(descriptor) }

    /// Writes all the bytes, continuing after short writes and interrupted calls.
    public func write(_ bytes: ArraySlice<UInt8>) throws(FormatError) {
        var failure: Int32 = 0
        bytes.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let written = systemWrite(descriptor, raw.baseAddress! + offset, raw.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    failure = errno
                    return
                }
                offset += written
            }
        }
        if failure != 0 {
            throw FormatError(
                .io, format: .io, message: "cannot write '\(path)': \(String(cString: strerror(failure)))",
                fix: "check free disk space and permissions")
        }
    }

    /// Asks the kernel to put the file on disk.
    public func flush() throws(FormatError) { _ = fsync(descriptor) }
}

/// The C `write(2)`, named apart from `ByteSink.write` so the method can call it.
private func systemWrite(_ descriptor: Int32, _ pointer: UnsafeRawPointer, _ count: Int) -> Int {
    write(descriptor, pointer, count)
}
