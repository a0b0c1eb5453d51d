import AnnealTensor

/// Collapses every axis from `startAxis` on (default: keep the batch axis).
public final class Flatten: Module {
    /// The first axis collapsed (negative counts from the end); 1 turns [N, C, H, W] into [N, C·H·W].
    public let startAxis: Int
    /// A flatten of the axes from `startAxis` through the last.
    public init(startAxis: Int = 1) { self.startAxis = startAxis }
    /// The input with axes `startAxis` through the last collapsed into one (a reshape, no copy).
    public override func forward(_ input: Tensor) -> Tensor { input.flatten(from: startAxis) }
}

/// Passes its input through unchanged (a placeholder in architectures).
public final class Identity: Module {
    /// An identity layer (no parameters).
    public override init() {}
    /// The input, unchanged.
    public override func forward(_ input: Tensor) -> Tensor { input }
}
