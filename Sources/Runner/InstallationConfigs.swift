public import Values

/// Puts an installation's sealed secrets back into its public config, for the runtime that needs the whole config.
public enum InstallationConfigs {
    /// The public config (JSON text) with every secret (a JSON object keyed by JSON pointer) set at its pointer.
    public static func merged(publicJSON: String, secretsJSON: String?) throws -> JSONValue {
        var config = try JSONParser.parse(publicJSON)
        guard let secretsJSON, case .object(let secrets) = try JSONParser.parse(secretsJSON) else { return config }
        for (pointer, value) in secrets {
            let keys = pointer.split(separator: "/", omittingEmptySubsequences: false).dropFirst().map {
                $0.replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~")
            }
            config = setting(value, at: keys[...], in: config)
        }
        return config
    }

    static func setting(_ new: JSONValue, at keys: ArraySlice<String>, in value: JSONValue) -> JSONValue {
        guard let key = keys.first else { return new }
        var object: JSONObject
        if case .object(let existing) = value { object = existing } else { object = JSONObject() }
        object[key] = setting(new, at: keys.dropFirst(), in: object[key] ?? .object(JSONObject()))
        return .object(object)
    }
}
