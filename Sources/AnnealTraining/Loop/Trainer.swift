import AnnealData
import AnnealNN
import AnnealOptim
import AnnealTensor
import Foundation

/// The training loop: epochs of forward, loss, backward and optimizer step over a
/// data loader, evaluation after each epoch, and a typed event stream that
/// callbacks observe and act on (progress, metrics files, schedules, early
/// stopping …) instead of growing `if`s in here.
public final class Trainer {
    /// The model trained (and evaluated after each epoch).
    public let model: Module
    /// The optimizer that steps `model`'s parameters; its `stepCount` counts the run's steps.
    public let optimizer: Optimizer
    /// Maps (logits, batch) to the mean loss to minimize.
    public var lossFunction: (Tensor, Batch) -> Tensor
    /// Told of every event, in this order.
    public var callbacks: [TrainingCallback]
    /// Set by a callback to end `fit` after the current batch.
    public var stopRequested = false
    /// How the loop runs, fixed when the trainer is made.
    public struct Settings {
        /// Applied to every batch's inputs before the model (fitted normalization).
        public var preprocessing: Preprocessing = .none
        /// Views averaged when evaluating after each epoch (`.none`: the plain output).
        public var testTimeAugmentation: TestTimeAugmentation = .none
        /// Evaluate after every this many epochs, and after the last one (1: every epoch).
        public var evaluateEvery = 1
        /// Gradient accumulation: one optimizer step per this many loader batches, on the
        /// mean loss over all their samples (the batches' gradients add up before the step).
        public var accumulationSteps = 1
        /// Turns this process's epoch metrics (training and evaluation) into the run's:
        /// with data parallelism, the sum over the ranks (`Metrics.summed(over:)`).
        public var combineMetrics: (Metrics) throws -> Metrics = { $0 }
        /// Forward and backward of one batch whose loss weighs `share` of the step's:
        /// returns the batch's mean loss and its logits, or nil where this process does
        /// not compute the loss (a pipeline stage before the last). nil: the whole model
        /// here (`forwardBackwardHere`); pipeline parallelism replaces it.
        public var forwardBackward: ((Trainer, Batch, _ share: Float) throws -> (loss: Float, logits: Tensor)?)?

        /// Settings with `combineMetrics` the identity and `forwardBackward` nil (one process, whole model).
        public init(preprocessing: Preprocessing = .none, testTimeAugmentation: TestTimeAugmentation = .none, evaluateEvery: Int = 1,
                    accumulationSteps: Int = 1) {
            self.preprocessing = preprocessing
            self.testTimeAugmentation = testTimeAugmentation
            self.evaluateEvery = evaluateEvery
            self.accumulationSteps = accumulationSteps
        }
    }

    /// Applied to every batch's inputs before the model (`Settings.preprocessing`).
    public let preprocessing: Preprocessing
    /// Views averaged when evaluating after each epoch (`Settings.testTimeAugmentation`).
    public let testTimeAugmentation: TestTimeAugmentation
    /// Epochs between evaluations; the last epoch is always evaluated (`Settings.evaluateEvery`).
    public let evaluateEvery: Int
    /// Loader batches per optimizer step (`Settings.accumulationSteps`).
    public let accumulationSteps: Int
    /// Turns this process's epoch metrics into the run's (`Settings.combineMetrics`).
    public let combineMetrics: (Metrics) throws -> Metrics
    /// The forward and backward of one batch; nil: `forwardBackwardHere` (`Settings.forwardBackward`).
    public let forwardBackward: ((Trainer, Batch, _ share: Float) throws -> (loss: Float, logits: Tensor)?)?
    /// The evaluation scores ([N, C], as `Evaluator.predict` gives them) after the
    /// last epoch of the latest `fit` (nil when it evaluated nothing): what a report
    /// of the final weights reads instead of evaluating them again.
    public private(set) var finalEvaluationScores: Tensor?
    /// Completed epochs (what `fit` resumes from).
    public private(set) var history: [EpochRecord] = []
    /// The epoch under way, updated after every step (nil between epochs).
    public private(set) var progress: EpochProgress?

