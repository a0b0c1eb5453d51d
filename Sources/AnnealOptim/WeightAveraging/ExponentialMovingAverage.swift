import AnnealNN
import AnnealTensor

/// Polyak averaging with exponential forgetting (Polyak & Juditsky 1992; the
/// "EMA of weights" of TensorFlow's ExponentialMovingAverage and timm's ModelEma):
/// after every optimizer step, avg ← d·avg + (1 − d)·w for every parameter and
/// buffer. The averaged weights sit in a flatter, better-generalizing spot than
/// the last iterate, which still jitters with the gradient noise.
///
/// Batch-norm running statistics are averaged along with the weights (as timm
/// does): they track the recent weights closely enough for the average.
public final class ExponentialMovingAverage {
    /// The decay d; the average spans about 1/(1 − d) steps.
    public let decay: Float
    /// Updates so far.
    public private(set) var updates = 0
    /// The averaged parameters and buffers, by state-dict name.
    public private(set) var averages: [String: Tensor]

    /// Starts the average at `model`'s current weights.
    public init(of model: Module, decay: Float) {
        precondition(decay >= 0 && decay < 1, "ExponentialMovingAverage: decay must be in [0, 1), got \(decay)")
        self.decay = decay
        averages = model.stateDict()
    }

    /// Continues a saved average (from a checkpoint) after `updates` updates.
    public init(averages: [String: Tensor], updates: Int, decay: Float) {
        precondition(decay >= 0 && decay < 1, "ExponentialMovingAverage: decay must be in [0, 1), got \(decay)")
        precondition(updates >= 0, "ExponentialMovingAverage: updates must be ≥ 0, got \(updates)")
        self.decay = decay
        self.updates = updates
        self.averages = averages
    }

    /// The decay used at update `n` (1-based): min(d, (1 + n)/(10 + n)), so the
    /// first steps, far from where training goes, fade quickly instead of
    /// weighing on the average for 1/(1 − d) steps (TensorFlow's num_updates).
    public func effectiveDecay(update n: Int) -> Float {
        min(decay, Float(1 + n) / Float(10 + n))
    }

    /// Moves the average towards `model`'s current weights.
    public func update(from model: Module) {
        updates += 1
        let d = effectiveDecay(update: updates)
        withoutGrad {
            for (name, value) in model.stateDict() {
                guard let average = averages[name] else {
                    preconditionFailure("ExponentialMovingAverage: the model gained a tensor '\(name)' it did not have at the start")
                }
                averages[name] = average * d + value * (1 - d)
            }
        }
    }

    /// Puts the averaged weights into `model`.
    public func copy(to model: Module) {
        // The names and shapes are the model's own, taken at init.
        try! model.loadStateDict(averages)
    }
}
