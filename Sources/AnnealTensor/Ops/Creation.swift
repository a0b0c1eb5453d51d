/// Tensors made from nothing: constants, ranges, identity and seeded random draws.
extension Tensor {
    /// A tensor of `shape` with every element equal to `value` (not requiring grad).
    public static func full(_ value: Float, shape: [Int]) -> Tensor {
        require(shape.allSatisfy { $0 >= 0 }, "full: negative dimension in shape \(shape)")
        var result = Tensor(uninitialized: shape)
        let pointer = result.storage.pointer
        Threads.parallelFor(result.count, grain: 1 << 16) { range in
            (pointer + range.lowerBound).update(repeating: value, count: range.count)
        }
        result.makeUnique()
        return result
    }

    /// A tensor of `shape` filled with 0.
    public static func zeros(_ shape: [Int]) -> Tensor { full(0, shape: shape) }
    /// A tensor of `shape` filled with 1.
    public static func ones(_ shape: [Int]) -> Tensor { full(1, shape: shape) }
    /// Zeros of `other`'s shape (its values and autodiff state are not used).
    public static func zeros(like other: Tensor) -> Tensor { full(0, shape: other.shape) }
    /// Ones of `other`'s shape (its values and autodiff state are not used).
    public static func ones(like other: Tensor) -> Tensor { full(1, shape: other.shape) }

    /// start, start+step, … up to (excluding) end, as in `numpy.arange`.
    public static func arange(_ start: Float, _ end: Float, step: Float = 1) -> Tensor {
        require(step != 0, "arange: step must not be zero")
        let n = Swift.max(0, Int(((end - start) / step).rounded(.up)))
        return Tensor((0..<n).map { start + Float($0) * step })
    }

    /// 0, 1, …, end − 1 as a 1-D tensor (`numpy.arange(end)`); empty for end ≤ 0.
    public static func arange(_ end: Int) -> Tensor { arange(0, Float(end)) }

    /// `count` evenly spaced values from start to end inclusive.
    public static func linspace(_ start: Float, _ end: Float, count: Int) -> Tensor {
        require(count >= 0, "linspace: negative count \(count)")
        if count == 1 { return Tensor([start]) }
        let step = (end - start) / Float(count - 1)
        return Tensor((0..<count).map { $0 == count - 1 ? end : start + Float($0) * step })
    }

    /// The n×n identity matrix.
    public static func identity(_ n: Int) -> Tensor {
        var result = zeros([n, n])
        result.withUnsafeMutableBufferPointer { buffer in
            for i in 0..<n { buffer[i * n + i] = 1 }
        }
        return result
    }

    /// Uniform values in [low, high).
    public static func uniform(_ shape: [Int], low: Float = 0, high: Float = 1, using generator: inout RandomGenerator) -> Tensor {
        let unit = generator.uniformTensor(count: Shape.count(shape)).reshape(shape)
        return low == 0 && high == 1 ? unit : unit * (high - low) + low
    }

    /// Normal values with the given mean and standard deviation.
    public static func normal(_ shape: [Int], mean: Float = 0, std: Float = 1, using generator: inout RandomGenerator) -> Tensor {
        let standard = generator.normalTensor(count: Shape.count(shape)).reshape(shape)
        return mean == 0 && std == 1 ? standard : standard * std + mean
    }

    /// 1 with probability p, else 0.
    public static func bernoulli(_ shape: [Int], p: Float, using generator: inout RandomGenerator) -> Tensor {
        let unit = generator.uniformTensor(count: Shape.count(shape)).reshape(shape)
        return unit.map { $0 < p ? 1 : 0 }
    }

    /// Applies `transform` to every element (not differentiable; for masks and tests).
    public func map(_ transform: (Float) -> Float) -> Tensor {
        let result = Tensor(uninitialized: shape)
        let source = storage.pointer, target = result.storage.pointer
        for i in 0..<count { target[i] = transform(source[i]) }
        return result
    }
}
