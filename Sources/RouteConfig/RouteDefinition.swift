import ConnectorKit
import Cron
public import Foundation
import Transform
public import Values

/// When a route runs.
public enum RouteTrigger: Sendable, Equatable {
    /// On a cron schedule in an IANA time zone.
    case schedule(cron: String, timeZone: String)
    /// When its webhook receives a request.
    case webhook
    /// Only when someone starts it.
    case manual

    /// `schedule`, `webhook` or `manual`.
    public var kind: String {
        switch self {
        case .schedule: return "schedule"
        case .webhook: return "webhook"
        case .manual: return "manual"
        }
    }
}

/// How failed runs are retried: exponential backoff with jitter, capped.
public struct RetryPolicy: Sendable, Equatable {
    /// Attempts in all, the first included; then the run is dead-lettered.
    public var maxAttempts: Int = 3
    /// Delay before the first retry.
    public var initialDelay: TimeInterval = 30
    /// Longest delay.
    public var maxDelay: TimeInterval = 3600
    /// Growth per attempt.
    public var multiplier: Double = 2
    /// Random spread, as a fraction of the delay (0.2 = ±20 %).
    public var jitter: Double = 0.2

    /// The defaults: 3 attempts, 30 s doubling up to 1 h, ±20 % jitter.
    public init() {}
}

/// Limits of one run.
public struct RouteLimits: Sendable, Equatable {
    /// Wall-clock limit of a run.
    public var timeout: TimeInterval = 900
    /// Runs of this route at once.
    public var maxConcurrentRuns: Int = 1
    /// Records one run takes from the source, at most.
    public var maxRecordsPerRun: Int = 1_000_000

    /// The defaults: 15 minutes, one run at a time, a million records.
    public init() {}
}

/// Which payloads the exchange audit keeps.
public enum CapturePolicy: String, Sendable, Equatable {
    case none
    case errors
    case all
}

/// An installation and one of its streams or actions.
public struct Endpoint: Sendable, Equatable {
    /// Installation name within the tenant.
    public let installation: String
    /// Stream (source) or action (destination) name.
    public let name: String
}

/// What the route checker needs to know about the tenant's installations.
public struct InstallationCatalog: Sendable {
    /// Streams and actions offered by each installation, by installation name.
    public var endpoints: [String: (streams: Set<String>, actions: Set<String>)]

    /// Creates a catalog.
    public init(endpoints: [String: (streams: Set<String>, actions: Set<String>)]) { self.endpoints = endpoints }
}

/// One problem in a route file, with its JSON pointer.
public struct RouteProblem: Sendable, Equatable, CustomStringConvertible {
    /// Where, e.g. `/source/stream`.
    public let pointer: String
    /// What is wrong and how to fix it.
    public let message: String
    public var description: String { "\(pointer): \(message)" }
}

/// Every problem found in a route file.
public struct RouteError: Error, Sendable, Equatable, CustomStringConvertible {
    /// All problems, in document order.
    public let problems: [RouteProblem]
    public var description: String { problems.map(\.description).joined(separator: "; ") }
}

/// A tenant's pipeline: source → steps → destination, with its trigger, retry policy, limits and capture policy.
public struct RouteDefinition: Sendable {
    /// Name within the tenant.
    public let name: String
    /// What it is for.
    public let description: String
    /// Where records come from.
    public let source: Endpoint
    /// Where records go.
    public let destination: Endpoint
    /// The transformer steps as written (the same list routes and `map run` use).
    public let steps: JSONValue
    /// How many steps.
    public let stepCount: Int
    /// When it runs.
    public let trigger: RouteTrigger
    /// Retries.
    public let retry: RetryPolicy
    /// Limits.
    public let limits: RouteLimits
    /// Payload capture for the audit.
    public let capture: CapturePolicy
    /// Whether it runs at all.
    public let enabled: Bool

