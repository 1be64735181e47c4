/// An insertion-ordered JSON object.
///
/// Small objects (the common case for records) are searched linearly, which beats hashing below a
/// handful of keys; a hash index is built only once an object grows past `indexThreshold` keys.
public struct JSONObject: Sendable, Equatable, Sequence {
    /// The keys in insertion order.
    public private(set) var keys: [String] = []
    /// The values, parallel to `keys`.
    public private(set) var values: [JSONValue] = []
    private var index: [String: Int]? = nil
    private static let indexThreshold = 12

    /// An empty object.
    public init() {}

    /// An empty object with room for `capacity` members.
    public init(minimumCapacity capacity: Int) {
        keys.reserveCapacity(capacity)
        values.reserveCapacity(capacity)
    }

    /// Builds an object from parallel arrays whose keys are already known to be distinct (no checking is done,
    /// which is the point: converters that produce unique keys skip the duplicate search).
    public init(uniqueKeys keys: [String], values: [JSONValue]) {
        precondition(keys.count == values.count, "keys and values must have the same length")
        self.keys = keys
        self.values = values
        if keys.count > Self.indexThreshold { rebuildIndex() }
    }

    /// The number of members.
    public var count: Int { keys.count }

    /// True when the object has no members.
    public var isEmpty: Bool { keys.isEmpty }

    /// The position of `key` in insertion order, or nil when absent.
    public func position(of key: String) -> Int? {
        if let index { return index[key] }
        // Comparing UTF-8 lengths first skips most full string comparisons.
        let length = key.utf8.count
        for i in keys.indices where keys[i].utf8.count == length && keys[i] == key { return i }
        return nil
    }

    /// Reads, replaces (keeping the original position), appends or (when set to nil) removes a member.
    public subscript(key: String) -> JSONValue? {
        get {
            guard let i = position(of: key) else { return nil }
            return values[i]
        }
        set {
            if let i = position(of: key) {
                if let newValue {
                    values[i] = newValue
                } else {
                    keys.remove(at: i)
                    values.remove(at: i)
                    index = nil
                    if keys.count > Self.indexThreshold { rebuildIndex() }
                }
            } else if let newValue {
                keys.append(key)
                values.append(newValue)
                if index != nil {
                    index![key] = keys.count - 1
                } else if keys.count > Self.indexThreshold {
                    rebuildIndex()
                }
            }
        }
    }

    private mutating func rebuildIndex() {
        var built = [String: Int](minimumCapacity: keys.count)
        for (i, key) in keys.enumerated() { built[key] = i }
        index = built
    }

    /// Iterates members in insertion order.
    public func makeIterator() -> Iterator { Iterator(keys: keys, values: values) }

    /// Yields `(key, value)` pairs in insertion order.
    public struct Iterator: IteratorProtocol {
        let keys: [String]
        let values: [JSONValue]
        var position = 0

        /// The next member, or nil after the last.
        public mutating func next() -> (key: String, value: JSONValue)? {
            guard position < keys.count else { return nil }
            defer { position += 1 }
            return (keys[position], values[position])
        }
    }

    /// Objects are equal when they hold the same members; JSON gives member order no meaning.
    public static func == (lhs: JSONObject, rhs: JSONObject) -> Bool {
        guard lhs.count == rhs.count else { return false }
        for i in lhs.keys.indices {
            guard let other = rhs[lhs.keys[i]], other == lhs.values[i] else { return false }
        }
        return true
    }
}
