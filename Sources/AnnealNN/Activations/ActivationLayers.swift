import AnnealTensor

// Each activation function as a layer, for `Sequential`.

public final class ReLU: Module {
    public override init() {}
    public override func forward(_ input: Tensor) -> Tensor { relu(input) }
}

public final class LeakyReLU: Module {
    public let slope: Float
    public init(slope: Float = 0.01) { self.slope = slope }
    public override func forward(_ input: Tensor) -> Tensor { leakyRelu(input, slope: slope) }
}

public final class Sigmoid: Module {
    public override init() {}
    public override func forward(_ input: Tensor) -> Tensor { sigmoid(input) }
}

public final class Tanh: Module {
    public override init() {}
    public override func forward(_ input: Tensor) -> Tensor { tanh(input) }
}

public final class ELU: Module {
    public let alpha: Float
    public init(alpha: Float = 1) { self.alpha = alpha }
    public override func forward(_ input: Tensor) -> Tensor { elu(input, alpha: alpha) }
}

public final class SELU: Module {
    public override init() {}
    public override func forward(_ input: Tensor) -> Tensor { selu(input) }
}

public final class GELU: Module {
    public override init() {}
    public override func forward(_ input: Tensor) -> Tensor { gelu(input) }
}

public final class SiLU: Module {
    public override init() {}
    public override func forward(_ input: Tensor) -> Tensor { silu(input) }
}

public final class Softplus: Module {
    public override init() {}
    public override func forward(_ input: Tensor) -> Tensor { softplus(input) }
}

/// Leaky ReLU with a learned slope (He et al. 2015): one slope shared, or one per
/// channel (axis 1). PyTorch names the slope `weight` and starts it at 0.25.
public final class PReLU: Module {
    public let weight: Parameter

    public init(channels: Int = 1, initial: Float = 0.25) {
        weight = Parameter(.full(initial, shape: [channels]))
    }

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
