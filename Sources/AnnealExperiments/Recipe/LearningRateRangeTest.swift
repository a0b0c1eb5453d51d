import AnnealData
import AnnealDistributed
import AnnealIO
import AnnealNN
import AnnealOptim
import AnnealReports
import AnnealTensor
import AnnealTraining
import Foundation

/// Step 3 of the recipe: Smith's learning-rate range test. The rate grows
/// exponentially from `start` to `end` over `steps` training steps; the loss is
/// smoothed (bias-corrected exponential average), NaN/Inf and the divergence tail
/// are cut off and the burn-in skipped; the suggestion is where the smoothed loss
/// falls fastest, cross-checked against a tenth of the rate at the loss minimum.
/// The model's weights are restored afterwards.
public struct LearningRateRangeTest: Sendable {
    /// The rate of every step taken, rising exponentially.
    public var learningRates: [Double]
    /// The raw loss of every step's batch.
    public var losses: [Double]
    /// The losses averaged over a centred window (`analyze` re-smooths them; no lag).
    public var smoothed: [Double]
    /// Points kept after cutting the burn-in and the divergence tail.
    public var kept: Range<Int>
    /// Where the smoothed loss falls fastest against log lr, before its minimum (nil: nowhere, or too few points).
    public var steepestLR: Double?
    /// The rate at the smoothed loss's minimum within `kept` (nil: too few points).
    public var minimumLR: Double?
    /// The suggestion: the geometric mean of `steepestLR` and a tenth of `minimumLR` when they agree within a decade, else that tenth.
    public var suggestedLR: Double?
    /// The suggestion and its grounds in words, with warnings.
    public var findings: [String]

    /// The sweep's range, length, smoothing and stopping rule.
    public struct Settings: Sendable {
        /// The first and last learning rates (default 1e-6 and 10).
        public var start = 1e-6, end = 10.0
        /// Training steps over the sweep (default 200; the loader's epochs repeat as needed).
        public var steps = 200
        /// β of the online exponential average that decides when to stop (default 0.98).
        public var smoothing = 0.98
        /// Stop once the smoothed loss exceeds this multiple of its minimum.
        public var divergence = 4.0
        /// Steps at the start that neither stop the sweep nor count in the analysis (default 10).
        public var burnIn = 10
        /// The defaults: 200 steps from 1e-6 to 10, β 0.98, stop at 4× the minimum, 10 burn-in steps.
        public init() {}
    }

    /// Runs the test; `optimizer` is fresh, its rate is set at every step.
    public static func run(model: Module, optimizer: Optimizer, loader: DataLoader, settings: Settings = Settings(),
                           preprocessing: (Tensor) -> Tensor = { $0 },
                           lossFunction: (Tensor, Batch) -> Tensor = Trainer.crossEntropyLoss) throws -> LearningRateRangeTest {
        let saved = RecipeSupport.snapshot(model)
        defer { try? RecipeSupport.restore(model, from: saved) }
        model.train()
        let ratio = pow(settings.end / settings.start, 1 / Double(max(settings.steps - 1, 1)))
        var lrs: [Double] = [], losses: [Double] = [], smoothed: [Double] = []
        var average = 0.0, best = Double.infinity
        var epoch = 0, step = 0
        outer: while step < settings.steps {
            for batch in loader.batches(epoch: epoch) {
                if step >= settings.steps { break outer }
                let lr = settings.start * pow(ratio, Double(step))
                optimizer.learningRate = Float(lr)
                let logits = model(preprocessing(batch.inputs))
                let loss = lossFunction(logits, batch)
                let value = Double(loss.item())
                if !value.isFinite { break outer }
                average = settings.smoothing * average + (1 - settings.smoothing) * value
                let corrected = average / (1 - pow(settings.smoothing, Double(step + 1)))
                lrs.append(lr); losses.append(value); smoothed.append(corrected)
                if step > settings.burnIn && corrected > settings.divergence * best { break outer }
                best = min(best, corrected)
                optimizer.zeroGrad()
                loss.backward()
                optimizer.step()
                step += 1
            }
            epoch += 1
        }
        return analyze(learningRates: lrs, losses: losses, smoothed: smoothed, settings: settings)
    }

