/// A request's headers by lower-case name (`cookie`, `user-agent`, ...).
///
/// A short list searched in order rather than a dictionary: a request carries a handful
/// of headers, and comparing a few short names costs less than hashing even one. Setting
/// a name that is present replaces its value, so a later duplicate wins, as it would in
/// a dictionary.
public struct HTTPHeaders: Sendable, Equatable, ExpressibleByDictionaryLiteral {
    private var fields: [(name: String, value: String)] = []

    /// No headers.
    public init() {}

    /// The headers of `dictionary`.
    public init(_ dictionary: [String: String]) {
        for (name, value) in dictionary { self[name] = value }
    }

    /// Creates headers from a literal; a repeated name keeps its last value.
    public init(dictionaryLiteral elements: (String, String)...) {
        for (name, value) in elements { self[name] = value }
    }

    /// The value under `name` (lower case), or `nil`; setting `nil` removes it.
    public subscript(name: String) -> String? {
        get { fields.first { $0.name == name }?.value }
        set {
            let index = fields.firstIndex { $0.name == name }
            switch (index, newValue) {
            case (let index?, let value?): fields[index].value = value
            case (let index?, nil): fields.remove(at: index)
            case (nil, let value?): fields.append((name, value))
            case (nil, nil): break
            }
        }
    }

    public static func == (lhs: HTTPHeaders, rhs: HTTPHeaders) -> Bool {
        lhs.fields.count == rhs.fields.count && lhs.fields.allSatisfy { rhs[$0.name] == $0.value }
    }
}
