/// The linear scaling rule for large batches (Goyal et al. 2017, "Accurate, Large
/// Minibatch SGD"): multiply the rate tuned for a batch of 256 by k = batch/256,
/// and reach it by a gradual linear warmup that starts from the unscaled rate.
public enum LinearScalingRule {
    /// The batch size (in samples) that base rates are tuned for: 256.
    public static let referenceBatchSize = 256

    /// k = batchSize / referenceBatchSize.
    public static func factor(batchSize: Int, referenceBatchSize: Int = referenceBatchSize) -> Float {
        precondition(batchSize > 0 && referenceBatchSize > 0, "LinearScalingRule: batch sizes must be positive")
        return Float(batchSize) / Float(referenceBatchSize)
    }

    /// The rate for `batchSize`: base × batchSize / referenceBatchSize (256 unless given).
    public static func learningRate(base: Float, batchSize: Int, referenceBatchSize: Int = referenceBatchSize) -> Float {
        base * factor(batchSize: batchSize, referenceBatchSize: referenceBatchSize)
    }

    /// `schedule` (written for the reference batch) scaled by k, behind a linear
    /// warmup over `warmupSteps` from factor 1/k, i.e. from the unscaled rate. A
    /// batch at or below the reference needs no ramp (start factor 1).
    public static func schedule(_ schedule: any LearningRateSchedule, batchSize: Int,
                                referenceBatchSize: Int = referenceBatchSize, warmupSteps: Int,
                                clock: Warmup.Clock = .shared) -> Warmup {
        let k = factor(batchSize: batchSize, referenceBatchSize: referenceBatchSize)
        return Warmup(steps: warmupSteps, shape: .linear, startFactor: min(1, 1 / k), clock: clock,
                      wrapping: schedule.scaled(by: k))
    }
}
