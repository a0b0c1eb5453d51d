import Anneal
import ArgumentParser

/// The regularizers of `anneal train` (and the ablation): penalties, DropConnect,
/// stochastic depth, pooling choice, batch norm off, label smoothing, max-norm.
/// Dropout and weight decay are train options of their own; Cutout and Mixup come
/// through `--augment`.
struct RegularizationOptions: ParsableArguments {
    @Option(help: "L1 penalty λ·Σ|w| on weights (not biases or norm parameters).") var l1: Float = 0
    @Option(help: "L2 penalty (λ/2)·Σw² on weights (not biases or norm parameters).") var l2: Float = 0
    @Option(help: "DropConnect probability on hidden Linear weights (mlp, cnn).") var dropconnect: Float?
    @Option(help: "resnet*: stochastic depth, drop probability of the last block (rising linearly from 0).") var stochasticDepth: Float?
    @Option(help: "cnn: pooling, max or fractional (Graham's √2 fractional max pooling).") var pool: String?
    @Flag(help: "cnn: replace batch norm by the identity (for ablations).") var batchnormOff = false
    @Option(help: "Label smoothing ε for the cross-entropy loss (default: the preset's, 0.1 for resnets, else 0).")
    var labelSmoothing: Float?
    @Option(help: "Max-norm constraint: rescale each weight row/filter to L2 norm at most C after every step.") var maxNorm: Float?

    func validate() throws {
        guard l1 >= 0 && l2 >= 0 else { throw ValidationError("--l1 and --l2 must not be negative") }
        if let labelSmoothing, !(labelSmoothing >= 0 && labelSmoothing < 1) {
            throw ValidationError("--label-smoothing \(labelSmoothing) is not in [0, 1)")
        }
        if let maxNorm, !(maxNorm > 0) { throw ValidationError("--max-norm must be positive, got \(maxNorm)") }
    }

    /// Model-shaping choices go into the saved configuration.
    func configure(_ config: inout ModelConfig) {
        config.dropConnect = dropconnect
        config.stochasticDepth = stochasticDepth
        config.pool = pool
        if batchnormOff { config.batchNorm = false }
    }

    func callbacks() -> [TrainingCallback] { maxNorm.map { [MaxNormConstraint(maxNorm: $0)] } ?? [] }

    /// Loss-side regularizers: label smoothing (`defaultLabelSmoothing` when unset)
    /// and the weight penalties.
    func apply(to trainer: Trainer, defaultLabelSmoothing: Float) {
        let smoothing = labelSmoothing ?? defaultLabelSmoothing
        if smoothing > 0 {
            trainer.lossFunction = { logits, batch in
                guard let targets = batch.targets else { return crossEntropy(logits, labels: batch.labels, labelSmoothing: smoothing) }
                // Mixed targets are smoothed the same way: (1 − ε)·q + ε/C.
                return crossEntropy(logits, targets: targets * (1 - smoothing) + smoothing / Float(logits.shape[1]))
            }
        }
        if l1 > 0 || l2 > 0 { trainer.lossFunction = WeightPenalty(l1: l1, l2: l2).addingTo(trainer.lossFunction, model: trainer.model) }
    }
}
