import AnnealTensor
import Foundation

/// The random draws of one augmentation step: a Philox stream addressed by
/// (seed, epoch, sample or batch index, pipeline stage) and nothing else.
///
/// Because nothing carries over from one sample to the next, any thread can
/// augment any sample in any order and get the same pixels: results do not
/// depend on the number of loader threads, and a run replays exactly from any
/// epoch. Draws are buffered four at a time (one Philox block).
public struct SampleRandom: Sendable {
    /// What the stream is for, so samples and batches never share counters.
    public enum Domain: UInt64, Sendable {
        /// Per-sample augmentation (`AugmentationPipeline` stages); the default.
        case sample = 0x4155_4753_414D_504C   // "AUGSAMPL"
        /// Per-batch transforms (Mixup, CutMix) applied by `DataLoader`.
        case batch = 0x4155_4742_4154_4348    // "AUGBATCH"
    }

    @usableFromInline let philox: Philox
    @usableFromInline let stage: UInt32, item: UInt32, epoch: UInt32
    @usableFromInline var block: UInt32 = 0
    @usableFromInline var buffer: (UInt32, UInt32, UInt32, UInt32) = (0, 0, 0, 0)
    @usableFromInline var used = 4

    /// The stream of `stage` for sample (or batch) `index` in epoch `epoch`.
    public init(seed: UInt64, domain: Domain = .sample, epoch: Int, index: Int, stage: Int) {
        philox = Philox(seed: seed ^ domain.rawValue)
        self.stage = UInt32(truncatingIfNeeded: stage)
        item = UInt32(truncatingIfNeeded: index)
        self.epoch = UInt32(truncatingIfNeeded: epoch)
    }

    /// 32 random bits.
    @inlinable
    public mutating func next() -> UInt32 {
        if used == 4 {
            buffer = philox.block((block, stage, item, epoch))
            block &+= 1
            used = 0
        }
        defer { used += 1 }
        switch used {
        case 0: return buffer.0
        case 1: return buffer.1
        case 2: return buffer.2
        default: return buffer.3
        }
    }

    /// Uniform in [0, 1).
    @inlinable
    public mutating func uniform() -> Float { Philox.unitFloat(next()) }

    /// Uniform in `range` (its lower bound when the range is a single value).
    @inlinable
    public mutating func uniform(_ range: ClosedRange<Float>) -> Float {
        range.lowerBound == range.upperBound ? range.lowerBound
            : range.lowerBound + (range.upperBound - range.lowerBound) * uniform()
    }

    /// Log-uniform in a positive `range` (aspect ratios: 1/2 and 2 equally likely).
    public mutating func logUniform(_ range: ClosedRange<Float>) -> Float {
        expf(uniform(logf(range.lowerBound)...logf(range.upperBound)))
    }

    /// True with probability `p`.
    @inlinable
    public mutating func chance(_ p: Float) -> Bool { p >= 1 || (p > 0 && uniform() < p) }

    /// A uniform integer in 0..<upperBound.
    @inlinable
    public mutating func int(below upperBound: Int) -> Int {
        precondition(upperBound > 0, "SampleRandom.int(below:): upper bound \(upperBound) must be positive")
        return Int((UInt64(next()) << 32 | UInt64(next())) % UInt64(upperBound))
    }

    /// A standard normal value (Box–Muller; one pair per call, the second discarded).
    public mutating func normal() -> Float {
        let u1 = 1 - uniform()   // (0, 1]: the log is finite
        let u2 = uniform()
        return (-2 * logf(u1)).squareRoot() * cosf(2 * Float.pi * u2)
    }

    /// Gamma(shape, 1) by Marsaglia–Tsang; shape < 1 boosts through shape + 1.
    public mutating func gamma(shape: Float) -> Float {
        precondition(shape > 0, "SampleRandom.gamma: shape \(shape) must be positive")
        if shape < 1 {
            let u = max(uniform(), Float.leastNormalMagnitude)
            return gamma(shape: shape + 1) * powf(u, 1 / shape)
        }
        let d = shape - 1.0 / 3, c = 1 / (9 * d).squareRoot()
        while true {
            var x: Float, v: Float
            repeat {
                x = normal()
                v = 1 + c * x
            } while v <= 0
            v = v * v * v
            let u = uniform()
            if u < 1 - 0.0331 * x * x * x * x { return d * v }
            if logf(max(u, Float.leastNormalMagnitude)) < 0.5 * x * x + d * (1 - v + logf(v)) { return d * v }
        }
    }

    /// Beta(a, b) from two gamma draws; in [0, 1].
    public mutating func beta(_ a: Float, _ b: Float) -> Float {
        let x = gamma(shape: a), y = gamma(shape: b)
        return x + y > 0 ? x / (x + y) : 0.5
    }

    /// A uniform permutation of 0..<n (Fisher–Yates).
    public mutating func permutation(_ n: Int) -> [Int] {
        var order = Array(0..<n)
        if n < 2 { return order }
        for i in stride(from: n - 1, to: 0, by: -1) { order.swapAt(i, int(below: i + 1)) }
        return order
    }
}
