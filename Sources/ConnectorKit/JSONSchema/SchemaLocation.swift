/// A place in one of the loaded schema documents.
struct SchemaLocation: Hashable {
    let document: Int
    let pointer: [String]

    func appending(_ tokens: String...) -> SchemaLocation {
        SchemaLocation(document: document, pointer: pointer + tokens)
    }
}
