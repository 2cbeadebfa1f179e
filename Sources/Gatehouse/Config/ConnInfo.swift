/// libpq connection strings: built from `DB_*` settings, and shown with the password hidden.
enum ConnInfo {
    /// What replaces a secret in redacted output.
    static let mask = "********"
    /// libpq keywords whose values are secrets.
    static let secretKeywords: Set<String> = ["password", "sslpassword"]

    /// `key='value'` pairs for the given settings in order, skipping `nil` and empty
    /// values; `\` and `'` are escaped with a backslash as libpq requires.
    static func build(_ settings: [(key: String, value: String?)]) -> String {
        settings.compactMap { key, value in
            guard let value, !value.isEmpty else { return nil }
            return "\(key)='\(escape(value))'"
        }.joined(separator: " ")
    }

    /// `value` with `\` and `'` backslash-escaped, for inside a quoted conninfo value.
    static func escape(_ value: String) -> String {
        var result = ""
        for character in value {
            if character == "\\" || character == "'" { result.append("\\") }
            result.append(character)
        }
        return result
    }

    /// `conninfo` with every password replaced by `********`: the `user:password@`
    /// part and `password`/`sslpassword` parameters of a `postgres://` URI, or those
    /// keywords of a `key=value` string. A string that cannot be parsed is masked whole,
    /// so a secret is never shown by mistake.
    static func redacted(_ conninfo: String) -> String {
        if conninfo.hasPrefix("postgresql://") || conninfo.hasPrefix("postgres://") {
            return redactedURI(conninfo)
        }
        return redactedKeywords(conninfo) ?? mask
    }

    /// Masks the userinfo password and any `password=` query parameter of a URI.
    private static func redactedURI(_ uri: String) -> String {
        var text = Array(uri.unicodeScalars)
        guard let schemeEnd = uri.unicodeScalars.firstIndex(of: ":") else { return mask }
        let authorityStart = uri.unicodeScalars.distance(
            from: uri.unicodeScalars.startIndex, to: schemeEnd) + 3
        // The last `@` ends the userinfo; taking the last one can only over-mask.
        if let at = text.lastIndex(of: "@"), at > authorityStart,
            let colon = text[authorityStart..<at].firstIndex(of: ":")
        {
            text.replaceSubrange((colon + 1)..<at, with: mask.unicodeScalars)
        }
        var result = String(String.UnicodeScalarView(text))
        if let query = result.firstIndex(of: "?") {
            let head = result[...query]
            let parameters = result[result.index(after: query)...]
                .split(separator: "&", omittingEmptySubsequences: false)
                .map { parameter in
                    let name = parameter.prefix(while: { $0 != "=" })
                    return secretKeywords.contains(name.lowercased()) && name.count < parameter.count
                        ? "\(name)=\(mask)" : String(parameter)
                }
            result = String(head) + parameters.joined(separator: "&")
        }
        return result
    }

    /// Masks the value of every `password` keyword; `nil` when the string is malformed.
    private static func redactedKeywords(_ conninfo: String) -> String? {
        let scalars = Array(conninfo.unicodeScalars)
        var output = String.UnicodeScalarView()
        var index = 0
        func isSpace(_ scalar: Unicode.Scalar) -> Bool { scalar.properties.isWhitespace }
        while index < scalars.count {
            while index < scalars.count, isSpace(scalars[index]) {
                output.append(scalars[index])
                index += 1
            }
            guard index < scalars.count else { break }
            let keyStart = index
            while index < scalars.count, scalars[index] != "=", !isSpace(scalars[index]) {
                index += 1
            }
            let key = String(String.UnicodeScalarView(scalars[keyStart..<index]))
            guard !key.isEmpty else { return nil }
            output.append(contentsOf: scalars[keyStart..<index])
            while index < scalars.count, isSpace(scalars[index]) {
                output.append(scalars[index])
                index += 1
            }
            guard index < scalars.count, scalars[index] == "=" else { return nil }
            output.append("=")
            index += 1
            while index < scalars.count, isSpace(scalars[index]) {
                output.append(scalars[index])
                index += 1
            }
            let valueStart = index
            if index < scalars.count, scalars[index] == "'" {
                index += 1
                while index < scalars.count, scalars[index] != "'" {
                    index += scalars[index] == "\\" ? 2 : 1
                }
                guard index < scalars.count else { return nil }
                index += 1
            } else {
                while index < scalars.count, !isSpace(scalars[index]) {
                    index += scalars[index] == "\\" ? 2 : 1
                }
                index = min(index, scalars.count)
            }
            if secretKeywords.contains(key) {
                output.append(contentsOf: "'\(mask)'".unicodeScalars)
            } else {
                output.append(contentsOf: scalars[valueStart..<index])
            }
        }
        return String(output)
    }
}
