import AnnealTensor

/// One part of a chain: the modules whose weights it uses and how it maps its
/// input to its output.
public struct ChainLink {
    public let modules: [Module]
    public let apply: (Tensor) -> Tensor

    public init(_ modules: [Module], apply: @escaping (Tensor) -> Tensor) {
        self.modules = modules
        self.apply = apply
    }

    /// A link that is one module.
    public init(_ module: Module) { self.init([module], apply: module.callAsFunction) }
}

/// A model whose forward pass is a chain of links, each fed the previous one's
/// output: what pipeline parallelism cuts into contiguous stages. Applying every
/// link in order is exactly `forward`.
public protocol LayerChain: Module {
    var links: [ChainLink] { get }
}
