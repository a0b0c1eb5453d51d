import AnnealDistributed
import AnnealReports
import AnnealTraining
import Foundation

/// Step 3, finished: the range test shows where the loss stops falling on a fast
/// sweep, not which rate trains best with the optimizer, momentum and schedule a run
/// will use (on mlp its steepest descent, 0.0016, ends 5 epochs at 83.7 % against
/// 88.4 % at 0.05). So candidate rates around the sweep's loss minimum each train a
/// short run of the configuration itself, over all its training images, with its
/// optimizer and schedule compressed into the short budget (warmup and milestones
/// in proportion), and the lowest validation loss wins. Only the validation split is
/// evaluated; the test set stays unread. The runs should be about as long as the run
/// they choose for: shorter ones favour small rates (on cnn, 1-epoch runs pick 0.015,
/// which ends 3 epochs 1.6 points below 0.1; 3-epoch runs pick 0.15).
public struct LearningRateValidation: Sendable {
    /// One candidate rate's short run.
    public struct Trial: Sendable {
        /// The peak learning rate the run trained with.
        public let learningRate: Double
        /// Loss and accuracy on the validation split after the short run (nil: it failed).
        public let validationLoss: Double?
        /// Accuracy on the validation split as a fraction (nil: the run failed).
        public let validationAccuracy: Double?
        /// Why the run did not finish (a non-finite loss at a rate too high).
        public let failure: String?
        /// Seconds of wall time the run took.
        public let seconds: Double
    }

    /// The runs, in the order of the candidates.
    public let trials: [Trial]
    /// Epochs of each short run.
    public let epochs: Int
    /// The candidate with the lowest validation loss (nil when every one failed).
    public var bestLR: Double? {
        trials.filter { $0.validationLoss?.isFinite == true }.min { $0.validationLoss! < $1.validationLoss! }?.learningRate
    }

    /// Rates 1/10, 1/3, 1, 3 and 10 times the range test's loss minimum: the sweep's
    /// minimum lags the rate that diverges, and momentum with a decaying schedule often
    /// trains best somewhat above it.
    public static func candidates(aroundLossMinimum minimumLR: Double) -> [Double] {
        [0.1, 1.0 / 3, 1, 3, 10].map { minimumLR * $0 }
    }

    /// Trains `config` (resolved; it must hold out a validation split) for `epochs` at
    /// each candidate rate, in a scratch directory removed afterwards.
    public static func run(_ config: RunConfig, candidates: [Double], epochs: Int,
                           progress: (Trial) -> Void = { _ in }) throws -> LearningRateValidation {
        precondition(config.data.usesValidation, "LearningRateValidation: the configuration must hold out a validation split")
        let full = config.epochs!
        var trials: [Trial] = []
        for rate in candidates {
            var c = config
            c.epochs = epochs
            c.optimizer.learningRate = Float(rate)
            let scale = Double(epochs) / Double(full)
            c.schedule.warmupEpochs = c.schedule.warmupEpochs.map { $0 * scale }
            c.schedule.milestones = c.schedule.milestones.map { milestones in
                Array(Set(milestones.map { max(1, Int((Double($0) * scale).rounded())) })).sorted()
            }
            c.control.tensorboard = false
            c.control.report = false
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("anneal-lr-\(UUID().uuidString)").path
            defer { try? FileManager.default.removeItem(atPath: directory) }
            let clock = ContinuousClock(), started = clock.now
            let trial: Trial
            do {
                let outcome = try Run(c, directory: directory).fit()
                trial = Trial(learningRate: rate, validationLoss: outcome.evaluation?.loss, validationAccuracy: outcome.evaluation?.accuracy,
                              failure: nil, seconds: (clock.now - started).seconds)
            } catch let error as NonFiniteTrainingError {
                trial = Trial(learningRate: rate, validationLoss: nil, validationAccuracy: nil, failure: "\(error)",
                              seconds: (clock.now - started).seconds)
            }
            progress(trial)
            trials.append(trial)
        }
        return LearningRateValidation(trials: trials, epochs: epochs)
    }

    /// The suggestion in words, with a warning when the best rate is the lowest or highest candidate.
    public var findings: [String] {
        let f = RecipeSupport.format
        guard let best = bestLR else {
            return ["every candidate rate failed in \(epochs)-epoch runs: lower the range (--range-end) or check the data."]
        }
        var lines = ["short runs (\(epochs) epoch\(epochs == 1 ? "" : "s") each, the configured optimizer and schedule): "
                     + "lowest validation loss at lr \(f(best)); suggested lr \(f(best))."]
        if best == trials.first?.learningRate || best == trials.last?.learningRate {
            lines.append("the best rate is at the edge of the candidates: the optimum may lie beyond \(f(best)).")
        }
        return lines
    }
}
