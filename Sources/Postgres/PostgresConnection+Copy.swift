import CLibPQ

extension PostgresConnection {
    /// Bulk-loads rows with `COPY table (columns) FROM STDIN` in text format and returns how many were written.
    ///
    /// Values are encoded like bound parameters; tabs, newlines and backslashes inside them are escaped, so any
    /// string is data. Rows are sent in chunks of about 64 KiB.
    @discardableResult
    public func copy<Rows: Sequence & Sendable>(
        into table: String, columns: [String], rows: Rows
    )
        async throws(PostgresError) -> Int where Rows.Element == [any PostgresEncodable]
    {
        let statement =
            "COPY \(qualifiedName(table)) (\(columns.map(quoteIdentifier).joined(separator: ", "))) FROM STDIN"
        let columnCount = columns.count
        return try await withExclusiveHandle { handle, configuration throws(PostgresError) in
            let start = PQexec(handle, statement)
            defer { PQclear(start) }
            try Self.check(start, handle: handle, configuration: configuration)
            guard PQresultStatus(start) == PGRES_COPY_IN else {
                throw PostgresError(code: .copy, message: "server did not enter COPY IN mode")
            }
            var buffer: [UInt8] = []
            buffer.reserveCapacity(70_000)
            var failure: PostgresError?
            func flush() {
                guard !buffer.isEmpty, failure == nil else { return }
                let status = buffer.withUnsafeBufferPointer { pointer in
                    pointer.withMemoryRebound(to: CChar.self) { PQputCopyData(handle, $0.baseAddress, Int32($0.count)) }
                }
                if status != 1 {
                    failure = PostgresError(
                        code: .copy, message: String(cString: PQerrorMessage(handle)).trimmingCharacters(in: .newlines))
                }
                buffer.removeAll(keepingCapacity: true)
            }
            for row in rows {
                if row.count != columnCount {
                    failure = PostgresError(
                        code: .copy, message: "COPY row has \(row.count) values but \(columnCount) columns were named")
                    break
                }
                for (index, value) in row.enumerated() {
                    if index > 0 { buffer.append(9) }
                    appendCopyText(value.postgresText, to: &buffer)
                }
                buffer.append(10)
                if buffer.count >= 65_536 { flush() }
                if failure != nil { break }
            }
            flush()
            // Ending with an error message makes the server abort the COPY instead of committing half of it.
            let endStatus = failure == nil ? PQputCopyEnd(handle, nil) : PQputCopyEnd(handle, "client aborted COPY")
            var copied = 0
            var serverError: PostgresError?
            while let result = PQgetResult(handle) {
                if PQresultStatus(result) == PGRES_COMMAND_OK {
                    copied = Int(String(cString: PQcmdTuples(result))) ?? 0
                } else if serverError == nil {
                    serverError = Self.error(from: result, handle: handle, configuration: configuration)
                }
                PQclear(result)
            }
            if let failure { throw failure }
            if let serverError { throw serverError }
            if endStatus != 1 {
                throw PostgresError(code: .copy, message: String(cString: PQerrorMessage(handle)))
            }
            return copied
        }
    }
}

/// Quotes `schema.table` part by part.
func qualifiedName(_ name: String) -> String {
    name.split(separator: ".", omittingEmptySubsequences: false).map { quoteIdentifier(String($0)) }
        .joined(separator: ".")
}

/// Appends one value in COPY text format: `\N` for NULL, backslash escapes for the delimiter, newlines and `\`.
func appendCopyText(_ text: String?, to buffer: inout [UInt8]) {
    guard let text else {
        buffer.append(contentsOf: [92, 78])  // \N
        return
    }
    for byte in text.utf8 {
        switch byte {
        case 92: buffer.append(contentsOf: [92, 92])
        case 9: buffer.append(contentsOf: [92, 116])
        case 10: buffer.append(contentsOf: [92, 110])
        case 13: buffer.append(contentsOf: [92, 114])
        default: buffer.append(byte)
        }
    }
}