    /// The suggestion from recorded (rate, loss, online-smoothed loss) points. The
    /// online average only decides when to stop (it lags by ~1/(1 − β) steps); the
    /// analysis re-smooths the raw losses with a centred window, which does not lag.
    public static func analyze(learningRates lrs: [Double], losses: [Double], smoothed online: [Double], settings: Settings = Settings()) -> LearningRateRangeTest {
        let f = RecipeSupport.format
        let n = losses.count
        let h = max(2, n / 25)
        let smoothed: [Double] = (0..<n).map { i in
            let window = losses[max(0, i - h)...min(n - 1, i + h)]
            return window.reduce(0, +) / Double(window.count)
        }
        // Cut the tail: everything after the smoothed loss passes `divergence` × its running minimum.
        var end = n, runningMin = Double.infinity
        for (i, s) in smoothed.enumerated() {
            if i > settings.burnIn && s > settings.divergence * runningMin { end = i; break }
            runningMin = min(runningMin, s)
        }
        let start = min(settings.burnIn, max(end - 1, 0))
        let kept = start..<end
        guard kept.count >= 5 else {
            return LearningRateRangeTest(learningRates: lrs, losses: losses, smoothed: smoothed, kept: kept, steepestLR: nil,
                                         minimumLR: nil, suggestedLR: nil,
                                         findings: ["the range test diverged almost at once (\(kept.count) usable steps): start lower than \(f(settings.start))."])
        }
        let minIndex = kept.min { smoothed[$0] < smoothed[$1] }!
        // Slope of the smoothed loss against log lr, over a window of ±w steps, up to the minimum.
        let w = max(2, n / 40)
        var steepest: Int? = nil, steepestSlope = 0.0
        for i in kept where i <= minIndex {
            let a = max(kept.lowerBound, i - w), b = min(minIndex, i + w)
            guard b > a else { continue }
            let slope = (smoothed[b] - smoothed[a]) / (log(lrs[b]) - log(lrs[a]))
            if slope < steepestSlope { steepestSlope = slope; steepest = i }
        }
        let minimumLR = lrs[minIndex]
        let tenth = minimumLR / 10
        let steepestLR = steepest.map { lrs[$0] }
        var findings: [String] = []
        let suggestion: Double
        if let s = steepestLR, s <= minimumLR, s >= tenth / 10 {
            // The two rules agree within a decade: take their geometric mean.
            suggestion = (s * tenth).squareRoot()
            findings.append("range test: the smoothed loss falls fastest at lr \(f(s)) and is lowest at \(f(minimumLR)); suggested lr \(f(suggestion)) (between the steepest descent and a tenth of the minimum, \(f(tenth)), which agree).")
        } else {
            suggestion = tenth
            findings.append("range test: the steepest descent (\(steepestLR.map(f) ?? "none")) disagrees with the loss minimum at \(f(minimumLR)); suggested lr \(f(suggestion)), a tenth of the minimum.")
        }
        if smoothed[minIndex] > 0.98 * smoothed[kept.lowerBound] {
            findings.append("the loss barely fell during the range test (\(f(smoothed[kept.lowerBound])) → \(f(smoothed[minIndex]))): check the model and data before trusting the rate.")
        }
        return LearningRateRangeTest(learningRates: lrs, losses: losses, smoothed: smoothed, kept: kept, steepestLR: steepestLR,
                                     minimumLR: minimumLR, suggestedLR: suggestion, findings: findings)
    }

    /// Raw (blue) and smoothed (orange, centred window) loss against log10(lr), the kept range only, plus a
    /// vertical green line at the suggestion.
    public func plot(to path: String) throws {
        let range = kept.isEmpty ? 0..<learningRates.count : kept
        let x = range.map { log10(learningRates[$0]) }
        var series = [LinePlot.Series(x: x, y: range.map { losses[$0] }, color: LinePlot.Color.palette[0], label: "loss"),
                      LinePlot.Series(x: x, y: range.map { smoothed[$0] }, color: LinePlot.Color.palette[1], label: "smoothed")]
        let ys = range.map { smoothed[$0] }.filter(\.isFinite)
        if let s = suggestedLR, let lo = ys.min(), let hi = ys.max() {
            series.append(LinePlot.Series(x: [log10(s), log10(s)], y: [lo, hi], color: LinePlot.Color.palette[2], label: "suggested"))
        }
        if series[0].x.isEmpty { series = [LinePlot.Series(x: [0, 1], y: [0, 0])] }
        var plot = LinePlot(series: series, width: 800, height: 480)
        plot.title = "learning-rate range test"
        plot.xLabel = "log10 learning rate"
        try plot.write(to: path)
    }
}
