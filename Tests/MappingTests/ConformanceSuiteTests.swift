import Foundation
import Mapping
import Testing
import Values

/// Runs the official JSONata test suite (jsonata-js/jsonata test/test-suite) found under the shared folder.
@Suite struct ConformanceSuiteTests {
    /// Ratchet: raise it when more cases pass, never lower it.
    static let threshold = 1684

    static let suiteDirectory: URL? = locateSuite()

    static func locateSuite() -> URL? {
        let fm = FileManager.default
        if let shared = ProcessInfo.processInfo.environment["SWITCHYARD_SHARED_DIR"] {
            let url = URL(fileURLWithPath: shared).appendingPathComponent("conformance/jsonata")
            return fm.fileExists(atPath: url.appendingPathComponent("groups").path) ? url : nil
        }
        var dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        while dir.path != "/" {
            for candidate in ["shared/conformance/jsonata", "../shared/conformance/jsonata"] {
                let url = dir.appendingPathComponent(candidate).standardizedFileURL
                if fm.fileExists(atPath: url.appendingPathComponent("groups").path) { return url }
            }
            dir = dir.deletingLastPathComponent()
        }
        return nil
    }

    struct Case {
        var group: String
        var id: String
        var spec: JSONValue
    }

    enum Outcome {
        case pass
        case fail(String)
    }

    static func loadCases(_ root: URL) throws -> [Case] {
        let fm = FileManager.default
        let groupsDir = root.appendingPathComponent("groups")
        var cases: [Case] = []
        for group in try fm.contentsOfDirectory(atPath: groupsDir.path).sorted() {
            let dir = groupsDir.appendingPathComponent(group)
            for file in try fm.contentsOfDirectory(atPath: dir.path).sorted() where file.hasSuffix(".json") {
                let data = try Data(contentsOf: dir.appendingPathComponent(file))
                let json = try JSONParser.parse(bytes: data)
                let base = String(file.dropLast(5))
                if case .array(let list) = json {
                    for (i, spec) in list.enumerated() { cases.append(Case(group: group, id: "\(base)[\(i)]", spec: spec)) }
                } else {
                    cases.append(Case(group: group, id: base, spec: json))
                }
            }
        }
        return cases
    }

    static func run(_ c: Case, root: URL, datasets: inout [String: JSONValue]) -> Outcome {
        let spec = c.spec
        var source = spec["expr"]?.stringValue
        if source == nil, let file = spec["expr-file"]?.stringValue {
            let url = root.appendingPathComponent("groups").appendingPathComponent(c.group).appendingPathComponent(file)
            source = try? String(contentsOf: url, encoding: .utf8)
        }
        guard let source else { return .fail("no expression") }
        var input: JSONValue? = spec["data"]
        if input == nil, let name = spec["dataset"]?.stringValue {
            if datasets[name] == nil {
                let url = root.appendingPathComponent("datasets").appendingPathComponent(name + ".json")
                if let data = try? Data(contentsOf: url), let json = try? JSONParser.parse(bytes: data) {
                    datasets[name] = json
                }
            }
            input = datasets[name]
        }
        var bindings: [String: JSONValue] = [:]
        if case .object(let b)? = spec["bindings"] { for (k, v) in b { bindings[k] = v } }
        let timeLimit = spec["timelimit"]?.numberValue ?? 2000
        let depth = spec["depth"]?.numberValue ?? 1000
        let options = EvaluationOptions(maxDepth: Int(depth), timeLimit: .milliseconds(Int(timeLimit)))
        let expectedCode = spec["code"]?.stringValue ?? spec["error"]?["code"]?.stringValue
        do {
            let result = try JSONataExpression(source).evaluate(input, bindings: bindings, options: options)
            if let expectedCode { return .fail("expected error \(expectedCode), got \(result.map { "\($0)" } ?? "undefined")") }
            if spec["undefinedResult"] != nil {
                return result == nil ? .pass : .fail("expected undefined, got \(result!)")
            }
            guard let expected = spec["result"] else { return .fail("case has no expectation") }
            guard let result else { return .fail("expected \(expected), got undefined") }
            let unordered = spec["unordered"] == .bool(true)
            return matches(result, expected, unordered: unordered) ? .pass : .fail("expected \(expected), got \(result)")
        } catch {
            if let expectedCode, error.code == expectedCode { return .pass }
            return .fail("unexpected error \(error)")
        }
    }

    /// Deep equality; numbers may differ in the last bits (libm differences), key order is irrelevant, and
    /// `unordered` cases compare top-level arrays as multisets.
    static func matches(_ a: JSONValue, _ b: JSONValue, unordered: Bool = false) -> Bool {
        switch (a, b) {
        case (.number(let x), .number(let y)):
            return x == y || abs(x - y) <= 1e-13 * max(abs(x), abs(y))
        case (.array(let x), .array(let y)):
            guard x.count == y.count else { return false }
            if unordered {
                var remaining = y
                for item in x {
                    guard let i = remaining.firstIndex(where: { matches(item, $0) }) else { return false }
                    remaining.remove(at: i)
                }
                return true
            }
            return zip(x, y).allSatisfy { matches($0, $1) }
        case (.object(let x), .object(let y)):
            guard x.count == y.count else { return false }
            for (k, v) in x {
                guard let w = y[k], matches(v, w) else { return false }
            }
            return true
        default:
            return a == b
        }
    }

    @Test(.enabled(if: suiteDirectory != nil, "JSONata suite not found under shared/conformance/jsonata: skipped"))
    func officialSuite() throws {
        let root = try #require(Self.suiteDirectory)
        let cases = try Self.loadCases(root)
        // Deep recursion cases need more stack than a test thread has, so the suite runs on its own thread.
        // The two counters are written only by that thread and read only after `done.wait()`.
        nonisolated(unsafe) var failures: [(Case, String)] = []
        nonisolated(unsafe) var passed = 0
        let done = DispatchSemaphore(value: 0)
        let thread = Thread {
            var datasets: [String: JSONValue] = [:]
            for c in cases {
                switch Self.run(c, root: root, datasets: &datasets) {
                case .pass: passed += 1
                case .fail(let why): failures.append((c, why))
                }
            }
            done.signal()
        }
        thread.stackSize = 1 << 29
        thread.start()
        done.wait()
        print("jsonata conformance: \(passed) passed, \(failures.count) failed")
        let byGroup = Dictionary(grouping: failures, by: { $0.0.group })
        for (group, list) in byGroup.sorted(by: { $0.value.count > $1.value.count }) {
            let ids = list.prefix(4).map(\.0.id).joined(separator: ", ")
            print("  \(group): \(list.count) failed (\(ids))")
        }
        if ProcessInfo.processInfo.environment["JSONATA_VERBOSE"] != nil {
            for (c, why) in failures { print("FAIL \(c.group)/\(c.id): \(why.prefix(300))") }
        }
        #expect(passed >= Self.threshold)
    }
}
