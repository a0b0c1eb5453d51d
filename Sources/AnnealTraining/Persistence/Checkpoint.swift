import AnnealIO
import AnnealNN
import AnnealOptim
import AnnealTensor
import Foundation

/// A damaged or unsuitable checkpoint: one line naming the file and the problem.
public struct CheckpointError: Error, CustomStringConvertible {
    /// The line: the file (where known) and what is wrong with it.
    public let description: String
    /// An error that prints as `description`.
    public init(_ description: String) { self.description = description }
}

/// Everything a run needs to go on exactly where it stopped: the weights, the
/// optimizer's state, every stateful callback's memory (schedule clock, early
/// stopping, weight average, NaN guard), where each random stream of the model
/// stands, the finished epochs' metrics and the progress of the epoch under way.
/// Data order and augmentation need nothing: batch i of epoch e is a function of
/// (seed, e, i).
///
/// Stored as one safetensors file: tensors under `model.`, `optimizer.` and each
/// callback's key, small values as JSON metadata, and a CRC-32 over all of it so
/// a damaged file is told from an intact one.
public struct Checkpoint {
    /// The newest checkpoint's file name in a run directory.
    public static let fileName = "checkpoint.safetensors"
    /// The checkpoint before the newest, kept until the newest is complete.
    public static let previousFileName = "checkpoint.previous.safetensors"
    /// 2: random streams only of the modules that draw, DropConnect's under its own
    /// module (`LAYER.weight_transform`). 1 (before the library split): a stream for
    /// every Linear, Conv2d, dropout and residual block, DropConnect's under the layer's name.
    public static let formatVersion = 2

    /// Everything but the tensors: configuration, history, position in the epoch and random streams.
    public struct Progress: Codable, Equatable {
        /// The format the checkpoint was written in (1 or 2; see `formatVersion`).
        public var version: Int
        /// The resolved configuration the run was started with, as JSON.
        public var config: String
        /// Kernel threads the run used (results are bit-identical only with the same count).
        public var threads: Int
        /// Ranks of a data-parallel or pipeline run (nil: written before ranks were recorded).
        public var ranks: Int?
        /// The finished epochs' records.
        public var history: [EpochRecord]
        /// The epoch under way (nil: the checkpoint was taken between epochs).
        public var epochProgress: EpochProgress?
        /// Whether a callback (early stopping) ended the run.
        public var stopped: Bool
        /// Where each random stream of the model stands, by the name of the module that draws from it.
        public var randomStreams: [String: RandomGenerator]
        /// Optimizer steps taken since the run began (over all finished and current epochs).
        public var step: Int
    }

    /// The small values (stored as JSON in the file's metadata).
    public var progress: Progress
    /// Every tensor by name: the model's under `model.`, the optimizer's under
    /// `optimizer.`, each stateful callback's under `callback.KEY.`.
    public var tensors: [String: Tensor]
    /// JSON of each stateful callback, by its key.
    public var callbackStates: [String: String]

    /// The state of `trainer` now (between steps or after an epoch).
    /// `epochMetrics` replaces the running metrics of the epoch under way (data
    /// parallelism: the sums over all ranks, not rank 0's share).
    public static func capture(_ trainer: Trainer, config: some Encodable, threads: Int, ranks: Int = 1, stopped: Bool,
                               epochMetrics: Metrics? = nil) throws -> Checkpoint {
        var tensors = trainer.model.stateDict().prefixed("model")
        tensors.merge(trainer.optimizer.stateDict().prefixed("optimizer")) { a, _ in a }
        var states: [String: String] = [:]
        for callback in trainer.callbacks.compactMap({ $0 as? StatefulCallback }) {
            let key = callback.stateKey
            precondition(states[key] == nil, "Checkpoint: two callbacks save state under '\(key)'")
            let state = try callback.saveState()
            states[key] = state.json
            tensors.merge(state.tensors.prefixed("callback.\(key)")) { a, _ in a }
        }
        let configJSON = String(decoding: try CheckpointJSON.encoder.encode(config), as: UTF8.self)
        let progress = Progress(version: formatVersion, config: configJSON, threads: threads, ranks: ranks, history: trainer.history,
                                epochProgress: trainer.progress.map { p in
                                    EpochProgress(epoch: p.epoch, stepsDone: p.stepsDone, metrics: epochMetrics ?? p.metrics,
                                                  learningRate: p.learningRate, seconds: p.seconds)
                                }, stopped: stopped, randomStreams: trainer.model.randomStreams(),
                                step: trainer.optimizer.stepCount)
        return Checkpoint(progress: progress, tensors: tensors, callbackStates: states)
    }

    /// Puts this state into `trainer` (built from the same configuration). Checks
    /// everything before changing anything it can check; throws naming what does not fit.
    public func restore(into trainer: Trainer) throws {
        if let partial = progress.epochProgress, partial.epoch != progress.history.count || partial.stepsDone < 1 {
            throw CheckpointError("the checkpoint's position (epoch \(partial.epoch + 1), step \(partial.stepsDone)) does not follow its \(progress.history.count) finished epochs")
        }
        try trainer.model.loadStateDict(tensors.under("model"))
        try trainer.optimizer.loadStateDict(tensors.under("optimizer"))
        try trainer.model.restoreRandomStreams(progress.version == 1 ? Self.migratedStreams(progress.randomStreams, of: trainer.model)
                                                                     : progress.randomStreams)
        let callbacks = trainer.callbacks.compactMap { $0 as? StatefulCallback }
        let expected = Set(callbacks.map(\.stateKey))
        guard expected == Set(callbackStates.keys) else {
            throw CheckpointError("the checkpoint's callback states \(callbackStates.keys.sorted()) do not fit the run's \(expected.sorted())")
        }
        for callback in callbacks {
            try callback.restoreState(CallbackState(json: callbackStates[callback.stateKey]!,
                                                    tensors: tensors.under("callback.\(callback.stateKey)")), trainer: trainer)
        }
        trainer.restore(history: progress.history, progress: progress.epochProgress)
    }

