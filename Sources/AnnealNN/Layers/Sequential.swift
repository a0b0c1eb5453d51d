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
        layers.reduce(input) { $1($0) }
    }
}
