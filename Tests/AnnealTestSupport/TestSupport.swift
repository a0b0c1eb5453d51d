import AnnealTensor
import Testing

/// Shared helpers for Anneal's test targets: seeded inputs, naive-index helpers,
/// tolerant comparisons and the finite-difference gradient check.

/// Random test tensors with a fixed seed, optionally kept away from zero (kinks).
public func randomTensor(_ shape: [Int], seed: UInt64, low: Float = -1, high: Float = 1, awayFromZero: Float = 0) -> Tensor {
    var generator = RandomGenerator(seed: seed)
    let values = Tensor.uniform(shape, low: low, high: high, using: &generator)
    return awayFromZero == 0 ? values : values.map { $0 >= 0 ? $0 + awayFromZero : $0 - awayFromZero }
}

/// All multi-indices of a shape in row-major order (naive reference loops).
public func indices(_ shape: [Int]) -> [[Int]] {
    var result: [[Int]] = [[]]
    for d in shape { result = result.flatMap { prefix in (0..<d).map { prefix + [$0] } } }
    return result
}

public func flat(_ index: [Int], _ shape: [Int]) -> Int {
    zip(index, Shape.strides(shape)).reduce(0) { $0 + $1.0 * $1.1 }
}

public func expectClose(_ a: [Float], _ b: [Float], tolerance: Float = 1e-5, _ comment: Comment? = nil,
                 sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(a.count == b.count, comment, sourceLocation: sourceLocation)
    for (x, y) in zip(a, b) where !(abs(x - y) <= tolerance * max(1, abs(y))) {
        Issue.record("\(x) vs \(y) (tolerance \(tolerance)) \(comment.map { "\($0)" } ?? "")", sourceLocation: sourceLocation)
        return
    }
}

/// `GradientCheck.compare` as a test: records an issue naming the worst element
/// when its relative error exceeds `tolerance` (a wrong factor or a missing
/// transpose, not float rounding).
public func checkGradients(_ inputs: [Tensor], epsilon: Float = 1e-2, tolerance: Double = 1e-2,
                    sourceLocation: SourceLocation = #_sourceLocation, _ f: ([Tensor]) -> Tensor) {
    let result = GradientCheck.compare(inputs, epsilon: epsilon, f)
    if result.largestError > tolerance { Issue.record("\(result)", sourceLocation: sourceLocation) }
}

extension Tensor {
    /// Element by row-major position (test convenience).
    public subscript(flatIndex i: Int) -> Float {
        get { withUnsafeBufferPointer { $0[i] } }
        set { withUnsafeMutableBufferPointer { $0[i] = newValue } }
    }
}
