import AnnealTensor

/// Loss, accuracy and top-k accuracy accumulated over batches.
public struct Metrics: Codable, Sendable, Equatable {
    public private(set) var samples = 0
    public private(set) var lossSum: Double = 0
    public private(set) var correct = 0
    public private(set) var topKCorrect = 0
    public let k: Int

    public init(k: Int = 5) { self.k = k }

    public var loss: Double { samples == 0 ? .nan : lossSum / Double(samples) }
    public var accuracy: Double { samples == 0 ? .nan : Double(correct) / Double(samples) }
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
                // Rank of the true class: how many scores beat it.
                var higher = 0
                for s in scores where s > target { higher += 1 }
                if higher == 0 && scores.allSatisfy({ !$0.isNaN }) { correct += 1 }
                if higher < k { topKCorrect += 1 }
            }
        }
    }
}
