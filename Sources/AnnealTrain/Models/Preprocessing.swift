import AnnealTensor

/// The input transform fitted on the training set and applied identically at
/// evaluation and prediction. Pixels always arrive scaled to [0, 1]; a
/// mean/std normalization may follow.
public struct Preprocessing: Codable, Sendable, Equatable {
    /// Per-channel (or one global) mean and standard deviation; empty = none.
    public var mean: [Float] = []
    public var std: [Float] = []

    public init(mean: [Float] = [], std: [Float] = []) {
        self.mean = mean
        self.std = std
    }

    public static let none = Preprocessing()

    /// Applies the transform to a batch [N, C, …].
    public func apply(_ batch: Tensor) -> Tensor {
        guard !mean.isEmpty else { return batch }
        var shape = [Int](repeating: 1, count: batch.rank)
        if mean.count > 1 { shape[1] = mean.count }
        return (batch - Tensor(mean).reshape(shape)) / Tensor(std).reshape(shape)
    }
}
