/// The rows a statement returned, read completely (control-plane results are small; bulk data uses `COPY`).
public struct PostgresRows: Sendable, RandomAccessCollection {
    /// Column names in result order.
    public let columns: [String]
    /// The number of rows the statement affected (`INSERT`, `UPDATE`, `DELETE`), or returned.
    public let affectedRows: Int
    let cells: [[String?]]

    init(columns: [String], cells: [[String?]], affectedRows: Int) {
        self.columns = columns
        self.cells = cells
        self.affectedRows = affectedRows
    }

    public var startIndex: Int { 0 }
    public var endIndex: Int { cells.count }
    public subscript(position: Int) -> PostgresRow { PostgresRow(columns: columns, cells: cells[position]) }

    /// Decodes every row into a tuple of the given types, in column order.
    public func decode<each Column: PostgresDecodable>(
        _ types: (repeat each Column).Type
    ) throws(PostgresError)
        -> [(repeat each Column)]
    {
        var result: [(repeat each Column)] = []
        result.reserveCapacity(count)
        for row in self { result.append(try row.decode(types)) }
        return result
    }
}

/// One result row.
public struct PostgresRow: Sendable {
    /// Column names in result order.
    public let columns: [String]
    let cells: [String?]

    /// Decodes the row into a tuple of the given types, in column order: `row.decode((UUID, String).self)`.
    public func decode<each Column: PostgresDecodable>(
        _ types: (repeat each Column).Type
    ) throws(PostgresError)
        -> (repeat each Column)
    {
        var index = 0
        func next<Value: PostgresDecodable>(_ type: Value.Type) throws(PostgresError) -> Value {
            defer { index += 1 }
            guard index < cells.count else {
                throw PostgresError(
                    code: .decoding, message: "row has \(cells.count) columns but more were requested")
            }
            return try Value.decode(postgresText: cells[index], column: columns[index])
        }
        return (repeat try next((each Column).self))
    }

    /// Decodes the column named `name`.
    public func decode<Value: PostgresDecodable>(
        column name: String, as type: Value.Type = Value.self
    )
        throws(PostgresError) -> Value
    {
        guard let index = columns.firstIndex(of: name) else {
            throw PostgresError(code: .decoding, message: "result has no column '\(name)'")
        }
        return try Value.decode(postgresText: cells[index], column: name)
    }

    /// The raw text of the column named `name` (nil for NULL or a missing column).
    public subscript(name: String) -> String? {
        guard let index = columns.firstIndex(of: name) else { return nil }
        return cells[index]
    }
}
