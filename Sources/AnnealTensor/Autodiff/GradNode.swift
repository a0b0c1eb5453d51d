/// A vertex of the define-by-run graph: either a leaf that accumulates `grad`, or
/// the op that produced a tensor, holding its inputs' nodes and a backward closure.
final class GradNode {
    let op: String
    var inputs: [GradNode?]
    /// Maps the upstream gradient to one gradient per input (nil where not needed).
    var backward: ((Tensor, [Bool]) -> [Tensor?])?
    var grad: Tensor?
    /// Leaves: called during `backward` once this leaf's gradient is complete.
    var onGradientComplete: (() -> Void)?

    var isLeaf: Bool { backward == nil && inputs.isEmpty }

    init(op: String, inputs: [GradNode?] = [], backward: ((Tensor, [Bool]) -> [Tensor?])? = nil) {
        self.op = op
        self.inputs = inputs
        self.backward = backward
    }

    func accumulate(_ gradient: Tensor) {
        if let existing = grad { grad = existing.addingDetached(gradient) } else { grad = gradient }
    }
}

/// Whether ops record the graph. `GradMode.withoutGrad { … }` records nothing and
/// keeps no graph memory (evaluation, optimizer steps).
public enum GradMode {
    @TaskLocal static var isEnabled = true

    /// Whether ops on the current task record the graph: true unless inside `withoutGrad`.
    public static var enabled: Bool { isEnabled }

    /// Runs `body` with recording off on the current task (and the child tasks it
    /// creates): ops inside build no graph and keep no saved tensors. The previous
    /// mode is back afterwards; returns what `body` returns.
    public static func withoutGrad<R>(_ body: () throws -> R) rethrows -> R {
        try $isEnabled.withValue(false, operation: body)
    }
}

/// Convenience spelling of `GradMode.withoutGrad`.
public func withoutGrad<R>(_ body: () throws -> R) rethrows -> R {
    try GradMode.withoutGrad(body)
}

extension Tensor {
    /// Whether gradients flow to this tensor (a leaf that requires grad, or the
    /// result of an op on one).
    public var requiresGrad: Bool { node != nil }

    /// This tensor as a leaf that accumulates gradients in `grad`.
    public func requiringGrad(_ flag: Bool = true) -> Tensor {
        var leaf = Tensor(shape: shape, representation: representation)
        leaf.node = flag ? GradNode(op: "leaf") : nil
        return leaf
    }

    /// The same values, cut from the graph.
    public func detached() -> Tensor { Tensor(shape: shape, representation: representation) }

    /// Calls `callback` (nil: nothing) during each `backward()` that reaches this
    /// leaf, as soon as its gradient is complete, while backward goes on to earlier
    /// layers (data parallelism starts sending gradients then).
    public func whenGradientComplete(_ callback: (() -> Void)?) {
        node?.onGradientComplete = callback
    }

    /// The gradient accumulated into this leaf by `backward()`.
    public var grad: Tensor? {
        get { node?.grad }
        nonmutating set { node?.grad = newValue }
    }

    /// Clears the accumulated gradient.
    public func zeroGrad() { node?.grad = nil }

    /// Records an op: `inputs` are the tensors the result was computed from and
    /// `backward` turns the result's gradient into one gradient per input.
    func recorded(_ op: String, _ inputs: [Tensor], backward: @escaping (Tensor, [Bool]) -> [Tensor?]) -> Tensor {
        guard GradMode.isEnabled, inputs.contains(where: { $0.node != nil }) else { return self }
        var result = self
        result.node = GradNode(op: op, inputs: inputs.map(\.node), backward: backward)
        return result
    }

    /// Reverse-mode sweep from this tensor. A scalar needs no upstream gradient;
    /// otherwise pass one of this tensor's shape. Gradients accumulate into leaves;
    /// the graph (saved tensors, closures) is released on the way.
    public func backward(_ upstream: Tensor? = nil) {
        guard let root = node else {
            fatalError("backward: tensor of shape \(shape) does not require grad (no leaf requiring grad was used to compute it)")
        }
        let seed: Tensor
        if let upstream {
            require(upstream.shape == shape, "backward: upstream gradient of shape \(upstream.shape) for a tensor of shape \(shape)")
            seed = upstream.detached()
        } else {
            require(count == 1, "backward: tensor of shape \(shape) is not a scalar; pass an upstream gradient")
            seed = Tensor.full(1, shape: shape)
        }
        GradMode.withoutGrad {
            let order = GradNode.topologicalOrder(from: root)
            root.accumulate(seed)
            for node in order.reversed() {
                // Every consumer of a leaf comes before it in this order: its gradient is complete.
                guard let backward = node.backward else { node.onGradientComplete?(); continue }
                if let grad = node.grad {
                    let needs = node.inputs.map { $0 != nil }
                    let grads = backward(grad, needs)
                    for (input, g) in zip(node.inputs, grads) {
                        if let input, let g { input.accumulate(g) }
                    }
                }
                // Release the graph as we go: saved tensors, closures, interior grads.
                node.grad = nil
                node.backward = nil
                node.inputs = []
            }
        }
    }
}

extension GradNode {
    /// Nodes reachable from `root`, each after all its inputs (iterative DFS).
    static func topologicalOrder(from root: GradNode) -> [GradNode] {
        var order: [GradNode] = []
        var visited = Set<ObjectIdentifier>()
        var stack: [(GradNode, Int)] = [(root, 0)]
        visited.insert(ObjectIdentifier(root))
        while let (node, next) = stack.popLast() {
            if next < node.inputs.count {
                stack.append((node, next + 1))
                if let input = node.inputs[next], visited.insert(ObjectIdentifier(input)).inserted {
                    stack.append((input, 0))
                }
            } else {
                order.append(node)
            }
        }
        return order
    }
}

extension Tensor {
    /// Records a differentiable op defined outside this module (e.g. a sum over the
    /// ranks of a data-parallel job): `self` holds its value, computed from `inputs`,
    /// and `backward` maps the result's gradient to one gradient per input.
    public func recorded(as op: String, from inputs: [Tensor], backward: @escaping (Tensor) -> [Tensor]) -> Tensor {
        recorded(op, inputs) { gradient, _ in backward(gradient).map { Optional($0) } }
    }
}
