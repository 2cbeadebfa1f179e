/// A value a template renders: the view model handed to `TemplateLibrary.render`.
///
/// A closed enum rather than `Any`, so view models are checked by the compiler
/// and rendering needs no reflection. The literal conformances let a page build
/// its model inline: `["user": ["name": .string(name)], "errors": []]`.
public enum TemplateValue: Sendable, Equatable {
    /// No value; falsey, and interpolates as nothing.
    case null
    /// A boolean; `false` is falsey, and interpolates as `true`/`false`.
    case bool(Bool)
    /// Text; the empty string is falsey.
    case string(String)
    /// An integer; always truthy.
    case int(Int)
    /// A floating-point number; always truthy. Integral values print without `.0`.
    case double(Double)
    /// A list; a section iterates it, and the empty list is falsey.
    case list([TemplateValue])
    /// A map of names to values; a section pushes it on the context stack.
    case object(TemplateObject)

    /// Whether a section shows (and an inverted section hides) for this value.
    ///
    /// Falsey values are `null`, `false`, the empty string and the empty list,
    /// the spec's `!!data` rule minus JavaScript's zero: numbers are always truthy,
    /// so a count of 0 can still be shown.
    public var isTruthy: Bool {
        switch self {
        case .null: false
        case .bool(let value): value
        case .string(let value): !value.isEmpty
        case .list(let values): !values.isEmpty
        case .int, .double, .object: true
        }
    }

    /// The value stored under `key` when this is an object, else `nil`.
    public subscript(key: String) -> TemplateValue? {
        if case .object(let fields) = self { return fields[key] }
        return nil
    }
}

extension TemplateValue: ExpressibleByStringLiteral {
    /// Creates `.string` from a string literal.
    public init(stringLiteral value: String) { self = .string(value) }
}

extension TemplateValue: ExpressibleByBooleanLiteral {
    /// Creates `.bool` from `true` or `false`.
    public init(booleanLiteral value: Bool) { self = .bool(value) }
}

extension TemplateValue: ExpressibleByIntegerLiteral {
    /// Creates `.int` from an integer literal.
    public init(integerLiteral value: Int) { self = .int(value) }
}

extension TemplateValue: ExpressibleByFloatLiteral {
    /// Creates `.double` from a floating-point literal.
    public init(floatLiteral value: Double) { self = .double(value) }
}

extension TemplateValue: ExpressibleByArrayLiteral {
    /// Creates `.list` from an array literal.
    public init(arrayLiteral elements: TemplateValue...) { self = .list(elements) }
}

extension TemplateValue: ExpressibleByDictionaryLiteral {
    /// Creates `.object` from a dictionary literal; a repeated key keeps its last value.
    public init(dictionaryLiteral elements: (String, TemplateValue)...) {
        self = .object(TemplateObject(pairs: elements))
    }
}
