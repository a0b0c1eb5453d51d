/// A measurement as one JSON object on one line, keys in the given order: what
/// every benchmark prints. Numbers keep one decimal, or three below 10
/// (fractions, seconds).
public enum JSONLine {
    /// `{"key":value,…}` without spaces: strings quoted (not escaped), Doubles and
    /// `[Double]` rounded as above, anything else as Swift prints it.
    public static func render(_ fields: KeyValuePairs<String, Any>) -> String {
        func rounded(_ d: Double) -> Double { abs(d) < 10 ? (d * 1000).rounded() / 1000 : (d * 10).rounded() / 10 }
        let body = fields.map { key, value -> String in
            switch value {
            case let s as String: return "\"\(key)\":\"\(s)\""
            case let d as Double: return "\"\(key)\":\(rounded(d))"
            case let ds as [Double]: return "\"\(key)\":[\(ds.map { "\(rounded($0))" }.joined(separator: ","))]"
            default: return "\"\(key)\":\(value)"
            }
        }
        return "{" + body.joined(separator: ",") + "}"
    }
}
