import AnnealTensor

/// The activation choices offered by presets and the command line.
public enum Activation: String, CaseIterable, Sendable, Codable {
    case relu, leakyRelu = "leaky-relu", prelu, elu, selu, gelu, silu, softplus, tanh, sigmoid

    public func makeLayer() -> Module {
        switch self {
        case .relu: ReLU()
        case .leakyRelu: LeakyReLU()
        case .prelu: PReLU()
        case .elu: ELU()
        case .selu: SELU()
        case .gelu: GELU()
        case .silu: SiLU()
        case .softplus: Softplus()
        case .tanh: Tanh()
        case .sigmoid: Sigmoid()
        }
    }

    /// The nonlinearity that sets Kaiming/Xavier gains for layers feeding this activation.
    public var nonlinearity: Nonlinearity {
        switch self {
        case .relu, .gelu, .silu, .softplus: .relu
        case .leakyRelu: .leakyRelu(slope: 0.01)
        case .prelu: .leakyRelu(slope: 0.25)
        case .elu: .relu
        case .selu: .selu
        case .tanh: .tanh
        case .sigmoid: .sigmoid
        }
    }
}
