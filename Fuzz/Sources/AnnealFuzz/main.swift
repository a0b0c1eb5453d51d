import Anneal
import Foundation

/// The parsers of files and text users hand to Anneal, one fuzz target each. The
/// contract every target checks: the parser returns a value or throws one of
/// Anneal's typed errors; it never traps, never allocates more than the input
/// can justify (libFuzzer's -malloc_limit_mb), never hangs (-timeout).
enum FuzzTarget: String, CaseIterable {
    case idx, npy, safetensors, png, jpeg
    case dataSource = "data-source"
    case augmentSpec = "augment-spec"
    case searchSpace = "search-space"
    case schedule
    case runConfig = "run-config"
    case checkpoint

    func run(_ bytes: [UInt8]) throws {
        let text = String(decoding: bytes, as: UTF8.self)
        switch self {
        case .idx: _ = try IDXFile.decode(bytes, path: "input")
        case .npy: _ = try NPYFile.decodeArray(bytes, path: "input")
        case .safetensors: _ = try SafeTensorsFile.decode(bytes, path: "input")
        case .png, .jpeg:
            // One entry point for both formats (told apart by the first bytes); a decoded image also resizes and converts.
            let image = try Bitmap.decode(bytes, path: "input")
            _ = image.resized(width: 7, height: 5).converted(toChannels: image.channels >= 3 ? 1 : 3)
        case .dataSource:
            let source = try DataSource(parsing: text)
            guard try DataSource(parsing: source.description) == source else { fatalError("'\(text)' does not round-trip") }
        case .augmentSpec:
            // A spec that parses must also run: on one small image, twice.
            let spec = try AugmentationSpec.parse(text)
            let images = try TensorDataset(samples: Tensor((0..<128).map { Float($0) / 128 }, shape: [2, 1, 8, 8]), labels: [0, 1])
            let loader = DataLoader(AugmentedDataset(images, pipeline: spec.pipeline, seed: 1), batchSize: 2,
                                    batchTransform: spec.batchTransform)
            _ = loader.batches(epoch: 0)[0]
            _ = loader.batches(epoch: 1)[0]
        case .searchSpace:
            let space = try SearchSpace.parse(text)
            var base = RunConfig()
            var random = SearchRandom(seed: 1)
            let sample = space.sample(using: &random)
            for config in [sample] + space.grid(points: 3, limit: 16) + [space.narrowed(around: [sample]).sample(using: &random)] {
                for (name, value) in config { base = (try? base.setting(name, to: value)) ?? base }
            }
        case .schedule:
            // A schedule configuration as JSON, built and evaluated over a short run.
            var config = try RunConfig.decode(Data(Array(#"{"schedule": "#.utf8) + bytes + Array("}".utf8)))
            config.epochs = 4
            let resolved = try config.resolved()
            var schedule = try resolved.schedule.makeSchedule(baseLR: 0.1, epochs: 4, stepsPerEpoch: 5, batchSize: 64)
            for step in 0..<20 {
                _ = schedule.lr(step)
                if step % 5 == 4 && schedule.monitorsMetric { schedule.observe(metric: Double(step % 3), step: step + 1) }
            }
        case .runConfig:
            let config = try RunConfig.decode(Data(bytes)).resolved()
            _ = try RunConfig.decode(config.jsonData())
        case .checkpoint:
            try Self.checkpoint(bytes)
        }
    }

    /// A safetensors file as a checkpoint of a tiny run. The harness puts in the
    /// checksum the input's contents deserve, so the checks after it are reached too.
    static func checkpoint(_ bytes: [UInt8]) throws {
        var file = try SafeTensorsFile.decode(bytes, path: "input")
        let tensors = file.tensors.mapValues { ($0.shape, $0.values) }
        file.metadata["anneal.checksum"] = String(Checkpoint.checksum(metadata: file.metadata, tensors: tensors))
        let checkpoint = try Checkpoint.decode(file.encoded(), path: "input")
        try checkpoint.restore(into: checkpointTrainer)
    }
}

/// The tiny run the checkpoint target restores into (built once: restoring replaces all its state).
// One libFuzzer thread calls the target, so the shared trainer is never touched concurrently.
nonisolated(unsafe) let checkpointTrainer: Trainer = {
    let model = GlobalRandom.withSeed(0) { () -> Module in
        var c = ModelConfig(name: .mlp)
        c.hidden = [2]
        c.dropout = 0.5
        return try! c.makeModel()
    }
    return Trainer(model: model, optimizer: SGD(model.parameters, learningRate: 0.1, momentum: 0.9),
                   callbacks: [LearningRateScheduler(ConstantSchedule(0.1)), EarlyStopping(patience: 2),
                               WeightAveraging(decay: 0.9), NaNGuard(save: { _ in "/nonexistent/g.safetensors" })])
}()

/// The error types of Anneal's contract: anything else escaping a parser is a bug.
func isTyped(_ error: Error) -> Bool {
    switch error {
    case is AnnealIOError, is ConfigError, is CheckpointError, is AugmentationSpecError, is SearchSpecError,
         is PreprocessingError, is DatasetError, is StateDictMismatch, is OptimizerStateMismatch,
         is RandomStreamMismatch, is ScheduleStateMismatch:
        return true
    default:
        return false
    }
}

private let target: FuzzTarget = {
    guard let name = ProcessInfo.processInfo.environment["ANNEAL_FUZZ_TARGET"], let target = FuzzTarget(rawValue: name) else {
        fatalError("set ANNEAL_FUZZ_TARGET to one of: \(FuzzTarget.allCases.map(\.rawValue).joined(separator: ", "))")
    }
    return target
}()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = size > 0 ? Array(UnsafeBufferPointer(start: data, count: size)) : []
    do { try target.run(bytes) } catch {
        if !isTyped(error) { fatalError("\(target.rawValue): untyped error \(type(of: error)): \(error)") }
    }
    return 0
}

// SwiftPM links an executable's `main` to `AnnealFuzz_main`; hand control to libFuzzer's driver from there.
@_silgen_name("LLVMFuzzerRunDriver")
func runFuzzerDriver(_ argc: UnsafeMutablePointer<CInt>,
                     _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
                     _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt) -> CInt

@_cdecl("AnnealFuzz_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var argc = argc, argv = argv
    return runFuzzerDriver(&argc, &argv, fuzzOneInput)
}
