import AnnealDistributed
import AnnealReports
import AnnealTraining
import Foundation

/// A hyperparameter search space parsed from a spec such as
/// `lr=log(1e-4,1),weight-decay=log(1e-6,1e-2),dropout=uniform(0,0.6),batch-size=choice(64,128,256)`.
/// Names are `anneal train` option names without the dashes.
public struct SearchSpace: Sendable, Equatable {
    /// How one hyperparameter's values are drawn.
    public enum Distribution: Sendable, Equatable {
        /// `log(LOW,HIGH)`: log-uniform between two positive bounds (for rates and decays).
        case log(Double, Double)
        /// `uniform(LOW,HIGH)`: uniform between the bounds.
        case uniform(Double, Double)
        /// `int(LOW,HIGH)`: a uniform integer, both bounds included.
        case int(Int, Int)
        /// `choice(A,B,…)`: one of the listed values, each equally likely.
        case choice([String])

        /// Whether the range is log-scaled (plots then use a log axis).
        public var isLog: Bool { if case .log = self { return true } else { return false } }
    }

    /// One hyperparameter and its distribution.
    public struct Dimension: Sendable, Equatable {
        /// The `anneal train` option name without its leading dashes (e.g. "lr", "weight-decay").
        public var name: String
        /// How its values are drawn.
        public var distribution: Distribution
        /// A dimension from its name and distribution.
        public init(name: String, distribution: Distribution) { self.name = name; self.distribution = distribution }
    }

    /// The hyperparameters, in the spec's order.
    public var dimensions: [Dimension]
    /// A space over `dimensions`.
    public init(_ dimensions: [Dimension]) { self.dimensions = dimensions }

    /// Parses `NAME=DIST(ARGS),…`; the error names the item that is wrong and why.
    public static func parse(_ spec: String) throws -> SearchSpace {
        // Split at commas outside parentheses.
        var items: [String] = [], current = "", depth = 0
        for ch in spec {
            if ch == "(" { depth += 1 } else if ch == ")" { depth -= 1 }
            if ch == "," && depth == 0 { items.append(current); current = "" } else { current.append(ch) }
        }
        if !current.trimmingCharacters(in: .whitespaces).isEmpty { items.append(current) }
        guard !items.isEmpty else { throw SearchSpecError("empty search space") }
        var dims: [Dimension] = []
        for raw in items {
            let item = raw.trimmingCharacters(in: .whitespaces)
            guard let eq = item.firstIndex(of: "=") else { throw SearchSpecError("'\(item)': expected NAME=DIST(ARGS)") }
            let name = String(item[..<eq]).trimmingCharacters(in: .whitespaces).trimmingCharacters(in: CharacterSet(charactersIn: "-"))
            let rest = item[item.index(after: eq)...].trimmingCharacters(in: .whitespaces)
            guard let open = rest.firstIndex(of: "("), rest.hasSuffix(")"), !name.isEmpty else {
                throw SearchSpecError("'\(item)': expected NAME=DIST(ARGS) with DIST log, uniform, int or choice")
            }
            let kind = String(rest[..<open])
            let args = rest[rest.index(after: open)..<rest.index(before: rest.endIndex)]
                .split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            if dims.contains(where: { $0.name == name }) { throw SearchSpecError("'\(name)' appears twice") }
            func bounds() throws -> (Double, Double) {
                guard args.count == 2, let a = Double(args[0]), let b = Double(args[1]), a.isFinite, b.isFinite, a < b else {
                    throw SearchSpecError("'\(item)': \(kind) needs two numbers LOW,HIGH with LOW < HIGH")
                }
                return (a, b)
            }
            switch kind {
            case "log":
                let (a, b) = try bounds()
                guard a > 0 else { throw SearchSpecError("'\(item)': log ranges must be positive") }
                dims.append(Dimension(name: name, distribution: .log(a, b)))
            case "uniform":
                let (a, b) = try bounds()
                dims.append(Dimension(name: name, distribution: .uniform(a, b)))
            case "int":
                guard args.count == 2, let a = Int(args[0]), let b = Int(args[1]), a <= b else {
                    throw SearchSpecError("'\(item)': int needs two integers LOW,HIGH")
                }
                guard a.magnitude <= 1 << 31, b.magnitude <= 1 << 31 else { throw SearchSpecError("'\(item)': int ranges must lie within ±2^31") }
                dims.append(Dimension(name: name, distribution: .int(a, b)))
            case "choice":
                guard !args.isEmpty, !args.contains(where: \.isEmpty) else { throw SearchSpecError("'\(item)': choice needs values") }
                dims.append(Dimension(name: name, distribution: .choice(args)))
            default:
                throw SearchSpecError("'\(item)': unknown distribution '\(kind)'; valid: log, uniform, int, choice")
            }
        }
        return SearchSpace(dims)
    }

    static func format(_ x: Double) -> String { String(format: "%.4g", x) }

    /// One random configuration (values as option strings).
    public func sample(using random: inout SearchRandom) -> [String: String] {
        var config: [String: String] = [:]
        for d in dimensions {
            switch d.distribution {
            case .log(let a, let b): config[d.name] = Self.format(exp(log(a) + random.unit() * (log(b) - log(a))))
            case .uniform(let a, let b): config[d.name] = Self.format(a + random.unit() * (b - a))
            case .int(let a, let b): config[d.name] = String(a + Int(random.next() % UInt64(b - a + 1)))
            case .choice(let values): config[d.name] = values[Int(random.next() % UInt64(values.count))]
            }
        }
        return config
    }

