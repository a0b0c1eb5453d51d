import AnnealTensor

/// One part of a chain: the modules whose weights it uses and how it maps its
/// input to its output.
public struct ChainLink {
    /// The modules whose parameters `apply` uses (what a pipeline stage holding this link owns).
    public let modules: [Module]
    /// Maps the previous link's output (or the model's input) to this link's output.
    public let apply: (Tensor) -> Tensor

    /// A link that runs `apply` with the weights of `modules`.
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
    /// The links from input to output; applying them in turn equals `forward`.
    var links: [ChainLink] { get }
}
