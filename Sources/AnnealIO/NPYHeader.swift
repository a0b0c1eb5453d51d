/// The Python-literal dictionary at the start of a .npy file, e.g.
/// `{'descr': '<f4', 'fortran_order': False, 'shape': (60000, 10), }`.
///
/// NumPy writes it with `repr`, so a tiny parser for dicts, strings, booleans,
/// integers and tuples reads everything NumPy produces without string matching.
struct NPYHeader: Equatable {
    var descr: String
    var fortranOrder: Bool
    var shape: [Int]

    /// The header text NumPy itself would write for a version 1.0 file (without padding).
    var text: String {
        let dims: String
        switch shape.count {
        case 0: dims = "()"
        case 1: dims = "(\(shape[0]),)"
        default: dims = "(" + shape.map(String.init).joined(separator: ", ") + ")"
        }
        return "{'descr': '\(descr)', 'fortran_order': \(fortranOrder ? "True" : "False"), 'shape': \(dims), }"
    }

    /// Parses the header; the thrown error says what is wrong with it.
    init(parsing text: String) throws(NPYHeaderError) {
        var parser = Parser(Array(text.utf8))
        guard case .dict(let entries) = try parser.value() else {
            throw NPYHeaderError("header is not a dictionary")
        }
        parser.skipSpace()
        guard parser.atEnd else { throw NPYHeaderError("unexpected text after the header dictionary") }

        guard case .string(let descr)? = entries["descr"] else {
            throw NPYHeaderError("header has no 'descr' string")
        }
        guard case .bool(let fortran)? = entries["fortran_order"] else {
            throw NPYHeaderError("header has no 'fortran_order' boolean")
        }
        guard case .tuple(let items)? = entries["shape"] else {
            throw NPYHeaderError("header has no 'shape' tuple")
        }
        var shape: [Int] = []
        for item in items {
            guard case .int(let dim) = item, dim >= 0 else {
                throw NPYHeaderError("'shape' must hold non-negative integers")
            }
            shape.append(dim)
        }
        self.init(descr: descr, fortranOrder: fortran, shape: shape)
    }

    init(descr: String, fortranOrder: Bool, shape: [Int]) {
        self.descr = descr
        self.fortranOrder = fortranOrder
        self.shape = shape
    }

    private indirect enum Value {
        case string(String), bool(Bool), int(Int), tuple([Value]), dict([String: Value]), none
    }

    private struct Parser {
        let bytes: [UInt8]
        var at = 0
        init(_ bytes: [UInt8]) { self.bytes = bytes }

        var atEnd: Bool { at == bytes.count }

        mutating func skipSpace() {
            while at < bytes.count, [0x20, 0x09, 0x0a, 0x0d].contains(bytes[at]) { at += 1 }
        }

        mutating func take(_ byte: UInt8) -> Bool {
            skipSpace()
            if at < bytes.count, bytes[at] == byte { at += 1; return true }
            return false
        }

        mutating func value() throws(NPYHeaderError) -> Value {
            skipSpace()
            guard at < bytes.count else { throw NPYHeaderError("header ends unexpectedly") }
            switch bytes[at] {
            case UInt8(ascii: "{"):
                at += 1
                var entries: [String: Value] = [:]
                while !take(UInt8(ascii: "}")) {
                    guard case .string(let key) = try value() else { throw NPYHeaderError("header keys must be strings") }
                    guard take(UInt8(ascii: ":")) else { throw NPYHeaderError("expected ':' after '\(key)' in header") }
                    entries[key] = try value()
                    if !take(UInt8(ascii: ",")) {
                        guard take(UInt8(ascii: "}")) else { throw NPYHeaderError("expected ',' or '}' in header") }
                        break
                    }
                }
                return .dict(entries)
            case UInt8(ascii: "("), UInt8(ascii: "["):
                let close = bytes[at] == UInt8(ascii: "(") ? UInt8(ascii: ")") : UInt8(ascii: "]")
                at += 1
                var items: [Value] = []
                while !take(close) {
                    items.append(try value())
                    if !take(UInt8(ascii: ",")) {
                        guard take(close) else { throw NPYHeaderError("expected ',' or closing bracket in header") }
                        break
                    }
                }
                return .tuple(items)
            case UInt8(ascii: "'"), UInt8(ascii: "\""):
                let quote = bytes[at]
                at += 1
                let start = at
                while at < bytes.count, bytes[at] != quote {
                    // NumPy's keys and dtype strings contain no escapes worth decoding; skip over them.
                    at += bytes[at] == UInt8(ascii: "\\") ? 2 : 1
                }
                guard at < bytes.count else { throw NPYHeaderError("unterminated string in header") }
                at += 1
                return .string(String(decoding: bytes[start..<(at - 1)], as: UTF8.self))
            default:
                let start = at
                while at < bytes.count, bytes[at] == UInt8(ascii: "_") || bytes[at] == UInt8(ascii: "-")
                        || (0x30...0x39).contains(bytes[at]) || (0x41...0x5a).contains(bytes[at]) || (0x61...0x7a).contains(bytes[at]) {
                    at += 1
                }
                let word = String(decoding: bytes[start..<at], as: UTF8.self)
                switch word {
                case "True": return .bool(true)
                case "False": return .bool(false)
                case "None": return .none
                default:
                    // NumPy may print large dims with an L suffix (Python 2 files).
                    let digits = word.hasSuffix("L") ? String(word.dropLast()) : word
                    if let number = Int(digits) { return .int(number) }
                    throw NPYHeaderError(word.isEmpty ? "unexpected character in header" : "unexpected '\(word)' in header")
                }
            }
        }
    }
}

struct NPYHeaderError: Error {
    let message: String
    init(_ message: String) { self.message = message }
}
