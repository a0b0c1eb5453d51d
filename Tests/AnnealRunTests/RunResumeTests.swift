import AnnealDistributed
import AnnealExperiments
import AnnealIO
import AnnealNN
import AnnealReports
import AnnealTensor
import AnnealTestSupport
import AnnealTraining
import Foundation
import Testing

/// Exact resume: a run interrupted after any step and resumed from its newest
/// intact checkpoint ends with the same weights and metrics, to the bit, as an
/// uninterrupted run. (scripts/kill-resume.sh does the same across processes with SIGKILL.)
@Suite struct RunResumeTests {
    /// A small run with every stateful piece: dropout and DropConnect streams,
    /// augmentation, momentum, a warmup schedule, early stopping and weight averaging.
    static var config: RunConfig {
        var c = RunConfig(model: .mlp)
        c.model.hidden = [32]
        c.model.dropout = 0.2
        c.model.dropConnect = 0.1
        c.epochs = 3
        c.data.trainSubset = 640
        c.data.validationSplit = 0.25
        c.data.batchSize = 64
        c.data.augment = "crop:2,mixup:0.2"
        c.schedule.warmupEpochs = 1
        c.control.checkpointEvery = 3
        c.control.ema = 0.9
        c.control.earlyStopPatience = 5
        c.seed = 11
        return c
    }

    /// Throws at the end of optimizer step `step`, like a crash before the next checkpoint.
    final class Crash: TrainingCallback {
        struct Crashed: Error {}
        let step: Int
        init(afterStep step: Int) { self.step = step }
        func handle(_ event: TrainingEvent, trainer: Trainer) throws {
            if case .batchEnd = event, trainer.optimizer.stepCount == step { throw Crashed() }
        }
    }

    static func comparable(_ history: [EpochRecord]) -> [[Double]] {
        history.map { [$0.train.loss, $0.train.accuracy, $0.evaluation!.loss, $0.evaluation!.accuracy, Double($0.learningRate)] }
    }

