/// Runs a `TemplateProgram` against a view model, writing a `TemplateOutput`.
///
/// Holds what depends on the data: the context stack that sections push onto,
/// and the count of partials and parents expanded so far. One renderer serves one
/// render call; the programs and templates it reads are immutable.
struct TemplateRenderer {
    /// Partials and parents expanded in one render beyond this render as empty, so a
    /// template that includes itself twice cannot take 2^depth steps.
    static let maximumExpansions = 10_000

    /// For compiling deferred includes.
    private let templates: [String: Template]
    private var stack: [TemplateValue]
    private var expansions = 0
    /// The deferred includes this render has compiled (none for a page without
    /// recursive partials).
    private var compiled: [ObjectIdentifier: TemplateProgram] = [:]

    init(templates: [String: Template], root: TemplateValue) {
        self.templates = templates
        // Room for a few nested sections, allocated once.
        stack = []
        stack.reserveCapacity(8)
        stack.append(root)
    }

    /// A program's arrays, borrowed for one run: reading through buffer pointers
    /// keeps the loop free of bounds checks and reference counting.
    private struct Code {
        let instructions: UnsafeBufferPointer<TemplateProgram.Instruction>
        let text: UnsafeBufferPointer<UInt8>
        let names: UnsafeBufferPointer<String>
        let deferred: [TemplateProgram.DeferredInclude]
    }

    /// Runs all of `program`.
    mutating func run(_ program: TemplateProgram, into output: inout TemplateOutput) {
        program.instructions.withUnsafeBufferPointer { instructions in
            program.text.withUnsafeBufferPointer { text in
                program.names.withUnsafeBufferPointer { names in
                    let code = Code(instructions: instructions, text: text, names: names, deferred: program.deferred)
                    run(code, instructions.indices, into: &output)
                }
            }
        }
    }

    /// Runs the instructions in `range`, which ends where a section body or an
    /// expansion does (or at the end).
    private mutating func run(_ code: Code, _ range: Range<Int>, into output: inout TemplateOutput) {
        var next = range.lowerBound
        while next < range.upperBound {
            let instruction = code.instructions[next]
            next += 1
            switch instruction {
            case .text(let bytes):
                output.append(UnsafeBufferPointer(rebasing: code.text[bytes]))
            case .variable(let path, let escaped):
                if let value = resolve(UnsafeBufferPointer(rebasing: code.names[path])) {
                    Self.interpolate(value, escaped: escaped, into: &output)
                }
            case .section(let path, let inverted, let end):
                let value = resolve(UnsafeBufferPointer(rebasing: code.names[path])) ?? .null
                let body = next..<end
                if inverted {
                    if !value.isTruthy { run(code, body, into: &output) }
                } else if case .list(let items) = value {
                    for item in items {
                        stack.append(item)
                        run(code, body, into: &output)
                        stack.removeLast()
                    }
                } else if value.isTruthy {
                    stack.append(value)
                    run(code, body, into: &output)
                    stack.removeLast()
                }
                next = end
            case .expansion(let end):
                if expansions < Self.maximumExpansions {
                    expansions += 1
                } else {
                    next = end
                }
            case .deferred(let index):
                guard expansions < Self.maximumExpansions else { continue }
                expansions += 1
                run(program(for: code.deferred[index]), into: &output)
            }
        }
    }

    /// The program of a deferred include, compiled on first use in this render.
    private mutating func program(for include: TemplateProgram.DeferredInclude) -> TemplateProgram {
        let key = ObjectIdentifier(include)
        if let program = compiled[key] { return program }
        let program = TemplateCompiler.compile(include, templates: templates)
        // Cached programs keep their own deferred includes alive, so identities stay unique.
        compiled[key] = program
        return program
    }

    /// Looks a dotted name up the context stack: its first part in the innermost
    /// context that has it, the rest inside that value only. `nil` when anything
    /// misses; an empty name (`.`) is the innermost context.
    private func resolve(_ path: UnsafeBufferPointer<String>) -> TemplateValue? {
        guard let first = path.first else { return stack.last }
        var level = stack.count - 1
        var value: TemplateValue
        while true {
            guard level >= 0 else { return nil }
            if case .object(let fields) = stack[level], let found = fields[first] {
                value = found
                break
            }
            level -= 1
        }
        for key in path.dropFirst() {
            guard case .object(let fields) = value, let found = fields[key] else { return nil }
            value = found
        }
        return value
    }

    /// Writes a value as text; lists and objects have no text form and write nothing.
    static func interpolate(_ value: TemplateValue, escaped: Bool, into output: inout TemplateOutput) {
        switch value {
        case .null, .list, .object:
            break
        case .bool(let flag):
            HTMLEscape.append(flag ? "true" : "false", escaped: false, to: &output)
        case .string(let text):
            HTMLEscape.append(text, escaped: escaped, to: &output)
        case .int(let number):
            HTMLEscape.append(number, to: &output)
        case .double(let number):
            if number.rounded() == number, abs(number) < 1e15 {
                HTMLEscape.append(Int(number), to: &output)
            } else {
                HTMLEscape.append(String(describing: number), escaped: false, to: &output)
            }
        }
    }
}
