import AnnealData
import AnnealDistributed
import AnnealIO
import AnnealNN
import AnnealReports
import AnnealTensor
import AnnealTraining

/// Features of a trained network for every image of a data set: the output of a
/// named layer (or the head's input, the penultimate features), flattened to one
/// row per image, in evaluation mode, after the weights file's preprocessing.
public enum Features {
    /// `epoch`: the draws of an `AugmentedDataset` (each epoch its own).
    public static func extract(_ model: Module, layer: String?, from dataset: any Dataset, preprocessing: Preprocessing,
                               batchSize: Int = 500, epoch: Int = 0) throws -> Tensor {
        try model.withMode(training: false) { try withoutGrad {
            var rows: [Tensor] = []
            for batch in DataLoader(dataset, batchSize: batchSize).batches(epoch: epoch) {
                let features = try model.features(preprocessing.apply(batch.inputs), at: layer)
                rows.append(features.reshape([batch.count, -1]))
            }
            return Tensor.concat(rows, axis: 0)
        } }
    }
}

extension Features {
    /// What `anneal features` does: the features of `images(model)` (chosen for the
    /// weights file's model, e.g. at its input size) through the network of a
    /// weights file, written as an N×D float32 .npy to `out`; with `labelsOut`, the
    /// images' labels beside them. Returns the size and the layer's name.
    ///
    /// With `augmentation` (per-image items only: flips, crops, …), `copies` augmented
    /// versions of every image, one whole set after another, each with its own draws
    /// from `seed`: training features for a frozen-feature head as the notes suggest.
    public static func write(weights: String, preset: ModelPreset? = nil, layer: String?, batchSize: Int = 500,
                             images: (ModelConfig) throws -> any Dataset, augmentation: AugmentationSpec? = nil, copies: Int = 1,
                             seed: UInt64 = 0, to out: String, labelsOut: String? = nil) throws -> (rows: Int, width: Int, layer: String) {
        guard copies >= 1 else { throw ConfigError(field: "copies", "must be at least 1, got \(copies)") }
        if copies > 1 && augmentation?.pipeline.isEmpty ?? true { throw ConfigError(field: "copies", "\(copies) copies of the same images need an augmentation to differ") }
        if let transform = augmentation?.batchTransform {
            throw ConfigError(field: "augment", "\(transform) mixes images and labels across a batch; features take per-image items (flip, crop, …)")
        }
        let (model, config, preprocessing) = try WeightsFile.loadModel(weights, preset: preset)
        let images = try images(config)
        let dataset: any Dataset = augmentation.map { AugmentedDataset(images, pipeline: $0.pipeline, seed: seed) } ?? images
        let features = try Tensor.concat((0..<copies).map { copy in
            try extract(model, layer: layer, from: dataset, preprocessing: preprocessing, batchSize: batchSize, epoch: copy)
        }, axis: 0)
        try NPYFile.write(features.scalars, shape: features.shape, to: out)
        if let labelsOut {
            let labels = (0..<dataset.count).map { Float(dataset.label(at: $0)) }
            try NPYFile.write(Array(repeatElement(labels, count: copies).joined()), shape: [copies * dataset.count], to: labelsOut)
        }
        return (features.shape[0], features.shape[1], layer ?? "\(model.headName ?? "?") (its input)")
    }
}

/// A backbone read up to one layer, then a new linear head: what `fit-head` trains
/// on features, as a model that `evaluate` and `predict` can run.
public final class HeadOnFeatures: Module {
    /// The trained network the features come from, read up to `layer`.
    public let backbone: Module
    /// The new classifier on the flattened features of `layer`.
    public let head: Linear
    /// The backbone layer whose output the head reads (nil: the backbone's head's input).
    public let layer: String?

    /// `head` on the output of `backbone`'s `layer`.
    /// - Throws: `LayerNotFound`, listing the backbone's layers, when it has no layer named `layer`.
    public init(backbone: Module, layer: String?, head: Linear) throws {
        self.backbone = backbone
        self.layer = layer
        self.head = head
        super.init()
        // Fails now, with the layer names, rather than at the first batch.
        if let layer, !backbone.namedModules().contains(where: { $0.name == layer && !layer.isEmpty }) {
            throw LayerNotFound(layer: layer, known: backbone.namedModules().map(\.name).filter { !$0.isEmpty })
        }
    }

    /// Checks that the head takes as many features as the layer gives for inputs of `sampleShape`.
    public func checkFeatureSize(sampleShape: [Int]) throws {
        let width = try withoutGrad {
            backbone.eval()
            return try backbone.features(Tensor.zeros([1] + sampleShape), at: layer).count
        }
        guard width == head.weight.shape[1] else {
            throw LinearHeadError("the head takes \(head.weight.shape[1]) features but layer \(layer ?? "(the head's input)") gives \(width); "
                                  + "fit it on features of the same layer (anneal features --layer, fit-head --layer)")
        }
    }

    /// The head's scores for `input`, from the layer's output flattened to one row per image.
    public override func forward(_ input: Tensor) -> Tensor {
        let features = try! backbone.features(input, at: layer)
        return head(features.reshape([input.shape[0], -1]))
    }
}