    /// Optimizer steps in an epoch of `loader`.
    public func stepsPerEpoch(_ loader: DataLoader) -> Int { (loader.count + accumulationSteps - 1) / accumulationSteps }

    /// A trainer of `model` by `optimizer`; the loss defaults to `crossEntropyLoss`.
    /// `settings.evaluateEvery` and `settings.accumulationSteps` must be ≥ 1.
    public init(model: Module, optimizer: Optimizer, callbacks: [TrainingCallback] = [],
                lossFunction: @escaping (Tensor, Batch) -> Tensor = Trainer.crossEntropyLoss, settings: Settings = Settings()) {
        precondition(settings.evaluateEvery >= 1, "Trainer: evaluateEvery must be ≥ 1, got \(settings.evaluateEvery)")
        precondition(settings.accumulationSteps >= 1, "Trainer: accumulationSteps must be ≥ 1, got \(settings.accumulationSteps)")
        self.model = model
        self.optimizer = optimizer
        self.callbacks = callbacks
        self.lossFunction = lossFunction
        preprocessing = settings.preprocessing
        testTimeAugmentation = settings.testTimeAugmentation
        evaluateEvery = settings.evaluateEvery
        accumulationSteps = settings.accumulationSteps
        combineMetrics = settings.combineMetrics
        forwardBackward = settings.forwardBackward
    }

    /// Softmax cross-entropy against the batch's probability targets (Mixup,
    /// CutMix) when it has them, else against its labels.
    public static func crossEntropyLoss(_ logits: Tensor, _ batch: Batch) -> Tensor {
        batch.targets.map { crossEntropy(logits, targets: $0) } ?? crossEntropy(logits, labels: batch.labels)
    }

    /// How evaluation after each epoch scores the model.
    public var evaluator: Evaluator {
        Evaluator(preprocessing: preprocessing, testTimeAugmentation: testTimeAugmentation, lossFunction: lossFunction)
    }

    /// Puts back where a checkpointed run stood: its finished epochs and the
    /// progress of the epoch under way; the next `fit` continues from there.
    public func restore(history: [EpochRecord], progress: EpochProgress?) {
        precondition(progress.map { $0.epoch == history.count } ?? true, "Trainer.restore: progress of epoch \(progress!.epoch) after \(history.count) epochs")
        self.history = history
        self.progress = progress
    }

    /// Trains until `epochs` epochs are complete (continuing after `history` and
    /// `progress`), evaluating on `evaluation` when given: after every
    /// `evaluateEvery` epochs and after the last.
    @discardableResult
    public func fit(_ train: DataLoader, evaluation: DataLoader? = nil, epochs: Int) throws -> [EpochRecord] {
        stopRequested = false
        finalEvaluationScores = nil
        let start = history.count
        try emit(.fitBegin(FitPlan(epochs: epochs, startEpoch: start, startStep: progress?.stepsDone ?? 0,
                                   stepsPerEpoch: stepsPerEpoch(train), trainingSamples: train.dataset.count)))
        for epoch in start..<epochs where !stopRequested {
            let evaluates = (epoch + 1) % evaluateEvery == 0 || epoch + 1 == epochs
            let record = try trainEpoch(train, epoch: epoch, evaluation: evaluates ? evaluation : nil, last: epoch + 1 == epochs)
            history.append(record)
            progress = nil
            try emit(.epochEnd(record))
        }
        try emit(.fitEnd(history))
        return history
    }