    /// A grid with `points` values per continuous range (log-spaced for log ranges),
    /// every choice: its first `limit` configurations, the last dimension varying
    /// fastest (a grid over many dimensions is never built whole).
    public func grid(points: Int, limit: Int = 10_000) -> [[String: String]] {
        let n = max(points, 2)
        let axes: [[String]] = dimensions.map { d in
            switch d.distribution {
            case .log(let a, let b): (0..<n).map { Self.format(exp(log(a) + Double($0) / Double(n - 1) * (log(b) - log(a)))) }
            case .uniform(let a, let b): (0..<n).map { Self.format(a + Double($0) / Double(n - 1) * (b - a)) }
            case .int(let a, let b):
                Array(Set((0..<n).map { String(a + Int((Double($0) / Double(n - 1) * (Double(b) - Double(a))).rounded())) }))
                    .sorted { Int($0)! < Int($1)! }
            case .choice(let v): v
            }
        }
        var total = 1
        for axis in axes { total = total.multipliedReportingOverflow(by: axis.count).overflow ? Int.max : total * axis.count }
        return (0..<min(total, max(limit, 0))).map { index in
            var config: [String: String] = [:], rest = index
            for (d, axis) in zip(dimensions, axes).reversed() {
                config[d.name] = axis[rest % axis.count]
                rest /= axis.count
            }
            return config
        }
    }

    /// The ranges narrowed around the given (best) configurations: each continuous
    /// range becomes the span of their values widened by a factor (log ranges) or a
    /// margin, clipped to the original; choices keep the values the best used.
    public func narrowed(around best: [[String: String]]) -> SearchSpace {
        SearchSpace(dimensions.map { d in
            let values = best.compactMap { $0[d.name] }
            switch d.distribution {
            case .log(let a, let b):
                let xs = values.compactMap(Double.init).filter { $0 > 0 }
                guard let lo = xs.min(), let hi = xs.max() else { return d }
                let widen = pow(b / a, 0.1)
                return Dimension(name: d.name, distribution: .log(max(a, lo / widen), min(b, hi * widen)))
            case .uniform(let a, let b):
                let xs = values.compactMap(Double.init)
                guard let lo = xs.min(), let hi = xs.max() else { return d }
                let margin = 0.1 * (b - a)
                return Dimension(name: d.name, distribution: .uniform(max(a, lo - margin), min(b, hi + margin)))
            case .int(let a, let b):
                let xs = values.compactMap { Int($0) }
                guard let lo = xs.min(), let hi = xs.max() else { return d }
                let margin = max(1, (b - a) / 10)
                return Dimension(name: d.name, distribution: .int(max(a, lo - margin), min(b, hi + margin)))
            case .choice(let options):
                let kept = options.filter { values.contains($0) }
                return Dimension(name: d.name, distribution: .choice(kept.isEmpty ? options : kept))
            }
        })
    }

    /// Warnings for values of `config` in the outer 10 % (log ranges: of the decades) of their range.
    public func edgeWarnings(_ config: [String: String]) -> [String] {
        var warnings: [String] = []
        for d in dimensions {
            guard let text = config[d.name], let x = Double(text) else { continue }
            let position: Double
            switch d.distribution {
            case .log(let a, let b): position = (log(x) - log(a)) / (log(b) - log(a))
            case .uniform(let a, let b): position = (x - a) / (b - a)
            case .int(let a, let b): position = b == a ? 0.5 : (x - Double(a)) / Double(b - a)
            case .choice: continue
            }
            if position <= 0.1 {
                warnings.append("the best \(d.name) = \(text) sits at the lower edge of its range: extend the range downwards.")
            } else if position >= 0.9 {
                warnings.append("the best \(d.name) = \(text) sits at the upper edge of its range: extend the range upwards.")
            }
        }
        return warnings
    }
}

/// A small seeded generator (SplitMix64) for reproducible searches.
public struct SearchRandom: Sendable {
    private var state: UInt64
    /// A generator whose sequence is fixed by `seed`.
    public init(seed: UInt64) { state = seed &+ 0x9E37_79B9_7F4A_7C15 }
    /// The next 64 random bits.
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    /// Uniform in [0, 1).
    public mutating func unit() -> Double { Double(next() >> 11) / Double(1 << 53) }
}

/// A search space spec that cannot be parsed: one line naming the item.
public struct SearchSpecError: Error, CustomStringConvertible {
    /// What is wrong, in one line.
    public let description: String
    /// An error that says `description`.
    public init(_ description: String) { self.description = description }
}

extension SearchSpace.Distribution: CustomStringConvertible {
    /// The spec syntax: `log(0.001,0.1)`, `choice(64,128)`.
    public var description: String {
        switch self {
        case .log(let a, let b): "log(\(SearchSpace.format(a)),\(SearchSpace.format(b)))"
        case .uniform(let a, let b): "uniform(\(SearchSpace.format(a)),\(SearchSpace.format(b)))"
        case .int(let a, let b): "int(\(a),\(b))"
        case .choice(let values): "choice(\(values.joined(separator: ",")))"
        }
    }
}
