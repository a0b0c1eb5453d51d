import AnnealTensor

/// How a weight tensor starts. Fans follow PyTorch: for a weight of shape
/// [out, in, k…], fanIn = in·∏k and fanOut = out·∏k.
public enum Initializer: Sendable {
    /// Every element 0.
    case zeros
    /// Every element 1.
    case ones
    /// Every element the given value.
    case constant(Float)
    /// Gaussian N(mean, std²) ("small random numbers", e.g. std 0.01).
    case normal(mean: Float = 0, std: Float = 0.01)
    /// Uniform on [low, high) (default ±0.05).
    case uniform(low: Float = -0.05, high: Float = 0.05)
    /// Glorot & Bengio: std = gain·√(2/(fanIn + fanOut)).
    case xavierNormal(gain: Float = 1)
    /// Glorot & Bengio, uniform on ±gain·√(6/(fanIn + fanOut)): the standard
    /// deviation of `xavierNormal`.
    case xavierUniform(gain: Float = 1)
    /// He et al.: std = gain/√fan, gain √2 for ReLU.
    case kaimingNormal(nonlinearity: Nonlinearity = .relu, mode: FanMode = .fanIn)
    /// He et al., uniform on ±√3·gain/√fan: the standard deviation of `kaimingNormal`.
    case kaimingUniform(nonlinearity: Nonlinearity = .relu, mode: FanMode = .fanIn)
    /// std = 1/√fanIn (for SELU networks).
    case lecunNormal
    /// A (semi-)orthogonal matrix scaled by gain (Saxe et al. 2013).
    case orthogonal(gain: Float = 1)

    /// The fan Kaiming initialization divides by: `fanIn` keeps the variance of the
    /// forward pass's activations, `fanOut` that of the backward pass's gradients.
    public enum FanMode: Sendable {
        /// Scale by the inputs per output unit (in·∏k): keeps the forward pass's variance.
        case fanIn
        /// Scale by the outputs per input unit (out·∏k): keeps the backward pass's variance.
        case fanOut
    }

    /// Fan-in and fan-out of a weight shape.
    public static func fans(_ shape: [Int]) -> (fanIn: Int, fanOut: Int) {
        switch shape.count {
        case 0: return (1, 1)
        case 1: return (shape[0], shape[0])
        default:
            let receptive = shape.dropFirst(2).reduce(1, *)
            return (shape[1] * receptive, shape[0] * receptive)
        }
    }

    /// The standard deviation a Gaussian form of this initializer uses (nil for constants).
    public func standardDeviation(for shape: [Int]) -> Float? {
        let (fanIn, fanOut) = Initializer.fans(shape)
        switch self {
        case .normal(_, let std): return std
        case .uniform(let low, let high): return (high - low) / Float(12).squareRoot()
        case .xavierNormal(let gain), .xavierUniform(let gain): return gain * (2 / Float(fanIn + fanOut)).squareRoot()
        case .kaimingNormal(let nonlinearity, let mode), .kaimingUniform(let nonlinearity, let mode):
            return nonlinearity.gain / Float(mode == .fanIn ? fanIn : fanOut).squareRoot()
        case .lecunNormal: return 1 / Float(fanIn).squareRoot()
        case .orthogonal(let gain): return gain / Float(max(fanIn, 1)).squareRoot()
        case .zeros, .ones, .constant: return nil
        }
    }

    /// A new tensor of `shape` drawn from this initializer.
    public func make(_ shape: [Int], using generator: inout RandomGenerator) -> Tensor {
        switch self {
        case .zeros: return .zeros(shape)
        case .ones: return .ones(shape)
        case .constant(let value): return .full(value, shape: shape)
        case .normal(let mean, let std): return .normal(shape, mean: mean, std: std, using: &generator)
        case .uniform(let low, let high): return .uniform(shape, low: low, high: high, using: &generator)
        case .xavierNormal, .kaimingNormal, .lecunNormal:
            return .normal(shape, std: standardDeviation(for: shape)!, using: &generator)
        case .xavierUniform, .kaimingUniform:
            let bound = standardDeviation(for: shape)! * Float(3).squareRoot()
            return .uniform(shape, low: -bound, high: bound, using: &generator)
        case .orthogonal(let gain):
            return Initializer.orthogonal(shape, gain: gain, using: &generator)
        }
    }

    /// Orthogonalizes a Gaussian matrix by its polar factor A(AᵀA)^(-1/2),
    /// computed with the symmetric eigendecomposition.
    static func orthogonal(_ shape: [Int], gain: Float, using generator: inout RandomGenerator) -> Tensor {
        precondition(shape.count >= 2, "orthogonal init needs a weight of rank ≥ 2, got \(shape)")
        let rows = shape[0], columns = shape.dropFirst().reduce(1, *)
        let tall = rows >= columns
        var a = Tensor.normal(tall ? [rows, columns] : [columns, rows], using: &generator)
        let gram = a.matmul(a, transposeA: true)
        let (values, vectors) = try! SymmetricEigen.decompose(gram)
        let inverseRoot = vectors * rsqrt(maximum(values, Tensor(1e-12))).reshape([1, -1])
        a = a.matmul(inverseRoot).matmul(vectors, transposeB: true)
        return ((tall ? a : a.T) * gain).reshape(shape)
    }
}

/// The nonlinearity after a layer, which sets the gain of Kaiming/Xavier init.
public enum Nonlinearity: Sendable, Equatable {
    /// Fixed gains: 1 for `linear` (no activation) and `sigmoid`, 5/3 for `tanh`,
    /// √2 for `relu`, 3/4 for `selu`.
    case linear, sigmoid, tanh, relu, selu
    /// Leaky ReLU with negative slope `slope`: gain √(2/(1 + slope²)).
    case leakyRelu(slope: Float)

    /// PyTorch's `calculate_gain`.
    public var gain: Float {
        switch self {
        case .linear, .sigmoid: 1
        case .tanh: 5.0 / 3.0
        case .relu: Float(2).squareRoot()
        case .selu: 0.75
        case .leakyRelu(let slope): (2 / (1 + slope * slope)).squareRoot()
        }
    }
}

extension Module {
    /// Draws new weights from `initializer` for every `Linear` and `Conv2d` below
    /// this module except the last `Linear`, the classifier, which presets start
    /// small (Xavier) so the initial loss is ln(classes); biases are left as they are.
    /// One mechanism lets any preset take any initializer. Returns how many weights were drawn.
    @discardableResult
    public func reinitializeHiddenWeights(_ initializer: Initializer, using generator: inout RandomGenerator) -> Int {
        var weights: [Parameter] = []
        for (_, module) in namedModules() {
            if let linear = module as? Linear { weights.append(linear.weight) }
            if let conv = module as? Conv2d { weights.append(conv.weight) }
        }
        if let classifier = namedModules().last(where: { $0.module is Linear })?.module as? Linear {
            weights.removeAll { $0 === classifier.weight }
        }
        for weight in weights { weight.assign(initializer.make(weight.shape, using: &generator)) }
        return weights.count
    }
}
