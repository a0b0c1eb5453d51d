import AnnealData
import AnnealDistributed
import AnnealNN
import AnnealOptim
import AnnealReports
import AnnealTensor
import AnnealTraining

/// The pieces `Run` assembles, each from a resolved configuration; the recipe
/// checks (doctor) build theirs the same way.
extension RunConfig {
    /// The training images (optionally a subset) and the evaluation images: the
    /// test set, or with a validation split that fraction of the training images
    /// (split by the seed), in which case the test set is not read at all.
    /// `data.classes` keeps those classes only; `data.perClass` then draws a few-shot
    /// subset; `data.trainSubset` takes the first N of what is left. `warnings` name
    /// images left out (`data.skipBadImages`).
    public func loadData() throws -> (train: any Dataset, evaluation: any Dataset, warnings: [String]) {
        let (full, warnings) = try load(data.dataset, test: false)
        var train = try selectingClasses(full)
        if let n = data.perClass { train = try train.sampling(perClass: n, seed: seed) }
        if let subset = data.trainSubset { train = train.prefix(subset) }
        if data.validationSplit > 0 {
            let parts = train.split(validationFraction: data.validationSplit, seed: seed)
            return (parts.train, parts.validation, warnings)
        }
        let (test, testWarnings) = try loadTestSetWithWarnings(matching: full)
        return (train, test, warnings + testWarnings)
    }

    /// All training images (of `data.classes`, when given), before few-shot subsets and
    /// splits; `warnings` name images left out.
    public func loadTrainingSet() throws -> (dataset: any Dataset, warnings: [String]) {
        let (full, warnings) = try load(data.dataset, test: false)
        return (try selectingClasses(full), warnings)
    }

    /// The test images (of `data.classes`, when given).
    public func loadTestSet() throws -> any Dataset {
        try loadTestSetWithWarnings(matching: nil).dataset
    }

    private func loadTestSetWithWarnings(matching train: (any Dataset)?) throws -> (dataset: any Dataset, warnings: [String]) {
        let (test, warnings): (any Dataset, [String])
        if let source = data.testDataset {
            (test, warnings) = try load(source, test: false, field: "data.testDataset")
        } else {
            (test, warnings) = try load(data.dataset, test: true)
        }
        if let train {
            guard test.sampleShape == train.sampleShape else {
                throw ConfigError(field: "data.testDataset", "the test images are \(test.sampleShape), the training images \(train.sampleShape)"
                                  + (data.dataset.isImageFolder ? "; --image-size resizes both" : ""))
            }
            guard test.classCount == train.classCount, test.classNames == nil || train.classNames == nil || test.classNames == train.classNames else {
                throw ConfigError(field: "data.testDataset", "the test images have classes \(test.classNames ?? (0..<test.classCount).map(String.init)), "
                                  + "the training images \(train.classNames ?? (0..<train.classCount).map(String.init))")
            }
        }
        return (try selectingClasses(test), warnings)
    }

    /// A source's training images, or with `test` its own test images.
    private func load(_ source: DataSource, test: Bool, field: String = "data.dataset") throws -> (dataset: any Dataset, warnings: [String]) {
        func noTestSplit() -> ConfigError {
            ConfigError(field: "data.dataset", "\(source) has no test images; name them (--test-data SPEC) or hold out a validation split (--val-split F)")
        }
        switch source {
        case .fashionMNIST:
            return (try FashionMNIST.load(test ? .test : .train, from: data.directory), [])
        case .cifar10(let directory):
            return (try CIFAR10.load(train: !test, from: directory), [])
        case .npy(let images, let labels, let layout):
            guard !test else { throw noTestSplit() }
            return (try ArrayDataset.loadNPY(images: images, labels: labels, layout: layout), [])
        case .idx(let images, let labels):
            guard !test else { throw noTestSplit() }
            return (try ArrayDataset.loadIDX(images: images, labels: labels), [])
        case .imageFolder(let path):
            let layout = ImageFolder.layout(of: path)
            guard let folder = test ? layout.test : layout.train else { throw noTestSplit() }
            let (dataset, skipped) = try ImageFolder.load(folder, imageSize: data.imageSize, skipBadImages: data.skipBadImages)
            guard let first = skipped.first else { return (dataset, []) }
            return (dataset, ["warning: left out \(skipped.count) unreadable image\(skipped.count == 1 ? "" : "s") of \(folder) (the first, \(first.path): \(first.reason))"])
        }
    }

    private func selectingClasses(_ dataset: any Dataset) throws -> any Dataset {
        guard let classes = data.classes else { return dataset }
        do { return try dataset.selectingClasses(classes) } catch { throw ConfigError(field: "data.classes", error.message) }
    }

