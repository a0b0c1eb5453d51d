import Foundation

/// The safetensors format (Hugging Face), the weight format shared with PyTorch:
/// named float32 arrays plus string metadata, loadable with `safetensors.torch.load_file`.
///
/// Layout: an 8-byte little-endian header length N, N bytes of JSON
/// (`{"__metadata__": {...}, "name": {"dtype": "F32", "shape": [..], "data_offsets": [begin, end]}}`,
/// padded with spaces to a multiple of 8), then the data block; offsets are relative to
/// the data block. Anneal writes F32 (its parameters' type); reading also accepts the
/// other numeric dtypes (F64, F16, BF16, integers, BOOL) and converts them to Float.
public struct SafeTensorsFile: Sendable, Equatable {
    /// The arrays by name, e.g. `layer1.0.conv1.weight`.
    public var tensors: [String: ShapedArray]
    /// Free-form string pairs stored under `__metadata__` (e.g. `"format": "pt"`).
    public var metadata: [String: String]

    /// A file's contents in memory, named arrays and metadata (both empty by default).
    public init(tensors: [String: ShapedArray] = [:], metadata: [String: String] = [:]) {
        self.tensors = tensors
        self.metadata = metadata
    }

    /// Reads a safetensors file, checking the header against the data: every tensor must
    /// have a numeric dtype, its offsets in range and sized `product(shape) * element size`, and the tensors must
    /// tile the data block without overlaps or gaps (as the reference implementation requires).
    public static func read(_ path: String) throws -> SafeTensorsFile {
        try decode(FileBytes.read(path), path: path)
    }

    /// Parses the bytes of a safetensors file; `path` names it in errors.
    public static func decode(_ bytes: [UInt8], path: String) throws -> SafeTensorsFile {
        guard bytes.count >= 8 else {
            throw AnnealIOError(path: path, "truncated: a safetensors file starts with an 8-byte header length but file holds \(bytes.count) bytes")
        }
        var declared: UInt64 = 0
        for i in (0..<8).reversed() { declared = declared << 8 | UInt64(bytes[i]) }
        guard declared <= UInt64(maxHeaderLength) else {
            throw AnnealIOError(path: path, "not a safetensors file: header length \(declared) is over the \(maxHeaderLength)-byte limit")
        }
        let headerLength = Int(declared)
        guard headerLength <= bytes.count - 8 else {
            throw AnnealIOError(path: path, "truncated: header length is \(headerLength) bytes but only \(bytes.count - 8) bytes follow it")
        }
        guard headerLength > 0, bytes[8] == UInt8(ascii: "{") else {
            throw AnnealIOError(path: path, "not a safetensors file: header does not start with '{'")
        }

        let header: Header
        do {
            header = try JSONDecoder().decode(Header.self, from: Data(bytes[8..<(8 + headerLength)]))
        } catch let problem as HeaderProblem {
            throw AnnealIOError(path: path, "bad safetensors header: \(problem.message)")
        } catch {
            throw AnnealIOError(path: path, "bad safetensors header: not valid JSON")
        }

        let dataStart = 8 + headerLength
        let dataSize = bytes.count - dataStart
        var spans: [(name: String, begin: Int, end: Int, dtype: SafeTensorsDType)] = []
        for name in header.entries.keys.sorted() {
            let entry = header.entries[name]!
            guard let dtype = SafeTensorsDType(rawValue: entry.dtype) else {
                throw AnnealIOError(path: path, "tensor '\(name)' has dtype \(entry.dtype); supported: "
                                    + SafeTensorsDType.allCases.map(\.rawValue).joined(separator: ", "))
            }
            guard entry.shape.allSatisfy({ $0 >= 0 }) else {
                throw AnnealIOError(path: path, "tensor '\(name)' has a negative dimension in shape \(entry.shape)")
            }
            var count = 1
            for dim in entry.shape {
                let product = count.multipliedReportingOverflow(by: dim)
                guard !product.overflow, product.partialValue <= Int.max / 8 else {
                    throw AnnealIOError(path: path, "tensor '\(name)' has an impossibly large shape \(entry.shape)")
                }
                count = product.partialValue
            }
            let offsets = entry.dataOffsets
            guard offsets.count == 2, offsets[0] >= 0, offsets[0] <= offsets[1] else {
                throw AnnealIOError(path: path, "tensor '\(name)' has invalid data_offsets \(offsets); expected [begin, end] with 0 <= begin <= end")
            }
            guard offsets[1] - offsets[0] == dtype.size * count else {
                throw AnnealIOError(path: path, "tensor '\(name)' has shape \(entry.shape) of \(entry.dtype), which needs \(dtype.size * count) bytes, but data_offsets \(offsets) span \(offsets[1] - offsets[0])")
            }
            guard offsets[1] <= dataSize else {
                throw AnnealIOError(path: path, "truncated: tensor '\(name)' has data_offsets \(offsets) but the data block holds \(dataSize) bytes")
            }
            spans.append((name, offsets[0], offsets[1], dtype))
        }

        spans.sort { ($0.begin, $0.end) < ($1.begin, $1.end) }
        var covered = 0
        var previous: String?
        for span in spans {
            if span.begin < covered {
                throw AnnealIOError(path: path, "tensors '\(previous!)' and '\(span.name)' overlap in the data block")
            }
            if span.begin > covered {
                let after = previous.map { "between tensors '\($0)' and" } ?? "before tensor"
                throw AnnealIOError(path: path, "\(span.begin - covered) unused bytes \(after) '\(span.name)' in the data block")
            }
            covered = span.end
            previous = span.name
        }
        if covered < dataSize {
            throw AnnealIOError(path: path, "trailing garbage: \(dataSize - covered) bytes after the last tensor's data")
        }

        var tensors: [String: ShapedArray] = [:]
        for span in spans {
            let shape = header.entries[span.name]!.shape
            let values = span.dtype.decode(bytes, at: dataStart + span.begin, count: (span.end - span.begin) / span.dtype.size)
            tensors[span.name] = ShapedArray(shape: shape, values: values)
        }
        return SafeTensorsFile(tensors: tensors, metadata: header.metadata)
    }