    /// Reads and checks a route file against the tenant's installations, collecting every problem.
    public init(
        parsing value: JSONValue, catalog: InstallationCatalog, validatorFactory: EntityValidatorFactory? = nil
    ) throws(RouteError) {
        var problems: [RouteProblem] = []
        func problem(_ pointer: String, _ message: String) { problems.append(RouteProblem(pointer: pointer, message: message)) }
        guard case .object(let root) = value else {
            throw RouteError(problems: [RouteProblem(pointer: "/", message: "a route must be a mapping")])
        }
        let known: Set<String> = [
            "name", "description", "source", "steps", "destination", "trigger", "retry", "limits", "capture", "enabled",
        ]
        for key in root.keys where !known.contains(key) { problem("/\(key)", "unknown field (check the spelling)") }

        var name = ""
        if case .string(let text)? = root["name"], ConnectorManifest.isValidName(text) {
            name = text
        } else {
            problem("/name", "is required: 2-64 lowercase letters, digits and hyphens (e.g. erp-products-to-shop)")
        }
        let description = root["description"]?.stringValue ?? ""

        func endpoint(_ key: String, kind: String) -> Endpoint? {
            guard case .object(let object)? = root[key] else {
                problem("/\(key)", "is required: {installation: <name>, \(kind): <name>}")
                return nil
            }
            guard case .string(let installation)? = object["installation"] else {
                problem("/\(key)/installation", "is required (see: admin-cli package installed --tenant <slug>)")
                return nil
            }
            guard case .string(let endpointName)? = object[kind] else {
                problem("/\(key)/\(kind)", "is required")
                return nil
            }
            guard let offered = catalog.endpoints[installation] else {
                problem("/\(key)/installation", "unknown installation '\(installation)' (see: admin-cli package installed)")
                return nil
            }
            let names = kind == "stream" ? offered.streams : offered.actions
            if !names.contains(endpointName) {
                let choices = names.sorted().joined(separator: ", ")
                problem(
                    "/\(key)/\(kind)",
                    "installation '\(installation)' has no \(kind) '\(endpointName)' (it has: \(choices.isEmpty ? "none" : choices))"
                )
                return nil
            }
            return Endpoint(installation: installation, name: endpointName)
        }
        let source = endpoint("source", kind: "stream")
        let destination = endpoint("destination", kind: "action")

        let steps = root["steps"] ?? .array([])
        var stepCount = 0
        do {
            stepCount = try StepListParser.parse(steps, validatorFactory: validatorFactory).count
        } catch {
            for item in error.problems { problem("/steps", item) }
        }

        var trigger = RouteTrigger.manual
        switch root["trigger"] {
        case nil, .string("manual")?:
            trigger = .manual
        case .string("webhook")?:
            trigger = .webhook
        case .object(let object)?:
            if case .string(let cron)? = object["schedule"] {
                let zone = object["timezone"]?.stringValue ?? "UTC"
                do {
                    _ = try CronExpression(parsing: cron)
                } catch {
                    problem("/trigger/schedule", error.message)
                }
                do {
                    _ = try CronTimeZone.named(zone)
                } catch {
                    problem("/trigger/timezone", error.message)
                }
                trigger = .schedule(cron: cron, timeZone: zone)
            } else if object["webhook"] != nil {
                trigger = .webhook
            } else {
                problem("/trigger", "use {schedule: '<cron>', timezone: <IANA zone>}, webhook or manual")
            }
        default:
            problem("/trigger", "use {schedule: '<cron>', timezone: <IANA zone>}, webhook or manual")
        }

        var retry = RetryPolicy()
        if let object = Self.object(root["retry"], "/retry", &problems) {
            retry.maxAttempts = Self.integer(object["max_attempts"], "/retry/max_attempts", 1...100, retry.maxAttempts, &problems)
            retry.initialDelay = Self.duration(object["initial_delay"], "/retry/initial_delay", retry.initialDelay, &problems)
            retry.maxDelay = Self.duration(object["max_delay"], "/retry/max_delay", retry.maxDelay, &problems)
            if case .number(let value)? = object["multiplier"] {
                if value >= 1 && value <= 10 { retry.multiplier = value } else { problem("/retry/multiplier", "must be 1-10") }
            }
            if case .number(let value)? = object["jitter"] {
                if value >= 0 && value <= 1 { retry.jitter = value } else { problem("/retry/jitter", "must be 0-1") }
            }
            if retry.maxDelay < retry.initialDelay { problem("/retry/max_delay", "must not be shorter than initial_delay") }
        }
        var limits = RouteLimits()
        if let object = Self.object(root["limits"], "/limits", &problems) {
            limits.timeout = Self.duration(object["timeout"], "/limits/timeout", limits.timeout, &problems)
            limits.maxConcurrentRuns = Self.integer(
                object["max_concurrent_runs"], "/limits/max_concurrent_runs", 1...100, limits.maxConcurrentRuns, &problems)
            limits.maxRecordsPerRun = Self.integer(
                object["max_records_per_run"], "/limits/max_records_per_run", 1...100_000_000, limits.maxRecordsPerRun, &problems)
        }
        var capture = CapturePolicy.errors
        if let value = root["capture"] {
            if case .string(let text) = value, let parsed = CapturePolicy(rawValue: text) {
                capture = parsed
            } else {
                problem("/capture", "must be none, errors or all")
            }
        }
        var enabled = true
        if let value = root["enabled"] {
            if case .bool(let flag) = value { enabled = flag } else { problem("/enabled", "must be true or false") }
        }
        guard problems.isEmpty, let source, let destination else { throw RouteError(problems: problems) }
        self.name = name
        self.description = description
        self.source = source
        self.destination = destination
        self.steps = steps
        self.stepCount = stepCount
        self.trigger = trigger
        self.retry = retry
        self.limits = limits
        self.capture = capture
        self.enabled = enabled
    }

