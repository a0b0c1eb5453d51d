import AnnealTensor

/// The activation choices offered by presets and the command line.
public enum Activation: String, CaseIterable, Sendable, Codable {
    /// `prelu`: one learned slope for the layer; `preluChannel`: one per channel (or feature).
    case relu, leakyRelu = "leaky-relu", prelu, preluChannel = "prelu-channel", elu, selu, gelu, silu, softplus, tanh, sigmoid

    /// The activation as a layer after one with `channels` output channels (or features),
    /// which only `preluChannel` reads.
    public func makeLayer(channels: Int = 1) -> Module {
        switch self {
        case .relu: ReLU()
        case .leakyRelu: LeakyReLU()
        case .prelu: PReLU()
        case .preluChannel: PReLU(channels: channels)
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
        case .prelu, .preluChannel: .leakyRelu(slope: 0.25)
        case .elu: .relu
        case .selu: .selu
        case .tanh: .tanh
        case .sigmoid: .sigmoid
        }
    }
}
