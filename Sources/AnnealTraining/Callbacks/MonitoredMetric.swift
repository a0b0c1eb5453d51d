import AnnealOptim

/// The epoch metric that reduce-on-plateau and early stopping watch. `loss` and
/// `accuracy` read the evaluation set and fall back to the training metrics when
/// `fit` has no evaluation loader; the `train` forms always read training metrics.
public enum MonitoredMetric: String, Codable, Sendable, CaseIterable {
    /// The mean loss or the accuracy (a fraction) of the evaluation set, or of the
    /// training metrics for an epoch without evaluation.
    case loss, accuracy
    /// The epoch's training mean loss or accuracy (a fraction), even when it was evaluated.
    case trainLoss = "train-loss", trainAccuracy = "train-accuracy"

    /// The metric's value in `record` (NaN when the metrics it reads hold no samples).
    public func value(in record: EpochRecord) -> Double {
        switch self {
        case .loss: return (record.evaluation ?? record.train).loss
        case .accuracy: return (record.evaluation ?? record.train).accuracy
        case .trainLoss: return record.train.loss
        case .trainAccuracy: return record.train.accuracy
        }
    }

    /// Losses go down, accuracies up.
    public var mode: MonitorMode {
        switch self {
        case .loss, .trainLoss: return .min
        case .accuracy, .trainAccuracy: return .max
        }
    }
}
