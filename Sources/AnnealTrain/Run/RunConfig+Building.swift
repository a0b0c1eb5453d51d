import AnnealData
import AnnealNN
import AnnealOptim
import AnnealTensor

/// The pieces `Run` assembles, each from a resolved configuration; the recipe
/// checks (doctor) build theirs the same way.
extension RunConfig {
    /// The training images (optionally a subset) and the evaluation images: the
    /// test set, or with a validation split that fraction of the training images
    /// (split by the seed), in which case the test set is not read at all.
    /// `data.classes` keeps those classes only; `data.perClass` then draws a few-shot
    /// subset; `data.trainSubset` takes the first N of what is left.
    public func loadData() throws -> (train: TensorDataset, evaluation: TensorDataset) {
        var train = try selectingClasses(FashionMNIST.load(.train, from: data.directory))
        if let n = data.perClass { train = try train.sampling(perClass: n, seed: seed) }
        if let subset = data.trainSubset { train = train.prefix(subset) }
        if data.validationSplit > 0 {
            let parts = train.split(validationFraction: data.validationSplit, seed: seed)
            return (parts.train, parts.validation)
        }
        return (train, try loadTestSet())
    }

    /// The test images (of `data.classes`, when given).
    public func loadTestSet() throws -> TensorDataset { try selectingClasses(FashionMNIST.load(.test, from: data.directory)) }

    private func selectingClasses(_ dataset: TensorDataset) throws -> TensorDataset {
        guard let classes = data.classes else { return dataset }
        do { return try dataset.selectingClasses(classes) } catch { throw ConfigError(field: "data.classes", error.message) }
    }

    /// Normalization and whitening fitted on `train` (before augmentation: statistics of the real images).
    public func fitPreprocessing(on train: TensorDataset) throws -> Preprocessing {
        do {
            return try Preprocessing.fit(on: train, normalize: data.normalize, whiten: data.whiten,
                                         components: data.pcaComponents, epsilon: data.whitenEpsilon)
        } catch let error as PreprocessingError {
            throw ConfigError(field: "data.whiten", "\(error)")
        }
    }

    /// The shuffled training loader over the augmented images. Shuffling,
    /// augmentation and mixing all draw from the seed, so a run reproduces
    /// exactly with any number of loader threads.
    public func makeTrainLoader(_ train: TensorDataset, augmentation: AugmentationSpec) -> DataLoader {
        let dataset: any Dataset = augmentation.pipeline.isEmpty ? train : AugmentedDataset(train, pipeline: augmentation.pipeline, seed: seed)
        return DataLoader(dataset, batchSize: data.batchSize ?? recipe.batchSize, shuffle: true, seed: seed,
                          batchTransform: augmentation.batchTransform, workers: data.loaderThreads ?? 0)
    }

    /// The model configuration for samples of `inputShape` as the model sees them
    /// (`[1, 28, 28]`, or `[k]` after a PCA projection, which only the mlp takes).
    public func modelConfig(inputShape: [Int]) throws -> ModelConfig {
        var config = model
        if inputShape.count == 1 {
            guard model.name == .mlp else {
                throw ConfigError(field: "data.whiten", "PCA gives flat [\(inputShape[0])] inputs, which only the mlp model takes; use zca for \(model.name.rawValue)")
            }
            config.inputs = inputShape[0]
        }
        try config.validate()
        return config
    }

    /// The learning-rate schedule for `stepsPerEpoch` steps per epoch (resolved
    /// configuration): the schedule, and with SWA and its own rate, that rate constant
    /// from the averaging phase on.
    public func makeSchedule(stepsPerEpoch: Int) throws -> any LearningRateSchedule {
        let schedule = try self.schedule.makeSchedule(baseLR: optimizer.learningRate ?? optimizer.name.defaultLearningRate,
                                                      epochs: epochs ?? recipe.epochs, stepsPerEpoch: stepsPerEpoch,
                                                      batchSize: data.batchSize ?? recipe.batchSize)
        guard let rate = control.swaLearningRate, let start = control.swaStartEpoch else { return schedule }
        let switchStep = (start - 1) * stepsPerEpoch
        return switchStep == 0 ? ConstantSchedule(rate) : ScheduleSequence([schedule, ConstantSchedule(rate)], milestones: [switchStep])
    }

    /// Cross-entropy with the configured label smoothing (mixed targets smoothed
    /// the same way: (1 − ε)·q + ε/C), plus the L1/L2 penalties on `model`'s weights.
    public func makeLossFunction(for model: Module) -> (Tensor, Batch) -> Tensor {
        var loss: (Tensor, Batch) -> Tensor = Trainer.crossEntropyLoss
        let smoothing = regularization.labelSmoothing ?? recipe.labelSmoothing
        if smoothing > 0 {
            loss = { logits, batch in
                guard let targets = batch.targets else { return crossEntropy(logits, labels: batch.labels, labelSmoothing: smoothing) }
                return crossEntropy(logits, targets: targets * (1 - smoothing) + smoothing / Float(logits.shape[1]))
            }
        }
        let (l1, l2) = (regularization.l1, regularization.l2)
        if l1 > 0 || l2 > 0 { loss = WeightPenalty(l1: l1, l2: l2).addingTo(loss, model: model) }
        return loss
    }
}