    /// Normalization and whitening fitted on `train` (before augmentation: statistics of the real images;
    /// call it on a resolved configuration, which holds the preset's normalization).
    public func fitPreprocessing(on train: any Dataset) throws -> Preprocessing {
        do {
            return try Preprocessing.fit(on: train, normalize: data.normalize ?? .none, whiten: data.whiten,
                                         components: data.pcaComponents, epsilon: data.whitenEpsilon)
        } catch let error as PreprocessingError {
            throw ConfigError(field: "data.whiten", "\(error)")
        }
    }

    /// The shuffled training loader over the augmented images. Shuffling,
    /// augmentation and mixing all draw from the seed, so a run reproduces
    /// exactly with any number of loader threads.
    public func makeTrainLoader(_ train: any Dataset, augmentation: AugmentationSpec) -> DataLoader {
        let dataset: any Dataset = augmentation.pipeline.isEmpty ? train : AugmentedDataset(train, pipeline: augmentation.pipeline, seed: seed)
        var loader = DataLoader(dataset, batchSize: data.batchSize ?? recipe.batchSize, shuffle: true, seed: seed,
                                batchTransform: augmentation.batchTransform, workers: data.loaderThreads ?? 0)
        loader.sampling = data.sampler ?? .uniform
        return loader
    }

    /// The model configuration for the training images `train`, whose samples the
    /// model sees with shape `inputShape` after preprocessing (`[C, H, W]`, or `[k]`
    /// after a PCA projection, which only the mlp takes): input shape and classes
    /// from the data.
    public func modelConfig(for train: any Dataset, inputShape: [Int]) throws -> ModelConfig {
        var config = model
        if inputShape.count == 1 {
            guard model.name == .mlp else {
                throw ConfigError(field: "data.whiten", "PCA gives flat [\(inputShape[0])] inputs, which only the mlp model takes; use zca for \(model.name.rawValue)")
            }
            config.inputs = inputShape[0]
        } else {
            config.inputShape = inputShape
            if model.name == .mlp { config.inputs = inputShape.reduce(1, *) }
        }
        if let classes = model.classes, classes < train.classCount {
            throw ConfigError(field: "model.classes", "\(classes) outputs cannot tell apart the data's \(train.classCount) classes")
        }
        config.classes = model.classes ?? train.classCount
        config.classNames = train.classNames
        try config.validate()
        return config
    }

    /// The learning-rate schedule for `stepsPerEpoch` steps per epoch (resolved
    /// configuration): the schedule, and with SWA and its own rate, that rate constant
    /// from the averaging phase on.
    /// With data parallelism over `ranks`, the batch the linear scaling rule sees is
    /// the global one (ranks × batch × accumulated batches).
    public func makeSchedule(stepsPerEpoch: Int, ranks: Int = 1) throws -> any LearningRateSchedule {
        let schedule = try self.schedule.makeSchedule(baseLR: optimizer.learningRate ?? optimizer.name.defaultLearningRate,
                                                      epochs: epochs ?? recipe.epochs, stepsPerEpoch: stepsPerEpoch,
                                                      batchSize: (data.batchSize ?? recipe.batchSize) * ranks * parallel.accumulate)
        guard let rate = control.swaLearningRate, let start = control.swaStartEpoch else { return schedule }
        let switchStep = (start - 1) * stepsPerEpoch
        return switchStep == 0 ? ConstantSchedule(rate) : ScheduleSequence([schedule, ConstantSchedule(rate)], milestones: [switchStep])
    }

    /// Cross-entropy with the configured label smoothing (mixed targets smoothed
    /// the same way: (1 − ε)·q + ε/C), plus the L1/L2 penalties on `model`'s weights.
    /// `classCounts`: the training images per class, which `data.classWeights` balanced reads.
    public func makeLossFunction(for model: Module, classCounts: [Int] = []) -> (Tensor, Batch) -> Tensor {
        var loss: (Tensor, Batch) -> Tensor = Trainer.crossEntropyLoss
        let smoothing = regularization.labelSmoothing ?? recipe.labelSmoothing
        if data.classWeights == .balanced {
            let weights = balancedClassWeights(counts: classCounts)
            loss = { logits, batch in
                // A wider head than the data's classes: the extra outputs weigh nothing (they have no samples).
                let w = weights + [Float](repeating: 0, count: max(0, logits.shape[1] - weights.count))
                guard let targets = batch.targets else { return crossEntropy(logits, labels: batch.labels, classWeights: w, labelSmoothing: smoothing) }
                return crossEntropy(logits, targets: targets * (1 - smoothing) + smoothing / Float(logits.shape[1]), classWeights: w)
            }
        } else if smoothing > 0 {
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
