/// Compares the gradients autodiff computes with central finite differences: the
/// check every differentiable op of Anneal passes, for ops and layers of your own.
///
/// It differentiates the scalar sum(f(inputs) · w) for a fixed random w (so every
/// output element counts, each with its own weight), perturbs every input element by
/// ±`epsilon`, and accumulates the objective in Double. The relative error of an
/// element is |autodiff − finite difference| / max(1, |finite difference|); a wrong
/// factor or a missing transpose gives errors near 1, float rounding about 1e-3 with
/// the default `epsilon`.
public enum GradientCheck {
    /// The worst element of a comparison.
    public struct Result: Sendable, CustomStringConvertible {
        /// The largest relative error over every element of every input (0 when all agree).
        public let largestError: Double
        /// Which input and which element (row-major position) it was found at.
        public let input: Int, element: Int
        /// The two derivatives at that element.
        public let autodiff: Double, finiteDifference: Double

        /// "input 0 element 17: autodiff 0.5 vs finite difference 0.25 (relative error 0.25)".
        public var description: String {
            "input \(input) element \(element): autodiff \(autodiff) vs finite difference \(finiteDifference) (relative error \(largestError))"
        }
    }

    /// Checks `f`'s gradients with respect to each of `inputs` (an input that gets
    /// no gradient counts as a zero gradient). `f` must be deterministic: stochastic
    /// layers in evaluation mode, or seeded the same on every call.
    ///
    /// - Parameters:
    ///   - inputs: the points to differentiate at; they need not require gradients.
    ///   - epsilon: the finite-difference step, in the inputs' units (1e-2 suits Float32 values near 1).
    ///   - seed: the seed of the output weights w, drawn uniform in [0.5, 1.5].
    ///   - f: the function under test, called 2·(elements) + 1 times.
    public static func compare(_ inputs: [Tensor], epsilon: Float = 1e-2, seed: UInt64 = 99, _ f: ([Tensor]) -> Tensor) -> Result {
        let leaves = inputs.map { $0.detached().requiringGrad() }
        let output = f(leaves)
        var generator = RandomGenerator(seed: seed)
        let weights = Tensor.uniform(output.shape, low: 0.5, high: 1.5, using: &generator)
        (output * weights).sum().backward()
        let w = weights.scalars
        func objective(_ values: [Tensor]) -> Double {
            withoutGrad { zip(f(values).scalars, w).reduce(0.0) { $0 + Double($1.0) * Double($1.1) } }
        }
        var worst = Result(largestError: 0, input: 0, element: 0, autodiff: 0, finiteDifference: 0)
        for (k, input) in inputs.enumerated() {
            let analytic = leaves[k].grad?.scalars ?? [Float](repeating: 0, count: input.count)
            for i in 0..<input.count {
                var plus = inputs.map { $0.detached() }, minus = plus
                plus[k].withUnsafeMutableBufferPointer { $0[i] += epsilon }
                minus[k].withUnsafeMutableBufferPointer { $0[i] -= epsilon }
                let numeric = (objective(plus) - objective(minus)) / (2 * Double(epsilon))
                let error = abs(Double(analytic[i]) - numeric) / max(1, abs(numeric))
                if error > worst.largestError {
                    worst = Result(largestError: error, input: k, element: i, autodiff: Double(analytic[i]), finiteDifference: numeric)
                }
            }
        }
        return worst
    }
}
