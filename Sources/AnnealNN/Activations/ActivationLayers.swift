import AnnealTensor

// Each activation function as a layer, for `Sequential`.

/// max(x, 0) as a layer. In a `Sequential`, a ReLU right after a `Linear` or a
/// batch norm runs fused into that layer's pass (unless a hook must see it).
public final class ReLU: Module {
    /// A ReLU layer (no parameters).
    public override init() {}
    /// max(x, 0) elementwise, any shape.
    public override func forward(_ input: Tensor) -> Tensor { relu(input) }
}

/// max(x, 0) + slope·min(x, 0) as a layer, with a fixed slope.
public final class LeakyReLU: Module {
    /// The slope for negative inputs (default 0.01, as PyTorch).
    public let slope: Float
    /// A leaky ReLU with negative slope `slope`.
    public init(slope: Float = 0.01) { self.slope = slope }
    /// max(x, 0) + slope·min(x, 0) elementwise, any shape.
    public override func forward(_ input: Tensor) -> Tensor { leakyRelu(input, slope: slope) }
}

/// The logistic function 1 / (1 + e⁻ˣ) as a layer.
public final class Sigmoid: Module {
    /// A sigmoid layer (no parameters).
    public override init() {}
    /// 1 / (1 + e⁻ˣ) elementwise, any shape.
    public override func forward(_ input: Tensor) -> Tensor { sigmoid(input) }
}

/// The hyperbolic tangent as a layer.
public final class Tanh: Module {
    /// A tanh layer (no parameters).
    public override init() {}
    /// tanh(x) elementwise, any shape.
    public override func forward(_ input: Tensor) -> Tensor { tanh(input) }
}

/// ELU as a layer: x for x > 0, α(eˣ − 1) otherwise.
public final class ELU: Module {
    /// α: negative inputs saturate towards −α (default 1).
    public let alpha: Float
    /// An ELU with saturation `alpha`.
    public init(alpha: Float = 1) { self.alpha = alpha }
    /// x for x > 0, α(eˣ − 1) otherwise, elementwise, any shape.
    public override func forward(_ input: Tensor) -> Tensor { elu(input, alpha: alpha) }
}

/// Self-normalizing ELU as a layer: λ·elu(x, α) with the fixed `SELUConstants`
/// (presets pair it with LeCun-normal initialization and `AlphaDropout`).
public final class SELU: Module {
    /// A SELU layer (no parameters).
    public override init() {}
    /// λ·(x for x > 0, α(eˣ − 1) otherwise), elementwise, any shape.
    public override func forward(_ input: Tensor) -> Tensor { selu(input) }
}

/// Exact (erf) GELU as a layer: x·Φ(x), Φ the standard normal CDF.
public final class GELU: Module {
    /// A GELU layer (no parameters).
    public override init() {}
    /// x·Φ(x) elementwise, any shape.
    public override func forward(_ input: Tensor) -> Tensor { gelu(input) }
}

/// SiLU (swish) as a layer: x·σ(x).
public final class SiLU: Module {
    /// A SiLU layer (no parameters).
    public override init() {}
    /// x·σ(x) elementwise, any shape.
    public override func forward(_ input: Tensor) -> Tensor { silu(input) }
}

/// Softplus as a layer: log(1 + eˣ), a smooth ReLU.
public final class Softplus: Module {
    /// A softplus layer (no parameters).
    public override init() {}
    /// log(1 + eˣ) elementwise, any shape, computed without overflow.
    public override func forward(_ input: Tensor) -> Tensor { softplus(input) }
}

/// Leaky ReLU with a learned slope (He et al. 2015): one slope shared, or one per
/// channel (axis 1). PyTorch names the slope `weight` and starts it at 0.25.
public final class PReLU: Module {
    /// The learned slopes for negative inputs: [1] (shared) or [channels].
    public let weight: Parameter

    /// A PReLU with one slope, or one per channel, each starting at `initial`.
    /// - Parameters:
    ///   - channels: 1 for one shared slope, else the size of the input's axis 1.
    ///   - initial: The starting slope (0.25, as PyTorch).
    public init(channels: Int = 1, initial: Float = 0.25) {
        weight = Parameter(.full(initial, shape: [channels]))
    }

    /// relu(x) − a·relu(−x) elementwise, the slope a broadcast along axis 1 when
    /// there is one per channel.
    public override func forward(_ input: Tensor) -> Tensor {
        var slopeShape = [Int](repeating: 1, count: Swift.max(input.rank, 1))
        if weight.shape[0] > 1 {
            precondition(input.rank >= 2 && input.shape[1] == weight.shape[0],
                         "PReLU(channels: \(weight.shape[0])): input of shape \(input.shape) has no matching channel axis 1")
            slopeShape[1] = weight.shape[0]
        }
        let slope = weight.value.reshape(slopeShape)
        return relu(input) - slope * relu(-input)
    }
}
