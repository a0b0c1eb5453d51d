import AnnealTraining

/// Configuration values written as text (command lines, hand-written specs):
/// "1024,512", "0.9,0.999", "32x32", "5-9,0". Errors name the field they were meant for.
public enum ValueParsing {
    /// Comma-separated positive integers.
    public static func sizes(_ text: String, field: String) throws -> [Int] {
        try text.split(separator: ",").map {
            guard let n = Int($0.trimmingCharacters(in: .whitespaces)), n > 0 else {
                throw ConfigError(field: field, "'\($0)' is not a positive integer")
            }
            return n
        }
    }

    /// Comma-separated finite numbers.
    public static func numbers<T: BinaryFloatingPoint & LosslessStringConvertible>(_ text: String, field: String) throws -> [T] {
        try text.split(separator: ",").map {
            guard let x = T(String($0.trimmingCharacters(in: .whitespaces))), x.isFinite else { throw ConfigError(field: field, "'\($0)' is not a number") }
            return x
        }
    }

    /// An image size "HxW", or "S" for S×S: `[height, width]`.
    public static func imageSize(_ text: String, field: String) throws -> [Int] {
        let parts = text.lowercased().split(separator: "x", omittingEmptySubsequences: false).map { Int($0) }
        guard (1...2).contains(parts.count), parts.allSatisfy({ ($0 ?? 0) > 0 }) else {
            throw ConfigError(field: field, "'\(text)' is not a size HxW (e.g. 32x32) or S")
        }
        let sizes = parts.compactMap { $0 }
        return sizes.count == 1 ? [sizes[0], sizes[0]] : sizes
    }

    /// Class numbers as listed: "5-9", "0,2,4", "0-2,7" (ranges inclusive, order kept).
    public static func classes(_ text: String, field: String) throws -> [Int] {
        var classes: [Int] = []
        for part in text.split(separator: ",", omittingEmptySubsequences: false) {
            let bounds = part.split(separator: "-", omittingEmptySubsequences: false).map { Int($0.trimmingCharacters(in: .whitespaces)) }
            guard (1...2).contains(bounds.count), let low = bounds.first ?? nil, let high = bounds.last ?? nil, low >= 0, low <= high, high < 1 << 20 else {
                throw ConfigError(field: field, "'\(part)' is not a class number or a range LOW-HIGH (e.g. 5-9 or 0,2,4)")
            }
            classes += Array(low...high)
        }
        return classes
    }
}
