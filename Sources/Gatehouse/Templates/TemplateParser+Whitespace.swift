/// The spec's whitespace rules: standalone lines, and the indentation of partials,
/// parents and blocks.
///
/// - A non-interpolation tag alone on its line (but for spaces and tabs) is
///   standalone: the line's whitespace and line ending vanish. A standalone
///   partial is indented by that whitespace.
/// - A parent pair is standalone when its opening tag has only whitespace before
///   it and its closing tag only whitespace after it, even on one line: then it
///   behaves as a standalone partial.
/// - An argument block (a block directly inside a parent) whose opening tag ends
///   its line owns that line ending, and its content loses the *intrinsic
///   indentation*, the leading whitespace of its first line; whitespace before its
///   closing tag is not content.
/// - A parameter block (any other block) whose pair is standalone is indented at
///   the slot: by its intrinsic indentation when its opening tag ends a line, else
///   by the whitespace before the opening tag.
extension TemplateParser {
    /// Marks the whitespace the standalone rules drop and records which tags carry
    /// indentation.
    mutating func applyStandaloneRules() {
        for (lineIndex, range) in lines.enumerated() {
            var tag = -1
            var tagCount = 0
            var blank = true
            for index in range {
                switch tokens[index].kind {
                case .text: if !isBlankText(index) { blank = false }
                case .newline: break
                case .tag: tagCount += 1; tag = index
                }
            }
            guard blank, tagCount == 1, let kind = tagKind(tag), kind.canStandAlone else { continue }
            for index in range where index != tag { deleted[index] = true }
            suppressed[lineIndex] = true
            if kind == .partial { indentationToMeasure.append(tag) }
        }
        for index in tokens.indices {
            switch tagKind(index) {
            case .parent: applyParentRule(index)
            case .block: applyBlockRule(index)
            default: break
            }
        }
    }

    private mutating func applyParentRule(_ opener: Int) {
        let closer = partner[opener]
        guard isLeftClear(opener), isRightClear(closer) else { return }
        deleteLeadingWhitespace(before: opener)
        deleteTrailingWhitespace(after: closer)
        suppressed[lineOf[opener]] = true
        indentationToMeasure.append(opener)
    }

    private mutating func applyBlockRule(_ opener: Int) {
        let closer = partner[opener]
        if isArgument(opener) {
            if isRightClear(opener) {
                deleteTrailingWhitespace(after: opener)
                intrinsicBlocks.append(opener)
            }
            if isLeftClear(closer) {
                deleteLeadingWhitespace(before: closer)
                suppressed[lineOf[closer]] = true
            }
        } else if isLeftClear(opener), isRightClear(closer) {
            if isRightClear(opener) {
                // Alone on its line, so already removed as standalone; the content's
                // first line sets the indentation.
                intrinsicBlocks.append(opener)
            } else {
                deleteLeadingWhitespace(before: opener)
                suppressed[lineOf[opener]] = true
                indentationToMeasure.append(opener)
            }
        }
    }

    /// Removes each intrinsic-indentation block's indentation from the start of its
    /// content lines, outer blocks first so inner blocks measure what remains.
    mutating func stripIntrinsicIndentation() {
        for opener in intrinsicBlocks.sorted() {
            let closer = partner[opener]
            let firstLine = lineOf[opener] + 1
            var intrinsic: [UInt8] = []
            if firstLine < lines.count {
                let first = lines[firstLine].lowerBound
                if first < closer, tokens[first].kind == .text { intrinsic = leadingWhitespace(of: first) }
            }
            if !isArgument(opener) { indentation[opener] = intrinsic }
            guard !intrinsic.isEmpty else { continue }
            for line in lines[firstLine...] {
                let first = line.lowerBound
                guard first < closer else { break }
                if tokens[first].kind == .text, hasPrefix(intrinsic, at: first) {
                    tokens[first].start += intrinsic.count
                }
            }
        }
    }

    /// Records, for standalone partials, parents and non-intrinsic parameter
    /// blocks, the whitespace that preceded the tag on its line.
    mutating func measureIndentation() {
        for tag in indentationToMeasure {
            let first = lines[lineOf[tag]].lowerBound
            indentation[tag] = first < tag && tokens[first].kind == .text ? Array(source[tokens[first].start..<tokens[first].end]) : []
        }
    }

    // MARK: - Line tests

    func isBlankText(_ index: Int) -> Bool {
        let token = tokens[index]
        guard token.kind == .text else { return false }
        return source[token.start..<token.end].allSatisfy { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }
    }

    /// Only spaces and tabs precede the token on its line.
    func isLeftClear(_ index: Int) -> Bool {
        (lines[lineOf[index]].lowerBound..<index).allSatisfy(isBlankText)
    }

    /// Only spaces and tabs follow the token up to its line ending or the end.
    func isRightClear(_ index: Int) -> Bool {
        (index + 1..<lines[lineOf[index]].upperBound).allSatisfy { tokens[$0].kind == .newline || isBlankText($0) }
    }

    mutating func deleteLeadingWhitespace(before index: Int) {
        for other in lines[lineOf[index]].lowerBound..<index { deleted[other] = true }
    }

    mutating func deleteTrailingWhitespace(after index: Int) {
        for other in index + 1..<lines[lineOf[index]].upperBound { deleted[other] = true }
    }

    private func leadingWhitespace(of index: Int) -> [UInt8] {
        let token = tokens[index]
        let bytes = source[token.start..<token.end]
        return Array(bytes.prefix { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") })
    }

    private func hasPrefix(_ prefix: [UInt8], at index: Int) -> Bool {
        let token = tokens[index]
        return token.end - token.start >= prefix.count && source[token.start..<token.start + prefix.count].elementsEqual(prefix)
    }
}
