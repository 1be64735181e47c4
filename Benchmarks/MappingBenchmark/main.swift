// Maps generated product records with our JSONata engine and with jq, end to end (read JSON Lines, map, write
// JSON Lines), checks that both outputs are equal record for record, and prints the ratio. Run it through
// Benchmarks/run-mapping-benchmark, which builds in release mode and installs jq if needed.
import Foundation
import Mapping
import Values

#if canImport(Glibc)
    import Glibc
#endif

let expressionText = """
    $number(PRICE) > 0 ? {"abstract_sku": SKU, "name.en_US": DESCR, "description.en_US": LONGTEXT, \
    "category_key": $uppercase(CATEGORY), "price_gross": $round($number(PRICE)*100), "currency": CURRENCY, \
    "attributes": $merge(ATTRS.{k: v}), "in_stock": STOCK > 0}
    """
let jqFilter = """
    select((.PRICE|tonumber) > 0) | {abstract_sku: .SKU, "name.en_US": .DESCR, "description.en_US": .LONGTEXT, \
    category_key: (.CATEGORY|ascii_upcase), price_gross: ((.PRICE|tonumber)*100|round), currency: .CURRENCY, \
    attributes: (.ATTRS | map({(.k): .v}) | add), in_stock: (.STOCK > 0)}
    """

struct Arguments {
    var records = 200_000
    var directory = FileManager.default.temporaryDirectory.appendingPathComponent("switchyard-bench").path
    var skipJQ = false

    init() {
        var iterator = CommandLine.arguments.dropFirst().makeIterator()
        while let argument = iterator.next() {
            switch argument {
            case "--records": records = Int(iterator.next() ?? "") ?? records
            case "--dir": directory = iterator.next() ?? directory
            case "--skip-jq": skipJQ = true
            default:
                FileHandle.standardError.write(Data("usage: mapping-benchmark [--records N] [--dir D] [--skip-jq]\n".utf8))
                exit(2)
            }
        }
    }
}

/// A small deterministic PRNG so every run maps the same data.
struct SplitMix64 {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func below(_ bound: Int) -> Int { Int(next() % UInt64(bound)) }
}

func generate(records: Int, to path: String) throws {
    _ = FileManager.default.createFile(atPath: path, contents: nil)
    let handle = FileHandle(forWritingAtPath: path)!
    var random = SplitMix64(state: 42)
    let categories = ["chairs", "tables", "lamps", "beds", "sofas", "rugs"]
    let words = ["oak", "walnut", "linen", "steel", "brass", "velvet", "classic", "modern", "compact", "large"]
    var buffer = ""
    for index in 0..<records {
        let cents = random.below(100_000) - 5_000  // some prices are zero or negative and get filtered out
        let price = String(format: "%d.%02d", cents / 100, abs(cents % 100))
        let description = (0..<4).map { _ in words[random.below(words.count)] }.joined(separator: " ")
        let longText = (0..<30).map { _ in words[random.below(words.count)] }.joined(separator: " ")
        let line =
            #"{"SKU":"SKU-\#(index)","DESCR":"\#(description)","LONGTEXT":"\#(longText)","PRICE":"\#(price)","#
            + #""CURRENCY":"EUR","CATEGORY":"\#(categories[random.below(categories.count)])","STOCK":\#(random.below(50)),"#
            + #""ATTRS":[{"k":"color","v":"\#(words[random.below(words.count)])"},{"k":"size","v":"\#(random.below(5))"}],"#
            + #""UPDATED":"2026-\#(String(format: "%02d", 1 + random.below(12)))-\#(String(format: "%02d", 1 + random.below(28)))"}"#
        buffer += line + "\n"
        if buffer.utf8.count > 1_000_000 {
            handle.write(Data(buffer.utf8))
            buffer = ""
        }
    }
    handle.write(Data(buffer.utf8))
    try handle.close()
}

