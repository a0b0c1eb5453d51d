import AnnealTensor

/// Collapses every axis from `startAxis` on (default: keep the batch axis).
public final class Flatten: Module {
    public let startAxis: Int
    public init(startAxis: Int = 1) { self.startAxis = startAxis }
    public override func forward(_ input: Tensor) -> Tensor { input.flatten(from: startAxis) }
}

/// Passes its input through unchanged (a placeholder in architectures).
public final class Identity: Module {
    public override init() {}
    public override func forward(_ input: Tensor) -> Tensor { input }
}