    /// Writes the file atomically (see `encoded`).
    public func write(to path: String) throws {
        try AtomicFile.write(try encoded(path: path), to: path)
    }

    /// The file's bytes: tensors in name order, contiguous, header padded with spaces
    /// to a multiple of 8 bytes, `__metadata__` omitted when empty. `path` names the
    /// file in errors.
    public func encoded(path: String = "safetensors") throws -> [UInt8] {
        let names = tensors.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        var json = "{"
        var fields: [String] = []
        if !metadata.isEmpty {
            let pairs = metadata.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
                .map { "\(Self.jsonString($0)):\(Self.jsonString(metadata[$0]!))" }
            fields.append("\"__metadata__\":{\(pairs.joined(separator: ","))}")
        }
        var offset = 0
        for name in names {
            guard name != "__metadata__" else {
                throw AnnealIOError(path: path, "cannot write: '__metadata__' is reserved and cannot name a tensor")
            }
            let array = tensors[name]!
            guard array.shape.allSatisfy({ $0 >= 0 }), array.shape.reduce(1, *) == array.values.count else {
                throw AnnealIOError(path: path, "cannot write: tensor '\(name)' has shape \(array.shape) but \(array.values.count) values")
            }
            let shape = array.shape.map(String.init).joined(separator: ",")
            let end = offset + 4 * array.values.count
            fields.append("\(Self.jsonString(name)):{\"dtype\":\"F32\",\"shape\":[\(shape)],\"data_offsets\":[\(offset),\(end)]}")
            offset = end
        }
        json += fields.joined(separator: ",") + "}"

        var header = Array(json.utf8)
        header += repeatElement(UInt8(ascii: " "), count: (8 - header.count % 8) % 8)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(8 + header.count + offset)
        let length = UInt64(header.count)
        for i in 0..<8 { bytes.append(UInt8(truncatingIfNeeded: length >> (8 * UInt64(i)))) }
        bytes += header
        for name in names { FloatBytes.append(tensors[name]!.values, to: &bytes) }
        return bytes
    }

    /// Headers larger than this are rejected as corrupt (the reference implementation's limit).
    static let maxHeaderLength = 100_000_000

    static func jsonString(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }

    /// The decoded JSON header. Problems are reported as `HeaderProblem` naming the entry.
    private struct Header: Decodable {
        var entries: [String: Entry] = [:]
        var metadata: [String: String] = [:]

        struct Entry: Decodable {
            var dtype: String
            var shape: [Int]
            var dataOffsets: [Int]

            enum CodingKeys: String, CodingKey {
                case dtype, shape
                case dataOffsets = "data_offsets"
            }
        }

        struct Key: CodingKey {
            var stringValue: String
            var intValue: Int? { nil }
            init(stringValue: String) { self.stringValue = stringValue }
            init?(intValue: Int) { nil }
        }

        init(from decoder: any Decoder) throws {
            let container: KeyedDecodingContainer<Key>
            do {
                container = try decoder.container(keyedBy: Key.self)
            } catch {
                throw HeaderProblem(message: "not a JSON object")
            }
            for key in container.allKeys {
                if key.stringValue == "__metadata__" {
                    do {
                        metadata = try container.decode([String: String].self, forKey: key)
                    } catch {
                        throw HeaderProblem(message: "__metadata__ must be an object of string values")
                    }
                    continue
                }
                do {
                    entries[key.stringValue] = try container.decode(Entry.self, forKey: key)
                } catch DecodingError.keyNotFound(let missing, _) {
                    throw HeaderProblem(message: "tensor '\(key.stringValue)' has no \"\(missing.stringValue)\"")
                } catch DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context),
                        DecodingError.dataCorrupted(let context) {
                    let field = context.codingPath.dropFirst().first?.stringValue
                    throw HeaderProblem(message: "tensor '\(key.stringValue)' has a malformed \(field.map { "\"\($0)\"" } ?? "entry")")
                } catch {
                    throw HeaderProblem(message: "tensor '\(key.stringValue)' has a malformed entry")
                }
            }
        }
    }

    private struct HeaderProblem: Error {
        let message: String
    }
}