    @Test(arguments: [2, 7, 8, 13, 20])
    func interruptedRunsResumeBitIdentical(crashAfter step: Int) throws {
        let reference = TemporaryDirectory(), interrupted = TemporaryDirectory()
        let expected = try Run(Self.config, directory: reference.path).fit()

        #expect(throws: Crash.Crashed.self) {
            try Run(Self.config, directory: interrupted.path, callbacks: [Crash(afterStep: step)]).fit()
        }
        let run = try Run.resume(directory: interrupted.path)
        #expect((run.resumedFrom != nil) == (step >= 3))   // the first checkpoint comes after step 3
        let outcome = try run.fit()
        #expect(outcome.model.stateDict() == expected.model.stateDict())
        #expect(Self.comparable(outcome.history) == Self.comparable(expected.history))
        let bytes = { (dir: TemporaryDirectory) in FileManager.default.contents(atPath: dir.file(Run.weightsFileName)) }
        #expect(bytes(interrupted) == bytes(reference))
        #expect(!interrupted.contents().contains(Checkpoint.fileName))
    }

    @Test func aDamagedCheckpointFallsBackToThePreviousOne() throws {
        let reference = TemporaryDirectory(), interrupted = TemporaryDirectory()
        let expected = try Run(Self.config, directory: reference.path).fit()
        #expect(throws: Crash.Crashed.self) {
            try Run(Self.config, directory: interrupted.path, callbacks: [Crash(afterStep: 10)]).fit()
        }
        // Flip one byte near the end (tensor data): the checksum no longer matches.
        let path = interrupted.file(Checkpoint.fileName)
        var bytes = [UInt8](FileManager.default.contents(atPath: path)!)
        bytes[bytes.count - 5] ^= 0x40
        interrupted.write(bytes, to: Checkpoint.fileName)
        #expect(throws: CheckpointError.self) { try Checkpoint.read(path) }

        let run = try Run.resume(directory: interrupted.path)
        #expect(run.warnings.count == 1 && run.warnings[0].contains("checksum mismatch"))
        let outcome = try run.fit()
        #expect(outcome.model.stateDict() == expected.model.stateDict())

        // A truncated file is caught by its length before the checksum.
        let truncated = TemporaryDirectory()
        truncated.write(Array(bytes.prefix(bytes.count / 2)), to: Checkpoint.fileName)
        #expect(throws: CheckpointError.self) { try Checkpoint.newest(in: truncated.path) }
    }

    /// Fuzzing regression: a checkpoint whose position does not follow its history,
    /// or lies beyond the run, is refused with one line instead of trapping later.
    @Test func aCheckpointOutsideTheRunIsRefused() throws {
        let dir = TemporaryDirectory()
        #expect(throws: Crash.Crashed.self) { try Run(Self.config, directory: dir.path, callbacks: [Crash(afterStep: 10)]).fit() }
        let path = dir.file(Checkpoint.fileName)
        var checkpoint = try Checkpoint.read(path)
        let intact = checkpoint
        checkpoint.progress.epochProgress = EpochProgress(epoch: 2, stepsDone: 1, metrics: Metrics(), learningRate: 0.1, seconds: 0)
        try checkpoint.write(toDirectory: dir.path)
        #expect(throws: CheckpointError.self) { try Run.resume(directory: dir.path) }
        checkpoint = intact
        checkpoint.progress.epochProgress = EpochProgress(epoch: 1, stepsDone: 99, metrics: Metrics(), learningRate: 0.1, seconds: 0)
        try checkpoint.write(toDirectory: dir.path)
        #expect(throws: CheckpointError.self) { try Run.resume(directory: dir.path) }
        checkpoint = intact
        checkpoint.tensors["callback.weight_averaging.average.0.bias"] = Tensor([1, 2, 3])
        try checkpoint.write(toDirectory: dir.path)
        #expect(throws: (any Error).self) { try Run.resume(directory: dir.path) }
    }

    /// A checkpoint from an earlier Anneal (its configuration lacks fields added since)
    /// still resumes; one written by a different configuration is refused.
    @Test func aCheckpointIsMatchedToItsConfigurationByMeaning() throws {
        let dir = TemporaryDirectory()
        #expect(throws: Crash.Crashed.self) { try Run(Self.config, directory: dir.path, callbacks: [Crash(afterStep: 10)]).fit() }
        let path = dir.file(Checkpoint.fileName)
        var checkpoint = try Checkpoint.read(path)
        let intact = checkpoint
        var object = try JSONSerialization.jsonObject(with: Data(checkpoint.progress.config.utf8)) as! [String: Any]
        object.removeValue(forKey: "parallel")
        checkpoint.progress.config = String(decoding: try JSONSerialization.data(withJSONObject: object), as: UTF8.self)
        try checkpoint.write(toDirectory: dir.path)
        #expect(try Run.resume(directory: dir.path).resumedFrom != nil)

        var other = Self.config
        other.seed = 12
        checkpoint = intact
        checkpoint.progress.config = String(decoding: try JSONEncoder().encode(try other.resolved()), as: UTF8.self)
        try checkpoint.write(toDirectory: dir.path)
        #expect(throws: CheckpointError.self) { try Run.resume(directory: dir.path) }
    }

    @Test func anUnfinishedRunIsNotOverwrittenByAccident() throws {
        let dir = TemporaryDirectory()
        #expect(throws: Crash.Crashed.self) { try Run(Self.config, directory: dir.path, callbacks: [Crash(afterStep: 4)]).fit() }
        #expect(throws: ConfigError.self) { try Run(Self.config, directory: dir.path) }
        _ = try Run(Self.config, directory: dir.path, overwrite: true)
        #expect(!dir.contents().contains(Checkpoint.fileName))
    }

    @Test func aRunWritesItsResolvedConfigurationFirst() throws {
        let dir = TemporaryDirectory()
        let run = try Run(Self.config, directory: dir.path)
        let saved = try RunConfig.decode(Data(contentsOf: URL(fileURLWithPath: dir.file(Run.configFileName))))
        let resolved = try Self.config.resolved()
        #expect(saved == run.config && saved == resolved)
        // An output path that is a file is one clear error.
        let file = dir.file("plain-file")
        dir.write([1], to: "plain-file")
        #expect(throws: AnnealIOError(path: file, "exists and is not a directory")) { try Run(Self.config, directory: file) }
    }
}
