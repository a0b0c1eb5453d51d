/// Counts the multiply-adds of the matrix products and convolutions a piece of code
/// runs (the ops that carry a network's arithmetic), so throughput can be stated in
/// FLOPS for any model without a hand-written count per architecture.
public enum MultiplyAdds {
    /// Multiply-adds of the forward ops seen, and of the backward pass they imply:
    /// each op's backward repeats its product once for every operand (input, weight)
    /// that needs a gradient; a network's first layer, whose input needs none, once.
    public struct Count: Sendable, Equatable {
        /// Multiply-adds of the matrix products and convolutions that ran.
        public var forward: Double = 0
        /// Multiply-adds their backward pass implies: each op's count once per
        /// operand that requires grad.
        public var backward: Double = 0
        /// Floating-point operations of a training step (forward and backward; 2 per multiply-add).
        public var trainingFLOPs: Double { 2 * (forward + backward) }
        /// Floating-point operations of an inference pass.
        public var inferenceFLOPs: Double { 2 * forward }
    }

    private final class Counter: @unchecked Sendable { var count = Count() }
    @TaskLocal private static var counter: Counter?

    /// Runs `body` and returns the multiply-adds of the ops it ran on this task.
    public static func counting(_ body: () throws -> Void) rethrows -> Count {
        let counter = Counter()
        try $counter.withValue(counter) { try body() }
        return counter.count
    }

    /// Called by the ops: `macs` multiply-adds of a product of `a` and `b`.
    @inline(__always)
    static func record(_ macs: Int, _ a: Tensor, _ b: Tensor) {
        guard let counter else { return }
        counter.count.forward += Double(macs)
        counter.count.backward += Double(macs) * Double((a.requiresGrad ? 1 : 0) + (b.requiresGrad ? 1 : 0))
    }
}
