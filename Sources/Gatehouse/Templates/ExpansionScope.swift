/// What a partial, parent or block is expanded under: everything the output of a
/// tag depends on apart from the data.
struct ExpansionScope: Sendable {
    /// Written at each line start: the whitespace of the enclosing standalone
    /// partials and blocks.
    var indentation: [UInt8] = []
    /// Block contents supplied by the parents being expanded.
    var overrides = BlockOverrides.none
    /// Partials and parents entered so far.
    var depth = 0

    /// The scope inside a partial (no `arguments`) or parent included here.
    /// - Parameters:
    ///   - arguments: the parent's argument blocks.
    ///   - extra: the tag's indentation if it stands alone; an inline tag inserts
    ///     the template as is, without any indentation.
    func including(arguments: [String: [TemplateNode]], indentation extra: [UInt8]?) -> ExpansionScope {
        var inner = self
        inner.indentation = extra.map { indentation + $0 } ?? []
        if !arguments.isEmpty {
            // Outer arguments win: the template furthest down the inheritance chain
            // has the last word on each block.
            var byName = overrides.byName
            for (name, nodes) in arguments where byName[name] == nil {
                byName[name] = BlockOverride(nodes: nodes, overrides: overrides)
            }
            inner.overrides = BlockOverrides(byName)
        }
        inner.depth += 1
        return inner
    }
}

/// The block overrides in force, by block name.
///
/// A class so scopes that did not change the overrides share one instance: the
/// compiler tells two includes under the same scope apart by identity.
final class BlockOverrides: Sendable {
    static let none = BlockOverrides([:])

    let byName: [String: BlockOverride]

    init(_ byName: [String: BlockOverride]) {
        self.byName = byName
    }
}

/// Content that fills a block slot, with the overrides in force where it was
/// written (so a page's `content` block is not hijacked by a same-named block of a
/// partial it includes).
struct BlockOverride: Sendable {
    let nodes: [TemplateNode]
    let overrides: BlockOverrides
}
