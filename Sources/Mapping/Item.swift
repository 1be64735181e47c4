import Values

/// The evaluator's value: JSON plus functions, with reference-typed containers because JSONata's
/// algorithms (sequence flags, transform updates) depend on sharing like JavaScript arrays and objects.
/// Undefined is represented by `Optional.none` at use sites.
enum Item {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array(ItemArray)
    case object(ItemObject)
    case function(FunctionItem)

    /// Input containers are wrapped, not copied: members are converted only when an expression reads them.
    init(_ json: JSONValue) {
        switch json {
        case .null: self = .null
        case .bool(let b): self = .bool(b)
        case .number(let n): self = .number(n)
        case .string(let s): self = .string(s)
        case .array(let a): self = .array(ItemArray(lazy: a))
        case .object(let o): self = .object(ItemObject(lazy: o))
        }
    }

    /// Converts back to JSON; functions have no JSON form and (as in JSON.stringify) become absent.
    func toJSON() -> JSONValue? {
        switch self {
        case .null: return .null
        case .bool(let b): return .bool(b)
        case .number(let n): return .number(n)
        case .string(let s): return .string(s)
        case .array(let a):
            if let source = a.untouchedSource { return .array(source) }
            var out: [JSONValue] = []
            out.reserveCapacity(a.items.count)
            for item in a.items { out.append(item.toJSON() ?? .null) }
            return .array(out)
        case .object(let o):
            if let source = o.untouchedSource { return .object(source) }
            let keys = o.keys
            let values = o.values
            var outKeys: [String] = []
            var outValues: [JSONValue] = []
            outKeys.reserveCapacity(keys.count)
            outValues.reserveCapacity(keys.count)
            for i in keys.indices {
                if let v = values[i].toJSON() {
                    outKeys.append(keys[i])
                    outValues.append(v)
                }
            }
            return .object(JSONObject(uniqueKeys: outKeys, values: outValues))
        case .function: return nil
        }
    }

    var isFunction: Bool {
        if case .function = self { return true }
        return false
    }

    var arrayValue: ItemArray? {
        if case .array(let a) = self { return a }
        return nil
    }

    var isArray: Bool {
        if case .array = self { return true }
        return false
    }
}

final class ItemArray {
    // Exclusivity is enforced by construction (one evaluation, one thread); runtime checks cost ~5% of mapping.
    @exclusivity(unchecked) private var storage: [Item]
    /// Input data not yet converted; conversion happens on first access to `items`.
    @exclusivity(unchecked) private var source: [JSONValue]?
    @exclusivity(unchecked) var isSequence = false
    @exclusivity(unchecked) var keepSingleton = false
    @exclusivity(unchecked) var cons = false
    @exclusivity(unchecked) var outerWrapper = false
    @exclusivity(unchecked) var tupleStream = false

    init(_ items: [Item] = [], sequence: Bool = false) {
        self.storage = items
        self.isSequence = sequence
    }

    init(lazy source: [JSONValue]) {
        self.storage = []
        self.source = source
    }

    var items: [Item] {
        get {
            materialize()
            return storage
        }
        _modify {
            materialize()
            yield &storage
        }
    }

    /// The original input when nothing has been read from or changed in this array.
    var untouchedSource: [JSONValue]? { source }

    private func materialize() {
        guard let source else { return }
        storage = source.map(Item.init)
        self.source = nil
    }

    static func sequence(_ items: [Item] = []) -> ItemArray { ItemArray(items, sequence: true) }

    var count: Int { items.count }
}

final class ItemObject {
    @exclusivity(unchecked) private var storedKeys: [String] = []
    @exclusivity(unchecked) private var storedValues: [Item] = []
    @exclusivity(unchecked) private var index: [String: Int]? = nil
    /// Input data not yet converted: members are converted one by one when read, and cached so that a
    /// nested object keeps one identity.
    @exclusivity(unchecked) private var source: JSONObject? = nil
    @exclusivity(unchecked) private var converted: [Item?] = []

    init(lazy source: JSONObject) {
        self.source = source
    }

    init(capacity: Int = 0) {
        if capacity > 0 {
            storedKeys.reserveCapacity(capacity)
            storedValues.reserveCapacity(capacity)
        }
    }

    /// The original input when this object has not been changed; members read so far are input too.
    var untouchedSource: JSONObject? { source }

    var keys: [String] { source?.keys ?? storedKeys }

    var values: [Item] {
        materialize()
        return storedValues
    }

    var count: Int { source?.count ?? storedKeys.count }

    private func materialize() {
        guard let source else { return }
        var values: [Item] = []
        values.reserveCapacity(source.count)
        for i in 0..<source.count {
            if i < converted.count, let item = converted[i] {
                values.append(item)
            } else {
                values.append(Item(source.values[i]))
            }
        }
        storedKeys = source.keys
        storedValues = values
        self.source = nil
        converted = []
        if storedKeys.count > 12 { rebuildIndex() }
    }

    private func rebuildIndex() {
        var built = [String: Int](minimumCapacity: storedKeys.count)
        for (i, k) in storedKeys.enumerated() { built[k] = i }
        index = built
    }

    func position(of key: String) -> Int? {
        if let source { return source.position(of: key) }
        if let index { return index[key] }
        // Comparing UTF-8 lengths first skips most full string comparisons.
        let length = key.utf8.count
        for i in storedKeys.indices where storedKeys[i].utf8.count == length && storedKeys[i] == key { return i }
        return nil
    }

    func get(_ key: String) -> Item? {
        if let source {
            guard let i = source.position(of: key) else { return nil }
            let value = source.values[i]
            switch value {
            case .array, .object:
                // Containers are cached so that repeated reads see one identity (JSONata relies on sharing).
                if converted.isEmpty { converted = [Item?](repeating: nil, count: source.count) }
                if let item = converted[i] { return item }
                let item = Item(value)
                converted[i] = item
                return item
            case .null, .bool, .number, .string:
                // Scalars have no identity: converting them again is cheaper than allocating the cache.
                return Item(value)
            }
        }
        guard let i = position(of: key) else { return nil }
        return storedValues[i]
    }

    func set(_ key: String, _ value: Item) {
        materialize()
        if let i = position(of: key) {
            storedValues[i] = value
            return
        }
        storedKeys.append(key)
        storedValues.append(value)
        if index != nil {
            index![key] = storedKeys.count - 1
        } else if storedKeys.count > 12 {
            rebuildIndex()
        }
    }

    /// Appends a member whose key the caller knows is not present yet.
    func append(uniqueKey key: String, _ value: Item) {
        materialize()
        storedKeys.append(key)
        storedValues.append(value)
        if index != nil {
            index![key] = storedKeys.count - 1
        } else if storedKeys.count > 12 {
            rebuildIndex()
        }
    }

    func remove(_ key: String) {
        materialize()
        guard let i = position(of: key) else { return }
        storedKeys.remove(at: i)
        storedValues.remove(at: i)
        index = nil
        if storedKeys.count > 12 { rebuildIndex() }
    }

    func copy() -> ItemObject {
        materialize()
        let o = ItemObject()
        o.storedKeys = storedKeys
        o.storedValues = storedValues
        o.index = index
        return o
    }
}
