import AnnealDistributed
import AnnealExperiments
import AnnealIO
import AnnealTensor
import AnnealTestSupport
import AnnealTraining
import Foundation
import Testing

/// A run asked to stop (as a caught SIGTERM asks) checkpoints at the step it stopped
/// and resumes from exactly there to the uninterrupted run's weights; the same
/// configuration started again in its directory continues it, another is refused.
/// (scripts/preempt-resume.sh sends real signals to `anneal train`.)
@Suite struct PreemptionTests {
    static var config: RunConfig { RunResumeTests.config }

    /// A run whose stop is asked for during optimizer step `step` (1-based), as a signal between two steps would.
    static func run(_ config: RunConfig, in directory: String, stoppingAt step: Int) throws -> Run {
        let run = try Run(config, directory: directory)
        run.isStopRequested = { [unowned run] in run.optimizer.stepCount >= step }
        return run
    }

    static func weights(_ directory: TemporaryDirectory) -> Data? { FileManager.default.contents(atPath: directory.file(Run.weightsFileName)) }

    // 8 steps an epoch (480 training images, batch 64): 1 and 4 mid-epoch, 8 in an epoch's last step (it stops after
    // that epoch's evaluation), 11 in the second epoch, 24 in the last epoch's last step.
    @Test(arguments: [1, 4, 8, 11, 24])
    func aStoppedRunCheckpointsWhereItStoppedAndResumesBitIdentical(step: Int) throws {
        let reference = TemporaryDirectory(), stopped = TemporaryDirectory()
        let expected = try Run(Self.config, directory: reference.path).fit()
        let steps = 8, epochs = 3
        do {
            let run = try Self.run(Self.config, in: stopped.path, stoppingAt: step)
            if step == steps * epochs {
                // Asked during the last epoch's last step: the run finishes instead.
                _ = try run.fit()
                #expect(Self.weights(stopped) == Self.weights(reference))
                return
            }
            let error = #expect(throws: TrainingPreempted.self) { try run.fit() }
            let (epoch, done) = step % steps == 0 ? (step / steps, 0) : (step / steps, step % steps)
            #expect(error?.epoch == epoch && error?.stepsDone == done)
            #expect(error?.description.hasSuffix("resume with: anneal resume \(stopped.path)") == true)
            let saved = try #require(try Checkpoint.newest(in: stopped.path)).checkpoint.progress
            #expect(saved.step == step && saved.history.count == epoch && (saved.epochProgress?.stepsDone ?? 0) == done)
        }
        let outcome = try Run.resume(directory: stopped.path).fit()
        #expect(outcome.model.stateDict() == expected.model.stateDict())
        #expect(RunResumeTests.comparable(outcome.history) == RunResumeTests.comparable(expected.history))
        #expect(Self.weights(stopped) == Self.weights(reference))
    }

    @Test func theSameConfigurationContinuesItsUnfinishedRunAndAnotherIsRefused() throws {
        let reference = TemporaryDirectory(), stopped = TemporaryDirectory()
        _ = try Run(Self.config, directory: reference.path).fit()
        do {
            let run = try Self.run(Self.config, in: stopped.path, stoppingAt: 6)
            #expect(throws: TrainingPreempted.self) { try run.fit() }
        }
        var other = Self.config
        other.epochs = 4
        other.optimizer.learningRate = 0.2
        let refusal = #expect(throws: ConfigError.self) { _ = try Run.startOrResume(other, directory: stopped.path) }
        #expect(refusal?.message.contains("another configuration (optimizer.learningRate, epochs differ)") == true, "\(refusal?.message ?? "")")
        let counts = try Run.processCounts(continuing: stopped.path, config: Self.config, ranks: nil, threads: nil)
        #expect(counts.ranks == 1 && counts.threads == Threads.count)
        #expect(throws: ConfigError.self) { _ = try Run.processCounts(continuing: stopped.path, config: Self.config, ranks: 2, threads: nil) }
        do {
            let run = try Run.startOrResume(Self.config, directory: stopped.path)
            #expect(run.resumedFrom?.step == 6)
            _ = try run.fit()
        }
        #expect(Self.weights(stopped) == Self.weights(reference))
        // A finished run's directory starts over, as before.
        #expect(try Run.startOrResume(other, directory: stopped.path).resumedFrom == nil)
    }

    @Test func signalListsParse() throws {
        #expect(try Preemption.signals(parsing: "TERM,sigusr1,int,10") == [SIGTERM, SIGUSR1, SIGINT, 10])
        #expect(try Preemption.signals(parsing: "none") == [])
        #expect(throws: ConfigError.self) { try Preemption.signals(parsing: "TERM,NOPE") }
        #expect(Preemption.name(of: SIGUSR1) == "USR1")
    }

    @Test func aChildEndedByASignalReportsAsAShellDoes() throws {
        // SIGKILL: a child of Foundation's Process may start with SIGTERM blocked.
        #expect(try ChildProcess.run("/bin/sh", ["-c", "kill -KILL $$"]) == 128 + SIGKILL)
        #expect(try ChildProcess.run("/bin/sh", ["-c", "exit 75"]) == Preemption.exitStatus)
    }

    @Test func aSingleProcessIsItsOwnMajority() throws {
        #expect(try SingleProcess().anyRank(true))
        #expect(try !SingleProcess().anyRank(false))
    }
}
