import AnnealData
import AnnealNN
import AnnealTensor

/// Stochastic weight averaging (Izmailov et al. 2018): the equal average of the
/// weights at the end of every epoch (or every `every` optimizer steps) from
/// `startEpoch` on (0-based), put into the
/// model when training ends, followed by one pass over the training data that
/// recomputes batch norm's running statistics for the averaged weights (the
/// statistics of the iterates do not describe their average). The average moves
/// through a flat region the iterates only circle; a constant or cyclic rate in
/// the averaging phase keeps the iterates exploring it.
public final class StochasticWeightAveraging: StatefulCallback {
    /// The first epoch (0-based) whose weights enter the average.
    public let startEpoch: Int
    /// Optimizer steps between additions to the average (nil: once, at each epoch end).
    public let every: Int?
    /// Batches for the batch-norm pass (the training loader).
    public let statisticsLoader: DataLoader
    /// Applied to the batch-norm pass's inputs (the run's fitted preprocessing).
    public let preprocessing: Preprocessing
    /// The running average of the parameters and how many epochs it holds.
    /// By parameter name; nil before the first addition. With `every` set, `count`
    /// counts additions (one per `every` steps), not epochs.
    public private(set) var average: [String: Tensor]?
    /// Weight sets in `average`: one per epoch end, or per `every` steps.
    public private(set) var count = 0
    /// Whether the averaged weights are in the model.
    public private(set) var applied = false

    /// Averages from epoch `startEpoch` (0-based, ≥ 0), every `every` optimizer steps
    /// (≥ 1) or at each epoch end when nil.
    public init(startEpoch: Int, every: Int? = nil, statisticsLoader: DataLoader, preprocessing: Preprocessing = .none) {
        precondition(startEpoch >= 0, "StochasticWeightAveraging: startEpoch must be ≥ 0, got \(startEpoch)")
        precondition(every.map { $0 >= 1 } ?? true, "StochasticWeightAveraging: every must be ≥ 1 step, got \(every!)")
        self.startEpoch = startEpoch
        self.every = every
        self.statisticsLoader = statisticsLoader
        self.preprocessing = preprocessing
    }

    /// Adds the weights at `stepsEnd` (or at each `every`-th `batchEnd`) from
    /// `startEpoch` on; at `fitEnd` puts the average into the model and recomputes
    /// batch norm's statistics.
    public func handle(_ event: TrainingEvent, trainer: Trainer) throws {
        switch event {
        case .stepsEnd(let epoch) where epoch >= startEpoch && every == nil:
            add(trainer.model)
        case .batchEnd(let report) where report.epoch >= startEpoch && every.map { trainer.optimizer.stepCount % $0 == 0 } == true:
            add(trainer.model)
        case .fitEnd:
            guard let average, !applied else { return }
            for (name, parameter) in trainer.model.namedParameters() { parameter.assign(average[name]!) }
            StochasticWeightAveraging.updateBatchNorm(trainer.model, loader: statisticsLoader, preprocessing: preprocessing)
            applied = true
        default:
            break
        }
    }

    private func add(_ model: Module) {
        let weights = Dictionary(uniqueKeysWithValues: model.namedParameters().map { ($0.name, $0.parameter.value.detached()) })
        count += 1
        let n = Float(count)
        average = average.map { old in withoutGrad { old.merging(weights) { a, w in a + (w - a) / n } } } ?? weights
    }

    /// Recomputes every batch norm's running statistics as the cumulative average over
    /// one pass of `loader` (PyTorch's `update_bn`), with the rest of the model in
    /// evaluation mode so dropout does not disturb them. Nothing else changes.
    public static func updateBatchNorm(_ model: Module, loader: DataLoader, preprocessing: Preprocessing = .none) {
        // A frozen batch norm (a transferred backbone's) keeps its statistics: it never updates them.
        let norms = model.namedModules().compactMap { $0.module as? BatchNorm }.filter { !($0.weight.isFrozen && $0.bias.isFrozen) }
        guard !norms.isEmpty else { return }
        let momenta = norms.map(\.momentum)
        model.withMode(training: false) {
            for norm in norms {
                norm.resetRunningStatistics()
                norm.momentum = nil
                norm.train()
            }
            withoutGrad { for batch in loader.batches(epoch: 0) { _ = model(preprocessing.apply(batch.inputs)) } }
        }
        for (norm, momentum) in zip(norms, momenta) { norm.momentum = momentum }
    }

    /// The key of this callback's state in a checkpoint: `swa`.
    public var stateKey: String { "swa" }

    /// `count` and `applied` as JSON, the average as tensors.
    public func saveState() throws -> CallbackState {
        try CallbackState(["count": count, "applied": applied ? 1 : 0], tensors: average ?? [:])
    }

    /// Puts back the average; throws when its parameter names do not match `trainer`'s model.
    public func restoreState(_ saved: CallbackState, trainer: Trainer) throws {
        let values = try saved.decode([String: Int].self)
        guard let count = values["count"], count >= 0, let applied = values["applied"] else { throw CheckpointError("swa: no count") }
        if count > 0 {
            let names = Set(trainer.model.namedParameters().map(\.name))
            guard Set(saved.tensors.keys) == names else { throw CheckpointError("swa: the average does not fit the model's parameters") }
        }
        (self.count, self.applied, average) = (count, applied == 1, count > 0 ? saved.tensors : nil)
    }
}

/// Writes the weights at the end of every learning-rate cycle as
/// `DIR/snapshot-K.safetensors` (snapshot ensembles, Huang et al. 2017): with
/// cosine restarts each cycle ends in a different minimum, and averaging the
/// snapshots' predictions gains much of an ensemble's accuracy for one run's cost.
/// Snapshots are written, not held; each file is a complete weights file.
public final class SnapshotWriter: TrainingCallback {
    /// Optimizer steps after which a snapshot is taken.
    public let snapshotSteps: Set<Int>
    private let write: (Int) throws -> Void

    /// `write(k)` saves snapshot k (1-based) of the model as it is.
    public init(snapshotSteps: [Int], write: @escaping (Int) throws -> Void) {
        self.snapshotSteps = Set(snapshotSteps)
        self.write = write
        ordered = snapshotSteps.sorted()
    }

    private let ordered: [Int]

    /// Calls `write` at the `batchEnd` that brings the optimizer's step count to one of `snapshotSteps`.
    public func handle(_ event: TrainingEvent, trainer: Trainer) throws {
        guard case .batchEnd = event, snapshotSteps.contains(trainer.optimizer.stepCount) else { return }
        try write(ordered.firstIndex(of: trainer.optimizer.stepCount)! + 1)
    }
}
