import Anneal
import ArgumentParser
import Foundation

/// Early stopping, gradient clipping, the NaN guard and weight averaging for `anneal train`.
struct TrainingControlOptions: ParsableArguments {
    @Option(help: "Stop after P epochs without improvement of --monitor, then restore the best epoch's weights (also at the last epoch).")
    var earlyStop: Int?
    @Option(help: "Early stopping: smallest change of --monitor that counts as an improvement (default 0).")
    var minDelta: Double = 0
    @Option(help: "Clip gradients to this global L2 norm.") var clipNorm: Float?
    @Option(help: "Clip every gradient element into [-X, X].") var clipValue: Float?
    @Flag(inversion: .prefixedNo, help: "Stop at the first non-finite loss or gradient, saving the last good weights to DIR/last-good.safetensors.")
    var nanGuard = true
    @Option(help: "NaN guard: copy the weights every N steps (default 1: the saved weights are one step old; a larger N copies less often).")
    var nanGuardEvery = 1
    @Option(help: "Evaluate and keep an exponential moving average of the weights, updated after every step with this decay (e.g. 0.999: about the last 1000 steps).")
    var ema: Float?

    func validate() throws {
        if let p = earlyStop, p < 1 { throw ValidationError("--early-stop must be at least 1 epoch, got \(p)") }
        guard minDelta >= 0 && minDelta.isFinite else { throw ValidationError("--min-delta must be ≥ 0, got \(minDelta)") }
        if let x = clipNorm, !(x > 0 && x.isFinite) { throw ValidationError("--clip-norm must be positive, got \(x)") }
        if let x = clipValue, !(x > 0 && x.isFinite) { throw ValidationError("--clip-value must be positive, got \(x)") }
        guard nanGuardEvery >= 1 else { throw ValidationError("--nan-guard-every must be at least 1, got \(nanGuardEvery)") }
        if let d = ema, !(d > 0 && d < 1) { throw ValidationError("--ema must be a decay in (0, 1), e.g. 0.999; got \(d)") }
    }

    /// The callbacks, in the order they must run: the NaN guard sees raw gradients
    /// before clipping edits them.
    func makeCallbacks(monitor: MonitoredMetric, outputDirectory: String, config: ModelConfig?) -> (callbacks: [TrainingCallback], earlyStopping: EarlyStopping?) {
        var callbacks: [TrainingCallback] = []
        if nanGuard { callbacks.append(NaNGuard(savingTo: "\(outputDirectory)/last-good.safetensors", snapshotEvery: nanGuardEvery, config: config)) }
        if clipNorm != nil || clipValue != nil { callbacks.append(GradientClipping(maxNorm: clipNorm, maxValue: clipValue)) }
        let stopping = earlyStop.map { EarlyStopping(monitor: monitor, patience: $0, minDelta: minDelta) }
        if let stopping { callbacks.append(stopping) }
        if let ema { callbacks.append(WeightAveraging(decay: ema)) }
        return (callbacks, stopping)
    }
}
