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
    public let model: Module
    public let optimizer: Optimizer
    /// Maps (logits, batch) to the mean loss to minimize.
    public var lossFunction: (Tensor, Batch) -> Tensor
    public var callbacks: [TrainingCallback]
    /// Set by a callback to end `fit` after the current batch.
    public var stopRequested = false
    /// Applied to every batch's inputs before the model (fitted normalization).
    public var preprocessing: Preprocessing = .none
    /// Views averaged when evaluating after each epoch (`.none`: the plain output).
    public var testTimeAugmentation: TestTimeAugmentation = .none
    /// Completed epochs (what `fit` resumes from).
    public private(set) var history: [EpochRecord] = []

    public init(model: Module, optimizer: Optimizer, callbacks: [TrainingCallback] = [],
                lossFunction: @escaping (Tensor, Batch) -> Tensor = Trainer.crossEntropyLoss) {
        self.model = model
        self.optimizer = optimizer
        self.callbacks = callbacks
        self.lossFunction = lossFunction
    }

    /// Softmax cross-entropy against the batch's probability targets (Mixup,
    /// CutMix) when it has them, else against its labels.
    public static func crossEntropyLoss(_ logits: Tensor, _ batch: Batch) -> Tensor {
        batch.targets.map { crossEntropy(logits, targets: $0) } ?? crossEntropy(logits, labels: batch.labels)
    }

    /// Trains until `epochs` epochs are complete (continuing after `history`),
    /// evaluating on `evaluation` after each epoch when given.
    @discardableResult
    public func fit(_ train: DataLoader, evaluation: DataLoader? = nil, epochs: Int) throws -> [EpochRecord] {
        stopRequested = false
        let start = history.count
        try emit(.fitBegin(FitPlan(epochs: epochs, startEpoch: start, stepsPerEpoch: train.count,
                                   trainingSamples: train.dataset.count)))
        for epoch in start..<epochs where !stopRequested {
            let record = try trainEpoch(train, epoch: epoch, evaluation: evaluation)
            history.append(record)
            try emit(.epochEnd(record))
        }
        try emit(.fitEnd(history))
        return history
    }

    private func trainEpoch(_ loader: DataLoader, epoch: Int, evaluation: DataLoader?) throws -> EpochRecord {
        try emit(.epochBegin(epoch: epoch))
        model.train()
        let clock = ContinuousClock(), started = clock.now
        var metrics = Metrics()
        let learningRate = optimizer.learningRate
        for (step, batch) in loader.batches(epoch: epoch).enumerated() {
            try emit(.batchBegin(epoch: epoch, step: step))
            let logits = model(preprocessing.apply(batch.inputs))
            let loss = lossFunction(logits, batch)
            let lossValue = loss.item()
            optimizer.zeroGrad()
            loss.backward()
            try emit(.afterBackward(epoch: epoch, step: step, loss: lossValue))
            optimizer.step()
            metrics.add(meanLoss: lossValue, logits: logits.detached(), labels: batch.labels)
            let elapsed = (clock.now - started).seconds
            try emit(.batchEnd(BatchReport(epoch: epoch, step: step, stepsPerEpoch: loader.count, loss: lossValue,
                                           running: metrics, learningRate: optimizer.learningRate,
                                           imagesPerSecond: Double(metrics.samples) / max(elapsed, 1e-9),
                                           epochSeconds: elapsed)))
            if stopRequested { break }
        }
        let trainSeconds = (clock.now - started).seconds
        try emit(.stepsEnd(epoch: epoch))
        let evaluated = evaluation.map {
            Trainer.evaluate(model, on: $0, lossFunction: lossFunction, preprocessing: preprocessing,
                             testTimeAugmentation: testTimeAugmentation)
        }
        return EpochRecord(epoch: epoch, train: metrics, evaluation: evaluated,
                           learningRate: learningRate, seconds: trainSeconds)
    }

    /// Loss and accuracy of `model` in evaluation mode, recording no graph; with
    /// test-time augmentation, of its averaged views' scores.
    public static func evaluate(_ model: Module, on loader: DataLoader,
                                lossFunction: (Tensor, Batch) -> Tensor = Trainer.crossEntropyLoss,
                                preprocessing: Preprocessing = .none,
                                testTimeAugmentation: TestTimeAugmentation = .none) -> Metrics {
        let wasTraining = model.isTraining
        model.eval()
        defer { model.train(wasTraining) }
        var metrics = Metrics()
        withoutGrad {
            for batch in loader.batches() {
                let logits = testTimeAugmentation.scores(model, batch.inputs, preprocessing: preprocessing)
                metrics.add(meanLoss: lossFunction(logits, batch).item(), logits: logits, labels: batch.labels)
            }
        }
        return metrics
    }

    /// Logits (or test-time-augmented scores) for every sample of `loader`, in order ([N, C]).
    public static func predict(_ model: Module, on loader: DataLoader, preprocessing: Preprocessing = .none,
                               testTimeAugmentation: TestTimeAugmentation = .none) -> Tensor {
        let wasTraining = model.isTraining
        model.eval()
        defer { model.train(wasTraining) }
        return withoutGrad {
            Tensor.concat(loader.batches().map {
                testTimeAugmentation.scores(model, $0.inputs, preprocessing: preprocessing)
            }, axis: 0)
        }
    }

    private func emit(_ event: TrainingEvent) throws {
        for callback in callbacks { try callback.handle(event, trainer: self) }
    }
}

extension Duration {
    /// The duration in seconds (for timings and reports).
    public var seconds: Double { Double(components.seconds) + Double(components.attoseconds) * 1e-18 }
}
