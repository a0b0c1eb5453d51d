import AnnealTensor

/// What one layer's output looked like over a batch: the numbers the notes'
/// babysitting checks read (saturated, off-centre, dead or collapsing units).
public struct ActivationStatistics: Sendable, Equatable {
    /// The layer's dotted module name (`layer1.0.conv2`); a ReLU fused into the
    /// layer before it is `NAME+relu`.
    public var name: String
    /// The layer's type (`Conv2d`, `Tanh`, `ReLU (fused)` …).
    public var kind: String
    /// Mean of all the output's values (every sample, feature and position).
    public var mean: Double
    /// Population standard deviation (divided by n, not n − 1) of the same values.
    public var std: Double
    /// Fraction of units (features, or channel × position) never positive over the
    /// batch: ReLU outputs only (a dead ReLU passes no gradient and never recovers).
    public var deadFraction: Double?
    /// Fraction of outputs within 0.02 of the function's limits (tanh: ±1; sigmoid:
    /// 0 or 1), where the derivative is below 0.04: tanh and sigmoid outputs only.
    public var saturatedFraction: Double?

    /// Up to `keeping` of the output's values, evenly strided (for histograms); empty by default.
    public var samples: [Float] = []

    /// How close to its limits an output counts as saturated.
    public static let saturationMargin = 0.02

    /// Whether the layer's outputs are meant to centre on zero: tanh and SELU (ReLU,
    /// sigmoid and softplus are positive by design; a convolution's or linear
    /// layer's output feeds an activation that decides).
    public var isMeantToBeZeroCentred: Bool { kind == "Tanh" || kind == "SELU" }

    /// Statistics measured before (read back from layers.csv).
    public init(name: String, kind: String, mean: Double, std: Double, deadFraction: Double?, saturatedFraction: Double?) {
        (self.name, self.kind, self.mean, self.std) = (name, kind, mean, std)
        (self.deadFraction, self.saturatedFraction) = (deadFraction, saturatedFraction)
    }

    /// The statistics of `output`, produced by a layer named `name` of type `kind`.
    public init(name: String, kind: String, output: Tensor, keeping: Int = 0) {
        self.name = name
        self.kind = kind
        let values = output.scalars
        if keeping > 0 && !values.isEmpty {
            let stride = Swift.max(1, values.count / keeping)
            samples = Swift.stride(from: 0, to: values.count, by: stride).prefix(keeping).map { values[$0] }
        }
        let n = Double(Swift.max(values.count, 1))
        var sum = 0.0
        for v in values { sum += Double(v) }
        mean = sum / n
        var squares = 0.0
        for v in values { let d = Double(v) - mean; squares += d * d }
        std = (squares / n).squareRoot()
        let margin = Float(Self.saturationMargin)
        switch kind {
        case "Tanh": saturatedFraction = Double(values.lazy.filter { abs($0) > 1 - margin }.count) / n
        case "Sigmoid": saturatedFraction = Double(values.lazy.filter { $0 < margin || $0 > 1 - margin }.count) / n
        default: saturatedFraction = nil
        }
        if kind.hasPrefix("ReLU"), output.rank >= 2 {
            let rows = output.shape[0], width = values.count / Swift.max(rows, 1)
            var alive = [Bool](repeating: false, count: width)
            for r in 0..<rows { for c in 0..<width where values[r * width + c] > 0 { alive[c] = true } }
            deadFraction = Double(alive.lazy.filter { !$0 }.count) / Double(Swift.max(width, 1))
        } else {
            deadFraction = nil
        }
    }
}
