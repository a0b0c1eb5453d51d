import AnnealTensor

/// Mixup (Zhang et al. 2018): each sample becomes λ·x + (1−λ)·x' with a
/// partner x' from the same batch (a random permutation), and its target
/// λ·y + (1−λ)·y', with one λ ~ Beta(α, α) per batch.
public struct Mixup: BatchTransform {
    /// α of the Beta(α, α) that λ is drawn from: small values keep λ near 0 or 1
    /// (mild mixing), 1 draws λ uniformly.
    public var alpha: Float
    /// Chance that a batch is mixed at all (else it keeps its plain labels).
    public var probability: Float

    /// A Mixup with the given α (0.2 by default), applied to every batch by default;
    /// traps unless `alpha` is positive.
    public init(alpha: Float = 0.2, probability: Float = 1) {
        precondition(alpha > 0, "Mixup: alpha \(alpha) must be positive")
        self.alpha = alpha
        self.probability = probability
    }

    /// With `probability`, mixes every sample with its partner and sets
    /// `batch.targets`; leaves alone a batch with an unlabelled sample, or when
    /// `classCount` is 0.
    public func apply(to batch: inout Batch, classCount: Int, random: inout SampleRandom) {
        let n = batch.count
        guard n > 0, classCount > 0, batch.labels.allSatisfy({ $0 >= 0 }), random.chance(probability) else { return }
        let lambda = random.beta(alpha, alpha)
        let partner = random.permutation(n)
        let size = batch.inputs.count / n
        let original = batch.inputs.scalars
        batch.inputs.withUnsafeMutableBufferPointer { mixed in
            original.withUnsafeBufferPointer { source in
                for row in 0..<n {
                    let a = source.baseAddress! + row * size, b = source.baseAddress! + partner[row] * size
                    let out = mixed.baseAddress! + row * size
                    for i in 0..<size { out[i] = lambda * a[i] + (1 - lambda) * b[i] }
                }
            }
        }
        batch.targets = mixTargets(batch, partner: partner, lambda: lambda, classCount: classCount)
    }

    /// `mixup(α …)`, with the probability when below 1.
    public var description: String { "mixup(α \(alpha)\(probabilityText(probability)))" }
}

/// CutMix (Yun et al. 2019): pastes a random box from a partner sample into
/// each sample; the box covers about 1−λ of the image for λ ~ Beta(α, α), and
/// the target mixes in proportion to the pixels actually pasted.
public struct CutMix: BatchTransform {
    /// α of the Beta(α, α) that λ is drawn from; 1 draws λ uniformly.
    public var alpha: Float
    /// Chance that a batch is mixed at all (else it keeps its plain labels).
    public var probability: Float

    /// A CutMix with the given α (1 by default), applied to every batch by default;
    /// traps unless `alpha` is positive.
    public init(alpha: Float = 1, probability: Float = 1) {
        precondition(alpha > 0, "CutMix: alpha \(alpha) must be positive")
        self.alpha = alpha
        self.probability = probability
    }

    /// With `probability`, pastes one box (the same place for the whole batch) from
    /// every sample's partner and sets `batch.targets`. Needs image batches
    /// `[N, C, H, W]`; leaves alone a batch with an unlabelled sample, or when
    /// `classCount` is 0.
    public func apply(to batch: inout Batch, classCount: Int, random: inout SampleRandom) {
        let n = batch.count
        guard n > 0, classCount > 0, batch.labels.allSatisfy({ $0 >= 0 }), random.chance(probability) else { return }
        let shape = batch.inputs.shape
        precondition(shape.count == 4, "CutMix: needs image batches [N, C, H, W], got \(shape)")
        let (channels, h, w) = (shape[1], shape[2], shape[3])
        let lambda = random.beta(alpha, alpha)
        let partner = random.permutation(n)
        // One box for the batch, as the paper: side ∝ √(1−λ), centre uniform, clipped.
        let cut = (1 - lambda).squareRoot()
        let bw = Int(Float(w) * cut), bh = Int(Float(h) * cut)
        let cx = random.int(below: w), cy = random.int(below: h)
        let x0 = max(0, cx - bw / 2), x1 = min(w, cx + bw / 2), y0 = max(0, cy - bh / 2), y1 = min(h, cy + bh / 2)
        let pasted = Float(max(0, x1 - x0) * max(0, y1 - y0)) / Float(w * h)
        if pasted > 0 {
            let original = batch.inputs.scalars, size = channels * h * w
            batch.inputs.withUnsafeMutableBufferPointer { mixed in
                original.withUnsafeBufferPointer { source in
                    for row in 0..<n {
                        for c in 0..<channels {
                            let from = source.baseAddress! + partner[row] * size + c * h * w
                            let to = mixed.baseAddress! + row * size + c * h * w
                            for y in y0..<y1 { (to + y * w + x0).update(from: from + y * w + x0, count: x1 - x0) }
                        }
                    }
                }
            }
        }
        batch.targets = mixTargets(batch, partner: partner, lambda: 1 - pasted, classCount: classCount)
    }

    /// `cutmix(α …)`, with the probability when below 1.
    public var description: String { "cutmix(α \(alpha)\(probabilityText(probability)))" }
}

/// λ·t + (1−λ)·t[partner] for the batch's current targets (one-hot labels when
/// none yet, so transforms compose).
func mixTargets(_ batch: Batch, partner: [Int], lambda: Float, classCount: Int) -> Tensor {
    let n = batch.count
    let base = batch.targets?.scalars ?? batch.oneHotValues(classCount: classCount)
    precondition(base.count == n * classCount, "mixTargets: targets hold \(base.count) values, expected \(n)×\(classCount)")
    var mixed = [Float](repeating: 0, count: n * classCount)
    for row in 0..<n {
        for k in 0..<classCount {
            mixed[row * classCount + k] = lambda * base[row * classCount + k] + (1 - lambda) * base[partner[row] * classCount + k]
        }
    }
    return Tensor(mixed, shape: [n, classCount])
}
