import AnnealTensor

/// Multilayer perceptrons for flattened images.
public enum MLP {
    /// Flatten → [Linear → activation (→ dropout)] per hidden width → Linear(classes);
    /// `dropConnect` on the hidden layers' weights, not the classifier's.
    /// Hidden layers take `initializer` (default: Kaiming with the activation's
    /// gain, LeCun for SELU); the last layer is Xavier so initial logits are small.
    /// A given `initializer` starts the last layer as well (Xavier is its default).
    public static func make(inputs: Int = 784, hidden: [Int] = [256], classes: Int = 10,
                            activation: Activation = .relu, initializer: Initializer? = nil,
                            dropout: Float = 0, dropConnect: Float = 0) -> Sequential {
        var layers: [Module] = [Flatten()]
        var width = inputs
        let hiddenInit = initializer ?? (activation == .selu ? .lecunNormal : .kaimingNormal(nonlinearity: activation.nonlinearity))
        for size in hidden {
            layers.append(Linear(width, size, weightInit: hiddenInit, dropConnect: dropConnect))
            layers.append(activation.makeLayer(channels: size))
            if dropout > 0 { layers.append(activation == .selu ? AlphaDropout(dropout) : Dropout(dropout)) }
            width = size
        }
        layers.append(Linear(width, classes, weightInit: initializer ?? .xavierNormal()))
        return Sequential(layers)
    }
}
