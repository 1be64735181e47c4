/// What the keywords of one schema object (and its successful in-place applicators) evaluated at one instance
/// location: the annotations `unevaluatedProperties` and `unevaluatedItems` are defined by.
struct EvaluatedParts {
    var allProperties = false
    var properties: Set<String> = []
    var allItems = false
    /// Items `0..<itemPrefix` were evaluated by `prefixItems`.
    var itemPrefix = 0
    /// Items matched by `contains`.
    var items: Set<Int> = []

    mutating func merge(_ other: EvaluatedParts) {
        allProperties = allProperties || other.allProperties
        properties.formUnion(other.properties)
        allItems = allItems || other.allItems
        itemPrefix = max(itemPrefix, other.itemPrefix)
        items.formUnion(other.items)
    }

    func covers(property name: String) -> Bool { allProperties || properties.contains(name) }

    func covers(item index: Int) -> Bool { allItems || index < itemPrefix || items.contains(index) }
}
