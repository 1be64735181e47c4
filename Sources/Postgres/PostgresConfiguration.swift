import CLibPQ
import Foundation

/// How to reach PostgreSQL: a libpq connection string, as a URI (`postgresql://user@host/db?sslmode=require`) or as
/// `key=value` pairs. Every libpq parameter works because libpq itself parses it.
public struct PostgresConfiguration: Sendable {
    /// The connection string as given; never printed.
    public var connectionString: String
    /// Sent as `application_name`, visible in `pg_stat_activity`.
    public var applicationName: String

    /// Creates a configuration from a libpq connection string.
    public init(connectionString: String, applicationName: String = "switchyard") {
        self.connectionString = connectionString
        self.applicationName = applicationName
    }

    /// The password inside the connection string, if any, so that messages can be scrubbed of it.
    var password: String? { parameters()["password"] ?? nil }

    /// Parses the connection string with libpq and returns every parameter that has a value.
    public func parameters() -> [String: String?] {
        var errorMessage: UnsafeMutablePointer<CChar>?
        guard let options = PQconninfoParse(connectionString, &errorMessage) else {
            if let errorMessage { PQfreemem(errorMessage) }
            return [:]
        }
        defer { PQconninfoFree(options) }
        var result: [String: String?] = [:]
        var cursor = options
        while let keyword = cursor.pointee.keyword {
            if let value = cursor.pointee.val {
                result[String(cString: keyword)] = String(cString: value)
            }
            cursor += 1
        }
        return result
    }

    /// Checks that libpq can parse the string; the error names the problem but never the password.
    public func validate() throws(PostgresError) {
        var errorMessage: UnsafeMutablePointer<CChar>?
        guard let options = PQconninfoParse(connectionString, &errorMessage) else {
            var text = "invalid connection string"
            if let errorMessage {
                text = String(cString: errorMessage).trimmingCharacters(in: .whitespacesAndNewlines)
                PQfreemem(errorMessage)
            }
            throw PostgresError(
                code: .invalidConfiguration,
                message: "DATABASE_URL is not a valid connection string: \(redactAll(text))")
        }
        PQconninfoFree(options)
    }

    /// Scrubs anything that looks like this configuration's password from `text`.
    func redactAll(_ text: String) -> String {
        var text = redact(text, secret: password)
        // A URI that failed to parse has no password parameter yet; hide `user:secret@` forms too.
        if let range = text.range(of: #"://[^/@\s:]*:[^@\s]*@"#, options: .regularExpression) {
            text.replaceSubrange(range, with: "://********@")
        }
        return text
    }

    /// The libpq connection-parameter arrays: the user's string, with our application name as a fallback.
    var connectKeywords: (keywords: [String], values: [String]) {
        (["dbname", "fallback_application_name"], [connectionString, applicationName])
    }
}
