import Foundation

/// Finds the PostgreSQL server programs (`initdb`, `pg_ctl`, `psql`); Debian keeps them off `PATH`.
struct PostgresTools {
    var initdb: String
    var pgCtl: String
    var psql: String

    static let runuser = "/usr/sbin/runuser"

    /// `$SWITCHYARD_PG_BINDIR`, then the newest `/usr/lib/postgresql/N/bin`, then `PATH`.
    static func locate() throws(EmbeddedClusterError) -> PostgresTools {
        let environment = ProcessInfo.processInfo.environment
        var candidates: [String] = []
        if let directory = environment["SWITCHYARD_PG_BINDIR"], !directory.isEmpty { candidates.append(directory) }
        let versions = (try? FileManager.default.contentsOfDirectory(atPath: "/usr/lib/postgresql")) ?? []
        for version in versions.compactMap({ Int($0) }).sorted(by: >) {
            candidates.append("/usr/lib/postgresql/\(version)/bin")
        }
        candidates += (environment["PATH"] ?? "").split(separator: ":").map(String.init)
        for directory in candidates {
            let initdb = directory + "/initdb"
            let pgCtl = directory + "/pg_ctl"
            if FileManager.default.isExecutableFile(atPath: initdb), FileManager.default.isExecutableFile(atPath: pgCtl) {
                let psql =
                    FileManager.default.isExecutableFile(atPath: directory + "/psql") ? directory + "/psql" : "/usr/bin/psql"
                return PostgresTools(initdb: initdb, pgCtl: pgCtl, psql: psql)
            }
        }
        throw EmbeddedClusterError(
            "PostgreSQL server programs not found (install them: apt-get install postgresql, "
                + "or set SWITCHYARD_PG_BINDIR, or set DATABASE_URL to use an existing server)")
    }
}

/// The unprivileged OS user that runs the cluster when Switchyard is started by root.
enum SystemUser {
    static func ensure(_ name: String) throws(EmbeddedClusterError) {
        if getpwnam(name) != nil { return }
        _ = try Subprocess.run(
            "/usr/sbin/useradd",
            ["--system", "--no-create-home", "--home-dir", "/nonexistent", "--shell", "/usr/sbin/nologin", name])
        // Another process may have created it meanwhile; only its absence is an error.
        guard getpwnam(name) != nil else {
            throw EmbeddedClusterError("cannot create system user '\(name)' (run: useradd --system \(name))")
        }
    }

    /// Whether the system user may pass through `path` (its execute bit for "other", since it owns nothing there).
    static func canTraverse(_ path: String) -> Bool {
        var info = stat()
        guard stat(path, &info) == 0 else { return true }
        if let user = getpwnam(EmbeddedCluster.systemUser), info.st_uid == user.pointee.pw_uid {
            return info.st_mode & S_IXUSR != 0
        }
        return info.st_mode & S_IXOTH != 0
    }
}

/// An exclusive `flock` on a file, held until `release()`.
struct FileLock {
    private let descriptor: Int32

    init(path: String) throws(EmbeddedClusterError) {
        descriptor = open(path, O_CREAT | O_RDWR, 0o644)
        guard descriptor >= 0 else { throw EmbeddedClusterError("cannot open lock file \(path)") }
        guard flock(descriptor, LOCK_EX) == 0 else {
            close(descriptor)
            throw EmbeddedClusterError("cannot lock \(path)")
        }
    }

    func release() {
        flock(descriptor, LOCK_UN)
        close(descriptor)
    }
}
