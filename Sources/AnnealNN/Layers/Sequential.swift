import AnnealTensor

/// Applies layers in order. State-dict names are the indices ("0.weight"), as
/// in `torch.nn.Sequential`.
public final class Sequential: Module {
    public let layers: [Module]

    public init(_ layers: [Module]) {
        self.layers = layers
        super.init()
    }

    public convenience init(_ layers: Module...) { self.init(layers) }

    public override func stateName(forProperty name: String) -> String { name == "layers" ? "" : super.stateName(forProperty: name) }

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
    public var links: [ChainLink] { layers.map(ChainLink.init) }
}
