import Anneal
import ArgumentParser
import Foundation

extension TestTimeAugmentation: ExpressibleByArgument {}

let testTimeAugmentationHelp = ArgumentHelp(
    "Test-time augmentation when evaluating: none, or flip (mean probability of each image and its mirror image).")

/// Preprocessing fitted on the training set, augmentation, and loader threads
/// for `anneal train` (one `@OptionGroup`).
struct TrainingDataOptions: ParsableArguments {
    @Option(help: "Normalization fitted on the training set: global, per-channel or none.")
    var normalize = "none"
    @Option(help: "Whitening fitted on the training set (eigenvectors of its covariance): none, pca or zca.")
    var whiten = "none"
    @Option(help: "PCA: keep the K leading components (flat inputs, mlp only); with --whiten none a plain projection.")
    var pcaComponents: Int?
    @Option(help: "Whitening: ε added to every eigenvalue before dividing by its square root.")
    var whitenEpsilon: Float = 0.01
    @Option(help: ArgumentHelp(
        "Augmentation: comma-separated NAME[:ARG[:KEY=VALUE…]], e.g. flip,crop:4,affine:rot=10:shear=5:scale=0.9-1.1,lens:0.1,erase:0.5,mixup:0.2.",
        discussion: "Names: " + AugmentationSpec.grammar.map { item in
            item.name + (item.argument.isEmpty ? "" : "[:\(item.argument)]") + " (" + item.keys.joined(separator: " ") + ")"
        }.joined(separator: "; ") + ". Ranges are LOW-HIGH; one number means ±value (1±value for scale/stretch).",
        valueName: "spec"))
    var augment: String?
    @Option(help: "Background threads prefetching training batches (default: 1 with --augment, else 0).")
    var loaderThreads: Int?
    @Option(help: testTimeAugmentationHelp) var tta: TestTimeAugmentation = .none

    func validate() throws {
        _ = try normalization()
        _ = try whitening()
        if let k = pcaComponents, k <= 0 { throw ValidationError("--pca-components must be positive, got \(k)") }
        if pcaComponents != nil && whiten == "zca" {
            throw ValidationError("--pca-components does not combine with --whiten zca (ZCA keeps every component); use --whiten pca")
        }
        guard whitenEpsilon >= 0 && whitenEpsilon.isFinite else { throw ValidationError("--whiten-epsilon must be ≥ 0, got \(whitenEpsilon)") }
        if let n = loaderThreads, n < 0 || n > 64 { throw ValidationError("--loader-threads must be in 0...64, got \(n)") }
        _ = try augmentation()
    }

    func normalization() throws -> Preprocessing.Normalization {
        guard let value = Preprocessing.Normalization(rawValue: normalize) else {
            throw ValidationError("unknown --normalize '\(normalize)'; valid: \(Preprocessing.Normalization.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return value
    }

    func whitening() throws -> Preprocessing.WhiteningMethod {
        guard let value = Preprocessing.WhiteningMethod(rawValue: whiten) else {
            throw ValidationError("unknown --whiten '\(whiten)'; valid: \(Preprocessing.WhiteningMethod.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return value
    }

    func augmentation() throws -> AugmentationSpec {
        do { return try AugmentationSpec.parse(augment ?? "") } catch {
            throw AugmentationSpecError("--augment: \(error.message)")
        }
    }

    /// Fits the preprocessing on `trainSet` (before augmentation: statistics of
    /// the real images), wraps the set in the augmentation pipeline and builds the
    /// shuffled training loader. Augmentation, shuffling and mixing all draw from
    /// `seed`, so a run reproduces exactly with any --loader-threads.
    func makeTrainingData(trainSet: TensorDataset, batchSize: Int, seed: UInt64) throws -> TrainingData {
        let spec = try augmentation()
        let preprocessing = try Preprocessing.fit(on: trainSet, normalize: try normalization(), whiten: try whitening(),
                                                  components: pcaComponents, epsilon: whitenEpsilon)
        let dataset: any Dataset = spec.pipeline.isEmpty ? trainSet : AugmentedDataset(trainSet, pipeline: spec.pipeline, seed: seed)
        let workers = loaderThreads ?? (spec.isEmpty ? 0 : 1)
        let loader = DataLoader(dataset, batchSize: batchSize, shuffle: true, seed: seed,
                                batchTransform: spec.batchTransform, workers: workers)
        return TrainingData(loader: loader, preprocessing: preprocessing, augmentation: spec,
                            inputShape: preprocessing.outputShape(for: trainSet.sampleShape),
                            summary: "preprocessing: \(preprocessing.summary); augmentation: \(spec); loader threads: \(workers)")
    }
}

/// What `TrainingDataOptions` builds.
struct TrainingData {
    /// Shuffled, augmented, mixed and prefetched as the options say.
    var loader: DataLoader
    /// For `Trainer.preprocessing` and the weights file.
    var preprocessing: Preprocessing
    var augmentation: AugmentationSpec
    /// One sample as the model sees it after preprocessing: `[1, 28, 28]`, or `[k]` after PCA.
    var inputShape: [Int]
    /// One line for the run log.
    var summary: String

    /// Floats per sample reaching the model (an MLP's input width).
    var inputWidth: Int { inputShape.reduce(1, *) }

    /// Flat PCA features only suit the MLP; image models need ZCA or no whitening.
    func check(model name: String) throws {
        guard inputShape.count == 1 && name != "mlp" else { return }
        throw ValidationError("--pca-components/--whiten pca give flat [\(inputShape[0])] inputs, which only --model mlp takes; use --whiten zca for \(name)")
    }
}
