import ConfigFiles
import Formats
import Foundation
import Values

/// Reads a fixed-width layout file for `map run --in-format fixed --layout layout.yaml`:
///
///     encoding: iso-8859-1
///     discriminator: {start: 1, length: 1}          # omit for files with one kind of record
///     records:
///       D:
///         name: detail
///         fields:
///           - {name: article, start: 2, length: 8, type: integer}
///           - {name: quantity, start: 13, length: 8, type: integer, sign: trailing}
///           - {name: date, start: 21, length: 8, type: date, format: yyyyMMdd}
///     # or, for a single kind:  fields: [ … ]
enum FixedWidthLayoutFile {
    static func load(_ path: String, encoding override: TextEncoding?) throws -> FixedWidthFormat {
        let value: JSONValue
        do { value = try ConfigFile.load(path) } catch { throw CLIFailure(message: "\(error)", exitCode: 2) }
        func fail(_ pointer: String, _ message: String) -> CLIFailure {
            CLIFailure(message: "\(path)\(pointer): \(message)", exitCode: 2)
        }
        var encoding = override ?? .automatic
        if override == nil, let name = value["encoding"]?.stringValue {
            guard let parsed = TextEncoding(name: name) else { throw fail("/encoding", "unknown encoding '\(name)'") }
            encoding = parsed
        }
        func fields(_ list: JSONValue?, _ pointer: String) throws -> FixedWidthLayout {
            guard case .array(let items)? = list, !items.isEmpty else { throw fail(pointer, "must be a list of fields") }
            return FixedWidthLayout(
                try items.enumerated().map { index, item in
                    let at = "\(pointer)/\(index)"
                    guard let name = item["name"]?.stringValue else { throw fail(at + "/name", "is required") }
                    guard let start = item["start"]?.numberValue, start >= 1, let length = item["length"]?.numberValue,
                        length >= 1
                    else { throw fail(at, "needs start (from 1) and length (at least 1)") }
                    let type: FieldType
                    switch item["type"]?.stringValue ?? "string" {
                    case "string": type = .string
                    case "integer": type = .integer
                    case "implied-decimal": type = .impliedDecimal(places: Int(item["places"]?.numberValue ?? 2))
                    case "decimal":
                        let comma = item["separator"]?.stringValue == ","
                        type = .decimal(separator: comma ? .comma : .point, places: item["places"]?.numberValue.map { Int($0) })
                    case "date": type = .date(format: item["format"]?.stringValue ?? "yyyyMMdd")
                    case let other:
                        throw fail(at + "/type", "unknown type '\(other)' (string, integer, decimal, implied-decimal, date)")
                    }
                    let sign: SignHandling
                    switch item["sign"]?.stringValue ?? "leading" {
                    case "leading": sign = .leading
                    case "trailing": sign = .trailing
                    case "unsigned": sign = .unsigned
                    case let other: throw fail(at + "/sign", "unknown sign '\(other)' (leading, trailing, unsigned)")
                    }
                    return FixedWidthField(name, start: Int(start), length: Int(length), type: type, sign: sign)
                })
        }
        if let discriminator = value["discriminator"] {
            guard let start = discriminator["start"]?.numberValue, let length = discriminator["length"]?.numberValue else {
                throw fail("/discriminator", "needs start and length")
            }
            guard case .object(let records)? = value["records"], !records.isEmpty else {
                throw fail("/records", "must map record codes to {name, fields}")
            }
            let kinds = try records.map { code, record in
                FixedWidthRecordKind(
                    code: code, name: record["name"]?.stringValue ?? code,
                    layout: try fields(record["fields"], "/records/\(code)/fields"))
            }
            return FixedWidthFormat(
                records: .discriminated(start: Int(start), length: Int(length), kinds: kinds), encoding: encoding)
        }
        return FixedWidthFormat(records: .single(try fields(value["fields"], "/fields")), encoding: encoding)
    }
}

extension FixedWidthReader: FormatRecordSource {}
