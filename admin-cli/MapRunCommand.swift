import ArgumentParser
import ConfigFiles
import Foundation
import Mapping
import Transform
import Values

extension MapCommand {
    struct Run: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run a transformer step list over a file of records and write the results.",
            discussion: """
                The step file is the format routes embed: a YAML (or JSON) list in which each step has one key \
                naming its kind, e.g. `- map: '{"sku": ARTNR}'`, `- filter: 'STOCK > 0'`, `- lookup: {…}`. \
                Failed records are reported on stderr with the step and the record's line; the run goes on and \
                exits 1 at the end if any record failed.
                """)
        @Option(help: "Step list file (YAML or JSON).") var steps: String
        @Option(name: .customLong("in"), help: "Input file, or - for stdin.") var input: String
        @Option(help: "Input format: \(RecordFormat.readable).") var inFormat: RecordFormat = .jsonl
        @Option(name: .customLong("out"), help: "Output file, or - for stdout.") var output = "-"
        @Option(help: "Output format: \(RecordFormat.writable).") var outFormat: RecordFormat = .jsonl
        @OptionGroup var formatOptions: FormatOptions
        @Option(help: "Field (or JSONata expression) that names each record in messages; default: its line number.")
        var key: String?
        @Flag(help: "Print the summary as JSON.") var json = false

        func run() async throws {
            let stepValue: JSONValue
            do { stepValue = try ConfigFile.load(steps) } catch { throw CLIFailure(message: error.description, exitCode: 2) }
            let stepList: [TransformStep]
            do {
                stepList = try StepListParser.parse(stepValue, validatorFactory: SchemaValidation.factory)
            } catch {
                throw CLIFailure(message: "\(steps): " + error.problems.joined(separator: "; "), exitCode: 2)
            }
            let keyExpression: JSONataExpression?
            do { keyExpression = try key.map { try JSONataExpression($0) } } catch {
                throw CLIFailure(message: "--key: \(error)", exitCode: 2)
            }
            let reader = try RecordFormat.reader(for: inFormat, path: input, options: formatOptions)
            let writer = try RecordFormat.writer(for: outFormat, path: output, options: formatOptions)
            let pipeline = TransformPipeline(steps: stepList, dedupeStore: InMemoryDedupeStore())
            var summary = RunSummary()
            let progress = ProgressLine(enabled: output != "-" || isatty(STDERR_FILENO) == 1)
            var failuresShown = 0

            func handle(_ outcomes: [TransformOutcome]) throws {
                for outcome in outcomes {
                    switch outcome {
                    case .entity(let value, _, _):
                        try writer.write(value)
                        summary.written += 1
                    case .filtered: summary.filtered += 1
                    case .unchanged: summary.unchanged += 1
                    case .grouped: summary.grouped += 1
                    case .failed(let error):
                        summary.failed += 1
                        if failuresShown < 20 {
                            Output.error(error.description)
                            failuresShown += 1
                        }
                    }
                }
            }

            while let record = try reader.next() {
                summary.read += 1
                var recordKey = "\(inFormat == .jsonl ? "line" : "record") \(reader.line)"
                if let keyExpression, let value = try? keyExpression.evaluate(record.value) {
                    if case .string(let text) = value { recordKey = text } else { recordKey = JSONSerializer.serialize(value) }
                }
                try handle(await pipeline.process(record.value, key: recordKey))
                progress.update(summary)
            }
            try handle(await pipeline.finish())
            try writer.finish()
            progress.clear()
            if summary.failed > 20 { Output.error("… and \(summary.failed - 20) more failed records") }
            if json {
                try Output.json(summary)
            } else {
                FileHandle.standardError.write(Data((summary.description + "\n").utf8))
            }
            if summary.failed > 0 { throw ExitCode(1) }
        }
    }
}

/// Counts of one `map run`.
struct RunSummary: Encodable, CustomStringConvertible {
    var read = 0
    var written = 0
    var filtered = 0
    var unchanged = 0
    var grouped = 0
    var failed = 0

    var description: String {
        "read \(read), written \(written), filtered \(filtered), unchanged \(unchanged), failed \(failed)"
    }
}

/// A progress line on stderr for long runs, redrawn at most every half second.
final class ProgressLine {
    private let enabled: Bool
    private var lastDraw = Date.distantPast
    private var drawn = false

    init(enabled: Bool) { self.enabled = enabled }

    func update(_ summary: RunSummary) {
        guard enabled, summary.read % 1000 == 0, Date().timeIntervalSince(lastDraw) > 0.5 else { return }
        lastDraw = Date()
        drawn = true
        FileHandle.standardError.write(Data("\r\(summary.description)…".utf8))
    }

    func clear() {
        if drawn { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
    }
}
