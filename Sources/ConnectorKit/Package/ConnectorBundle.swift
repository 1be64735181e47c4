public import Foundation

/// A connector package as one file: a POSIX ustar archive written deterministically (entries sorted by path, owner
/// 0, times 0, modes 0644/0755), so the same folder always gives the same bytes and the same SHA-256.
public struct ConnectorBundle: Sendable {
    /// Files by relative path (`connector.yaml`, `mappings/erp.yaml`, …).
    public let files: [String: Data]
    /// Paths whose file is executable.
    public let executables: Set<String>

    /// The default largest bundle accepted.
    public static let defaultSizeLimit = 50 * 1024 * 1024
    /// The manifest's file names, in order of preference.
    public static let manifestNames = ["connector.yaml", "connector.yml", "connector.json"]

    /// Reads a package folder. Refuses symlinks that leave the folder, special files and folders over the limit.
    public init(directory: URL, sizeLimit: Int = defaultSizeLimit) throws(BundleError) {
        let root = directory.standardizedFileURL.resolvingSymlinksInPath()
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: root.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw BundleError("\(directory.path) is not a folder")
        }
        var files: [String: Data] = [:]
        var executables: Set<String> = []
        var total = 0
        guard let enumerator = FileManager.default.enumerator(atPath: root.path) else {
            throw BundleError("cannot list \(root.path)")
        }
        while let relative = enumerator.nextObject() as? String {
            let path = root.appendingPathComponent(relative).path
            let attributes: [FileAttributeKey: Any]
            do { attributes = try FileManager.default.attributesOfItem(atPath: path) } catch {
                throw BundleError("cannot read \(relative): \(error.localizedDescription)")
            }
            let type = attributes[.type] as? FileAttributeType
            if type == .typeDirectory { continue }
            if type == .typeSymbolicLink {
                let target = URL(fileURLWithPath: path).resolvingSymlinksInPath().path
                guard target.hasPrefix(root.path + "/") else {
                    throw BundleError("\(relative) is a symlink that leaves the package folder; copy the file in instead")
                }
                // Followed: the bundle stores the file it points to.
            } else if type != .typeRegular {
                throw BundleError("\(relative) is not a regular file (sockets, devices and pipes cannot be bundled)")
            }
            if relative.split(separator: "/").contains(where: { $0.hasPrefix(".") }) { continue }  // .git, .DS_Store
            guard let data = FileManager.default.contents(atPath: path) else { throw BundleError("cannot read \(relative)") }
            total += data.count
            guard total <= sizeLimit else {
                throw BundleError("package is larger than the limit of \(sizeLimit / 1_048_576) MiB")
            }
            files[relative] = data
            if FileManager.default.isExecutableFile(atPath: path) { executables.insert(relative) }
        }
        try self.init(files: files, executables: executables)
    }

    /// Wraps files; checks every path.
    public init(files: [String: Data], executables: Set<String> = []) throws(BundleError) {
        for path in files.keys { try Self.checkPath(path) }
        self.files = files
        self.executables = executables
    }

    /// Reads a bundle archive. Refuses `../`, absolute paths, links, and archives over the limit before anything is
    /// stored.
    public init(archive: Data, sizeLimit: Int = defaultSizeLimit) throws(BundleError) {
        guard archive.count <= sizeLimit + 1_048_576 else {
            throw BundleError("bundle is larger than the limit of \(sizeLimit / 1_048_576) MiB")
        }
        let bytes = [UInt8](archive)
        var files: [String: Data] = [:]
        var executables: Set<String> = []
        var offset = 0
        var total = 0
        while offset + 512 <= bytes.count {
            let header = Array(bytes[offset..<offset + 512])
            if header.allSatisfy({ $0 == 0 }) { break }
            guard let size = Self.octal(header[124..<136]), let mode = Self.octal(header[100..<108]) else {
                throw BundleError("bundle is not a valid archive (bad header at byte \(offset))")
            }
            let name = Self.text(header[0..<100])
            let prefix = Self.text(header[345..<500])
            let path = prefix.isEmpty ? name : prefix + "/" + name
            let type = header[156]
            offset += 512
            switch type {
            case UInt8(ascii: "0"), 0:
                try Self.checkPath(path)
                guard offset + size <= bytes.count else { throw BundleError("bundle is truncated in \(path)") }
                total += size
                guard total <= sizeLimit else {
                    throw BundleError("bundle unpacks to more than the limit of \(sizeLimit / 1_048_576) MiB")
                }
                files[path] = Data(bytes[offset..<offset + size])
                if mode & 0o111 != 0 { executables.insert(path) }
            case UInt8(ascii: "5"):
                try Self.checkPath(path.hasSuffix("/") ? String(path.dropLast()) : path)
            case UInt8(ascii: "1"), UInt8(ascii: "2"):
                throw BundleError("bundle entry \(path) is a link; bundles may hold regular files only")
            default:
                throw BundleError("bundle entry \(path) has unsupported type '\(Character(UnicodeScalar(type)))'")
            }
            offset += (size + 511) / 512 * 512
        }
        try self.init(files: files, executables: executables)
    }

    /// The manifest's path inside the bundle.
    public var manifestPath: String? { Self.manifestNames.first { files[$0] != nil } }

    /// The archive bytes: same files → same bytes.
    public func archive() throws(BundleError) -> Data {
        var out: [UInt8] = []
        for path in files.keys.sorted() {
            let data = files[path]!
            var header = [UInt8](repeating: 0, count: 512)
            let pathBytes = Array(path.utf8)
            if pathBytes.count <= 100 {
                header.replaceSubrange(0..<pathBytes.count, with: pathBytes)
            } else {
                // ustar splits long paths at a slash into a 155-byte prefix and a 100-byte name.
                guard
                    let split = pathBytes.indices.last(where: {
                        pathBytes[$0] == 47 && $0 <= 155 && pathBytes.count - $0 - 1 <= 100
                    })
                else { throw BundleError("path \(path) is too long for a bundle (shorten it below 255 bytes)") }
                header.replaceSubrange(0..<(pathBytes.count - split - 1), with: pathBytes[(split + 1)...])
                header.replaceSubrange(345..<(345 + split), with: pathBytes[..<split])
            }
            Self.writeOctal(executables.contains(path) ? 0o755 : 0o644, into: &header, at: 100, width: 8)
            Self.writeOctal(0, into: &header, at: 108, width: 8)
            Self.writeOctal(0, into: &header, at: 116, width: 8)
            Self.writeOctal(data.count, into: &header, at: 124, width: 12)
            Self.writeOctal(0, into: &header, at: 136, width: 12)
            header[156] = UInt8(ascii: "0")
            header.replaceSubrange(257..<263, with: Array("ustar\0".utf8))
            header.replaceSubrange(263..<265, with: Array("00".utf8))
            header.replaceSubrange(148..<156, with: Array(repeating: UInt8(ascii: " "), count: 8))
            let checksum = header.reduce(0) { $0 + Int($1) }
            Self.writeOctal(checksum, into: &header, at: 148, width: 7)
            header[155] = UInt8(ascii: " ")
            out += header
            out += data
            out += [UInt8](repeating: 0, count: (512 - data.count % 512) % 512)
        }
        out += [UInt8](repeating: 0, count: 1024)
        return Data(out)
    }

    static func checkPath(_ path: String) throws(BundleError) {
        guard !path.isEmpty else { throw BundleError("bundle has an entry with an empty path") }
        guard !path.hasPrefix("/") else { throw BundleError("bundle entry \(path) is an absolute path") }
        guard !path.split(separator: "/").contains(where: { $0 == ".." }) else {
            throw BundleError("bundle entry \(path) leaves the package folder (contains ..)")
        }
        guard !path.contains("\\"), !path.contains("\0") else {
            throw BundleError("bundle entry \(path) has an invalid character")
        }
    }

    private static func text(_ bytes: ArraySlice<UInt8>) -> String {
        String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)
    }

    private static func octal(_ bytes: ArraySlice<UInt8>) -> Int? {
        let digits = bytes.prefix { $0 != 0 && $0 != 32 }.drop { $0 == 32 }
        if digits.isEmpty { return 0 }
        return Int(String(decoding: digits, as: UTF8.self), radix: 8)
    }

    private static func writeOctal(_ value: Int, into header: inout [UInt8], at offset: Int, width: Int) {
        let digits = Array(String(value, radix: 8).utf8)
        let padded = [UInt8](repeating: UInt8(ascii: "0"), count: max(0, width - 1 - digits.count)) + digits
        header.replaceSubrange(offset..<(offset + width - 1), with: padded.suffix(width - 1))
        header[offset + width - 1] = 0
    }
}

/// A bundle that cannot be built or read; the message names the entry and the fix.
public struct BundleError: Error, Sendable, Equatable, CustomStringConvertible {
    /// One line.
    public let description: String
    init(_ description: String) { self.description = description }
}