    private func trainEpoch(_ loader: DataLoader, epoch: Int, evaluation: DataLoader?, last: Bool) throws -> EpochRecord {
        let resumed = progress?.epoch == epoch ? progress : nil
        try emit(.epochBegin(epoch: epoch))
        model.train()
        let clock = ContinuousClock(), started = clock.now
        var metrics = resumed?.metrics ?? Metrics()
        let learningRate = resumed?.learningRate ?? optimizer.learningRate
        let earlierSeconds = resumed?.seconds ?? 0
        var step = resumed?.stepsDone ?? 0
        let k = accumulationSteps, steps = stepsPerEpoch(loader)
        var batches = loader.batches(epoch: epoch).makeIterator(from: Swift.min(step * k, loader.count))
        while true {
            var group: [Batch] = []
            while group.count < k, let batch = batches.next() { group.append(batch) }
            guard !group.isEmpty else { break }
            let lossValue = try trainStep(group, epoch: epoch, step: step, metrics: &metrics)
            let elapsed = (clock.now - started).seconds
            progress = EpochProgress(epoch: epoch, stepsDone: step + 1, metrics: metrics, learningRate: learningRate,
                                     seconds: earlierSeconds + elapsed)
            try emit(.batchEnd(BatchReport(epoch: epoch, step: step, stepsPerEpoch: steps, loss: lossValue,
                                           running: metrics, learningRate: optimizer.learningRate,
                                           imagesPerSecond: Double(metrics.samples - (resumed?.metrics.samples ?? 0)) / max(elapsed, 1e-9),
                                           epochSeconds: earlierSeconds + elapsed)))
            step += 1
            if stopRequested { break }
        }
        let trainSeconds = earlierSeconds + (clock.now - started).seconds
        try emit(.stepsEnd(epoch: epoch))
        // The last epoch's scores are kept for the reports on the final weights.
        let evaluated = try evaluation.map { loader in
            let (metrics, scores) = evaluator.evaluate(model, on: loader, keepingScores: last)
            finalEvaluationScores = scores
            return try combineMetrics(metrics)
        }
        return EpochRecord(epoch: epoch, train: try combineMetrics(metrics), evaluation: evaluated,
                           learningRate: learningRate, seconds: trainSeconds)
    }

    /// One optimizer step on `group` (one loader batch, or `accumulationSteps` of
    /// them): forward, loss and backward of each, then the optimizer's step, with the
    /// step's events around them. Adds the batches to `metrics`; returns the step's
    /// mean loss. `fit` runs every step through this; `anneal bench train` times it.
    public func trainStep(_ group: [Batch], epoch: Int, step: Int, metrics: inout Metrics) throws -> Float {
        try emit(.batchBegin(epoch: epoch, step: step))
        optimizer.zeroGrad()
        let total = Float(group.reduce(0) { $0 + $1.count })
        var lossValue: Float = 0
        for batch in group {
            // The step's loss is the mean over all its samples: each batch weighs its share.
            let share = group.count == 1 ? 1 : Float(batch.count) / total
            let result = try forwardBackward.map { try $0(self, batch, share) } ?? forwardBackwardHere(batch, share: share)
            guard let (value, logits) = result else { continue }
            lossValue += value * share
            metrics.add(meanLoss: value, logits: logits.detached(), labels: batch.labels)
        }
        try emit(.afterBackward(epoch: epoch, step: step, loss: lossValue))
        optimizer.step()
        return lossValue
    }

    /// The plain step: the whole model, forward and backward, in this process.
    public func forwardBackwardHere(_ batch: Batch, share: Float) -> (loss: Float, logits: Tensor) {
        let logits = model(preprocessing.apply(batch.inputs))
        let loss = lossFunction(logits, batch)
        let value = loss.item()
        (share == 1 ? loss : loss * share).backward()
        return (value, logits)
    }

    private func emit(_ event: TrainingEvent) throws {
        for callback in callbacks { try callback.handle(event, trainer: self) }
    }
}

extension Duration {
    /// The duration in seconds (for timings and reports).
    public var seconds: Double { Double(components.seconds) + Double(components.attoseconds) * 1e-18 }
}