/// Reads JSON Lines in chunks, maps each record, writes JSON Lines; returns records written.
func mapWithJSONata(input: String, output: String) throws -> Int {
    let expression = try JSONataExpression(expressionText)
    let reader = FileHandle(forReadingAtPath: input)!
    _ = FileManager.default.createFile(atPath: output, contents: nil)
    let writer = FileHandle(forWritingAtPath: output)!
    var pending: [UInt8] = []
    var out: [UInt8] = []
    out.reserveCapacity(1 << 20)
    var written = 0
    func handleLine(_ line: ArraySlice<UInt8>) throws {
        guard !line.isEmpty else { return }
        let record = try JSONParser.parse(Array(line))
        if let result = try expression.evaluate(record) {
            JSONSerializer.write(result, into: &out)
            out.append(10)
            written += 1
        }
        if out.count > 1 << 20 {
            writer.write(Data(out))
            out.removeAll(keepingCapacity: true)
        }
    }
    while let chunk = try reader.read(upToCount: 1 << 20), !chunk.isEmpty {
        pending += chunk
        var start = 0
        while let newline = pending[start...].firstIndex(of: 10) {
            try handleLine(pending[start..<newline])
            start = newline + 1
        }
        pending.removeFirst(start)
    }
    try handleLine(pending[...])
    writer.write(Data(out))
    try writer.close()
    return written
}

func runJQ(input: String, output: String) throws {
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 0, input, O_RDONLY, 0)
    posix_spawn_file_actions_addopen(&actions, 1, output, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    let argv: [UnsafeMutablePointer<CChar>?] = [strdup("jq"), strdup("-c"), strdup(jqFilter), nil]
    defer { argv.forEach { free($0) } }
    var pid: pid_t = 0
    let status = posix_spawnp(&pid, "jq", &actions, nil, argv, environ)
    guard status == 0 else {
        throw NSError(
            domain: "jq", code: Int(status), userInfo: [NSLocalizedDescriptionKey: "cannot run jq (apt-get install jq)"])
    }
    var exitStatus: Int32 = 0
    waitpid(pid, &exitStatus, 0)
    guard exitStatus == 0 else {
        throw NSError(domain: "jq", code: Int(exitStatus), userInfo: [NSLocalizedDescriptionKey: "jq failed"])
    }
}

/// Compares two JSON Lines files value by value (numbers by value, so 150 and 150.0 agree).
func compare(_ a: String, _ b: String) throws -> (records: Int, firstDifference: Int?) {
    let left = try String(contentsOfFile: a, encoding: .utf8).split(separator: "\n")
    let right = try String(contentsOfFile: b, encoding: .utf8).split(separator: "\n")
    for index in 0..<max(left.count, right.count) {
        guard index < left.count, index < right.count else { return (max(left.count, right.count), index + 1) }
        if try JSONParser.parse(String(left[index])) != JSONParser.parse(String(right[index])) { return (left.count, index + 1) }
    }
    return (left.count, nil)
}

func peakMemoryMiB() -> Double {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
        let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") })
    else { return 0 }
    let kilobytes = Double(line.split(separator: " ").dropFirst().first ?? "0") ?? 0
    return kilobytes / 1024
}

let arguments = Arguments()
try FileManager.default.createDirectory(atPath: arguments.directory, withIntermediateDirectories: true)
let input = arguments.directory + "/products-\(arguments.records).jsonl"
if !FileManager.default.fileExists(atPath: input) {
    print("generating \(arguments.records) records into \(input)")
    try generate(records: arguments.records, to: input)
}
let size = (try FileManager.default.attributesOfItem(atPath: input)[.size] as? Int) ?? 0
let clock = ContinuousClock()

let ours = arguments.directory + "/out-switchyard.jsonl"
var written = 0
let ourTime = try clock.measure { written = try mapWithJSONata(input: input, output: ours) }
let ourSeconds = Double(ourTime.components.seconds) + Double(ourTime.components.attoseconds) / 1e18
let ourRate = Double(arguments.records) / ourSeconds
print(
    String(
        format: "switchyard: %d records (%d written) in %.2f s = %.0f records/s, %.1f MB/s, peak memory %.0f MiB",
        arguments.records, written, ourSeconds, ourRate, Double(size) / ourSeconds / 1e6, peakMemoryMiB()))

if !arguments.skipJQ {
    let theirs = arguments.directory + "/out-jq.jsonl"
    let jqTime = try clock.measure { try runJQ(input: input, output: theirs) }
    let jqSeconds = Double(jqTime.components.seconds) + Double(jqTime.components.attoseconds) / 1e18
    let jqRate = Double(arguments.records) / jqSeconds
    print(String(format: "jq:         %d records in %.2f s = %.0f records/s", arguments.records, jqSeconds, jqRate))
    let (records, difference) = try compare(ours, theirs)
    if let difference {
        print("outputs differ at record \(difference) (of \(records))")
        exit(1)
    }
    print("outputs equal record for record (\(records) records)")
    print(String(format: "ratio: switchyard is %.2fx jq's records per second (target: >= 5x)", ourRate / jqRate))
}