    /// A version-1 checkpoint's streams as version 2 keeps them: those of the
    /// modules that draw, DropConnect's moved from its layer's name to its own.
    static func migratedStreams(_ saved: [String: RandomGenerator], of model: Module) -> [String: RandomGenerator] {
        var streams: [String: RandomGenerator] = [:]
        for name in model.randomStreams().keys {
            var layer = name
            if name == "weight_transform" { layer = "" } else if name.hasSuffix(".weight_transform") { layer = String(name.dropLast(17)) }
            if let stream = saved[layer] { streams[name] = stream }
        }
        return streams
    }

    // MARK: Files

    /// Writes `DIR/checkpoint.safetensors`; the one it replaces becomes
    /// `checkpoint.previous.safetensors` first, so an interruption at any moment
    /// leaves at least one intact checkpoint (the new file is written to a
    /// temporary name, flushed and renamed in place).
    public func write(toDirectory directory: String) throws {
        var file = SafeTensorsFile()
        for (name, tensor) in tensors { file.tensors[name] = ShapedArray(shape: tensor.shape, values: tensor.scalars) }
        file.metadata = try metadata()
        let current = "\(directory)/\(Checkpoint.fileName)"
        if Directory.fileExists(current) && rename(current, "\(directory)/\(Checkpoint.previousFileName)") != 0 {
            throw CheckpointError("\(current): cannot keep it as the previous checkpoint: \(String(cString: strerror(errno)))")
        }
        FaultInjection.point(.checkpointWrite)
        try file.write(to: current)
    }

    private func metadata() throws -> [String: String] {
        var metadata = ["anneal.checkpoint": String(decoding: try CheckpointJSON.encoder.encode(progress), as: UTF8.self)]
        for (key, json) in callbackStates { metadata["anneal.callback.\(key)"] = json }
        metadata["anneal.checksum"] = String(Checkpoint.checksum(metadata: metadata, tensors: tensors.mapValues { ($0.shape, $0.scalars) }))
        return metadata
    }

    /// CRC-32 over the metadata and every tensor's name, shape and values, in name order.
    public static func checksum(metadata: [String: String], tensors: [String: ([Int], [Float])]) -> UInt32 {
        var crc = CRC32()
        for key in metadata.keys.sorted() where key != "anneal.checksum" {
            crc.update(key)
            crc.update(metadata[key]!)
        }
        for name in tensors.keys.sorted() {
            crc.update(name + "\(tensors[name]!.0)")
            crc.update(tensors[name]!.1)
        }
        return crc.value
    }

    /// Reads and verifies one checkpoint file.
    public static func read(_ path: String) throws -> Checkpoint {
        let bytes: [UInt8]
        do { bytes = try FileBytes.read(path) } catch { throw CheckpointError("\(error)") }
        return try decode(bytes, path: path)
    }

    /// Parses and verifies the bytes of a checkpoint file; `path` names it in errors.
    public static func decode(_ bytes: [UInt8], path: String) throws -> Checkpoint {
        let file: SafeTensorsFile
        do { file = try SafeTensorsFile.decode(bytes, path: path) } catch { throw CheckpointError("\(error)") }
        guard let saved = file.metadata["anneal.checksum"], let expected = UInt32(saved),
              let json = file.metadata["anneal.checkpoint"] else {
            throw CheckpointError("\(path): not an Anneal checkpoint (no checksum or state)")
        }
        guard checksum(metadata: file.metadata, tensors: file.tensors.mapValues { ($0.shape, $0.values) }) == expected else {
            throw CheckpointError("\(path): checksum mismatch (the file is damaged)")
        }
        let progress: Progress
        do { progress = try CheckpointJSON.decoder.decode(Progress.self, from: Data(json.utf8)) } catch {
            throw CheckpointError("\(path): state is not readable: \(error)")
        }
        guard (1...formatVersion).contains(progress.version) else {
            throw CheckpointError("\(path): checkpoint format \(progress.version) is newer than this build's (\(formatVersion)); update Anneal to resume it")
        }
        var states: [String: String] = [:]
        for (key, value) in file.metadata where key.hasPrefix("anneal.callback.") { states[String(key.dropFirst(16))] = value }
        let tensors = file.tensors.mapValues { Tensor($0.values, shape: $0.shape) }
        return Checkpoint(progress: progress, tensors: tensors, callbackStates: states)
    }

    /// The newest intact checkpoint in `directory` (nil when there is none), and a
    /// line for each damaged one passed over.
    public static func newest(in directory: String) throws -> (checkpoint: Checkpoint, warnings: [String])? {
        var problems: [String] = []
        for name in [fileName, previousFileName] {
            let path = "\(directory)/\(name)"
            guard Directory.fileExists(path) else { continue }
            do {
                return (try read(path), problems.map { "warning: \($0); using the previous checkpoint" })
            } catch {
                problems.append("\(error)")
            }
        }
        if !problems.isEmpty {
            throw CheckpointError(problems.joined(separator: "; ") + "; no intact checkpoint is left")
        }
        return nil
    }

    /// Removes the checkpoint files (a finished run needs them no more) and
    /// temporary files an interrupted write left behind.
    public static func removeFiles(in directory: String) {
        for name in [fileName, previousFileName] { unlink("\(directory)/\(name)") }
        let leftovers = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        for name in leftovers where name.hasPrefix(".\(fileName).tmp-") { unlink("\(directory)/\(name)") }
    }
}
