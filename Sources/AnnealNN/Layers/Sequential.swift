import AnnealTensor

/// Applies layers in order. State-dict names are the indices ("0.weight"), as
/// in `torch.nn.Sequential`.
public final class Sequential: Module {
    /// The layers, applied first to last; their state-dict names are their indices.
    public let layers: [Module]

    /// A chain of `layers`, applied first to last.
    public init(_ layers: [Module]) {
        self.layers = layers
        super.init()
    }

    /// A chain of the given layers, applied first to last.
    public convenience init(_ layers: Module...) { self.init(layers) }

    /// The empty name for `layers`, so each layer is named by its index alone
    /// (`0.weight`, as `torch.nn.Sequential`); other properties as `Module` names them.
    public override func stateName(forProperty name: String) -> String { name == "layers" ? "" : super.stateName(forProperty: name) }

    /// Feeds each layer the previous one's output. A `ReLUFusing` layer (`Linear`,
    /// batch norm) followed by a `ReLU` without a forward hook runs as one fused pass.
    public override func forward(_ input: Tensor) -> Tensor {
        var x = input, i = 0
        while i < layers.count {
            // A layer and the ReLU after it run as one pass (Linear, BatchNorm), unless a hook reads the pre-activation.
            if i + 1 < layers.count, let layer = layers[i] as? any ReLUFusing, let activation = layers[i + 1] as? ReLU,
               activation.forwardHook == nil {
                x = layer.callWithReLU(x)
                i += 2
            } else {
                x = layers[i](x)
                i += 1
            }
        }
        return x
    }
}

extension Sequential: LayerChain {
    /// One link per layer, in order.
    public var links: [ChainLink] { layers.map(ChainLink.init) }
}
