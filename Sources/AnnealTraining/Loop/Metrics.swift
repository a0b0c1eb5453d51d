import AnnealTensor

/// Loss, accuracy and top-k accuracy accumulated over batches.
public struct Metrics: Codable, Sendable, Equatable {
    /// Samples added so far.
    public private(set) var samples = 0
    /// Sum of the per-sample losses (each batch's mean loss times its size).
    public private(set) var lossSum: Double = 0
    /// Samples whose highest score is the true class (ties go to the lower index;
    /// a row with a NaN score counts as wrong).
    public private(set) var correct = 0
    /// Samples whose true class is among the `k` highest scores (same tie and NaN rules).
    public private(set) var topKCorrect = 0
    /// The k of top-k accuracy.
    public let k: Int

    /// Empty metrics counting top-`k` accuracy (default top-5).
    public init(k: Int = 5) { self.k = k }

    /// Metrics from their sums (e.g. added up over several processes).
    public init(k: Int, samples: Int, lossSum: Double, correct: Int, topKCorrect: Int) {
        self.k = k
        self.samples = samples
        self.lossSum = lossSum
        self.correct = correct
        self.topKCorrect = topKCorrect
    }

    /// Mean loss per sample (NaN with no samples).
    public var loss: Double { samples == 0 ? .nan : lossSum / Double(samples) }
    /// Fraction of samples predicted right, in [0, 1] (NaN with no samples).
    public var accuracy: Double { samples == 0 ? .nan : Double(correct) / Double(samples) }
    /// Fraction of samples with the true class in the top `k`, in [0, 1] (NaN with no samples).
    public var topKAccuracy: Double { samples == 0 ? .nan : Double(topKCorrect) / Double(samples) }

    /// Adds a batch: its mean loss, logits [N, C] and labels.
    public mutating func add(meanLoss: Float, logits: Tensor, labels: [Int]) {
        let n = labels.count, classes = logits.shape[1]
        samples += n
        lossSum += Double(meanLoss) * Double(n)
        logits.withUnsafeBufferPointer { values in
            for (row, label) in labels.enumerated() {
                let scores = values[(row * classes)..<((row + 1) * classes)]
                let target = scores[scores.startIndex + label]
                // Rank of the true class as argmax sees it (ties go to the lower index,
                // as PyTorch's argmax): scores above it, and equal ones before it.
                var rank = 0
                for (i, s) in scores.enumerated() where s > target || (s == target && i < label) { rank += 1 }
                let valid = !target.isNaN && scores.allSatisfy { !$0.isNaN }
                if valid && rank == 0 { correct += 1 }
                if valid && rank < k { topKCorrect += 1 }
            }
        }
    }
}
