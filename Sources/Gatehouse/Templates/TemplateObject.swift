/// The names and values of a `TemplateValue.object`, in the order they were set.
///
/// A short list searched by comparing names rather than a dictionary: a view model
/// holds a handful of short names, so building one allocates one buffer instead of a
/// hash table and finding a name compares a few strings instead of hashing it. A page
/// builds several objects and looks names up dozens of times per request.
public struct TemplateObject: Sendable, Equatable, ExpressibleByDictionaryLiteral {
    /// One name and its value; a struct, not a tuple, so arrays of them are destroyed
    /// by specialized code rather than the runtime's generic tuple walk.
    struct Field: Sendable {
        let name: String
        var value: TemplateValue
    }

    private(set) var fields: [Field]

    /// An empty object.
    public init() {
        fields = []
    }

    /// The pairs of `dictionary`, in its (unspecified) order.
    public init(_ dictionary: [String: TemplateValue]) {
        fields = dictionary.map { Field(name: $0.key, value: $0.value) }
    }

    /// Creates an object from a literal; a repeated name keeps its last value.
    public init(dictionaryLiteral elements: (String, TemplateValue)...) {
        self.init(pairs: elements)
    }

    /// The names and values of `pairs` in order; a repeated name keeps its last value.
    init(pairs: [(String, TemplateValue)]) {
        fields = []
        fields.reserveCapacity(pairs.count)
        for (name, value) in pairs { self[name] = value }
    }

    /// Makes room for `count` names, so adding the last few does not move the rest.
    public mutating func reserveCapacity(_ count: Int) {
        fields.reserveCapacity(count)
    }

    /// How many names the object has.
    public var count: Int { fields.count }

    /// The value under `name`; setting `nil` removes the name.
    public subscript(name: String) -> TemplateValue? {
        get {
            for field in fields where field.name == name { return field.value }
            return nil
        }
        set {
            let index = fields.firstIndex { $0.name == name }
            switch (index, newValue) {
            case (let index?, let value?): fields[index].value = value
            case (let index?, nil): fields.remove(at: index)
            case (nil, let value?): fields.append(Field(name: name, value: value))
            case (nil, nil): break
            }
        }
    }

    /// Equal when both have the same names with equal values, in any order.
    public static func == (left: TemplateObject, right: TemplateObject) -> Bool {
        left.count == right.count && left.fields.allSatisfy { right[$0.name] == $0.value }
    }
}