    /// The definition in its normalised form (defaults filled in), as stored and compared by `route apply`.
    public var normalized: JSONValue {
        var object = JSONObject()
        object["name"] = .string(name)
        object["description"] = .string(description)
        object["source"] = ["installation": .string(source.installation), "stream": .string(source.name)]
        object["steps"] = steps
        object["destination"] = ["installation": .string(destination.installation), "action": .string(destination.name)]
        switch trigger {
        case .schedule(let cron, let zone): object["trigger"] = ["schedule": .string(cron), "timezone": .string(zone)]
        case .webhook: object["trigger"] = .string("webhook")
        case .manual: object["trigger"] = .string("manual")
        }
        object["retry"] = [
            "max_attempts": .number(Double(retry.maxAttempts)), "initial_delay": .string(Self.format(retry.initialDelay)),
            "max_delay": .string(Self.format(retry.maxDelay)), "multiplier": .number(retry.multiplier),
            "jitter": .number(retry.jitter),
        ]
        object["limits"] = [
            "timeout": .string(Self.format(limits.timeout)), "max_concurrent_runs": .number(Double(limits.maxConcurrentRuns)),
            "max_records_per_run": .number(Double(limits.maxRecordsPerRun)),
        ]
        object["capture"] = .string(capture.rawValue)
        object["enabled"] = .bool(enabled)
        return .object(object)
    }

    static func object(_ value: JSONValue?, _ pointer: String, _ problems: inout [RouteProblem]) -> JSONObject? {
        guard let value else { return nil }
        guard case .object(let object) = value else {
            problems.append(RouteProblem(pointer: pointer, message: "must be a mapping"))
            return nil
        }
        return object
    }

    static func integer(
        _ value: JSONValue?, _ pointer: String, _ range: ClosedRange<Int>, _ fallback: Int, _ problems: inout [RouteProblem]
    ) -> Int {
        guard let value else { return fallback }
        guard case .number(let number) = value, number == number.rounded(), range.contains(Int(number)) else {
            problems.append(
                RouteProblem(pointer: pointer, message: "must be a whole number from \(range.lowerBound) to \(range.upperBound)"))
            return fallback
        }
        return Int(number)
    }

    /// `30s`, `15m`, `2h`, `1d`, or a number of seconds.
    static func duration(
        _ value: JSONValue?, _ pointer: String, _ fallback: TimeInterval, _ problems: inout [RouteProblem]
    )
        -> TimeInterval
    {
        switch value {
        case nil: return fallback
        case .number(let seconds)? where seconds > 0: return seconds
        case .string(let text)?:
            let units: [Character: Double] = ["s": 1, "m": 60, "h": 3600, "d": 86_400]
            if let unit = text.last, let factor = units[unit], let amount = Double(text.dropLast()), amount > 0 {
                return amount * factor
            }
        default: break
        }
        problems.append(RouteProblem(pointer: pointer, message: "must be a duration such as 30s, 15m, 2h or 1d"))
        return fallback
    }

    static func format(_ seconds: TimeInterval) -> String {
        for (unit, factor) in [("d", 86_400.0), ("h", 3600), ("m", 60)] where seconds.truncatingRemainder(dividingBy: factor) == 0
        {
            return "\(Int(seconds / factor))\(unit)"
        }
        return "\(JSONNumberFormatter.format(seconds))s"
    }
}
