import AnnealOptim

/// The epoch metric that reduce-on-plateau and early stopping watch. `loss` and
/// `accuracy` read the evaluation set and fall back to the training metrics when
/// `fit` has no evaluation loader; the `train` forms always read training metrics.
public enum MonitoredMetric: String, Codable, Sendable, CaseIterable {
    case loss, accuracy
    case trainLoss = "train-loss", trainAccuracy = "train-accuracy"

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
