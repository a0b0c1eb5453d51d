import AnnealDistributed
import AnnealIO
import AnnealReports
import AnnealTraining
import Foundation

/// One trial of a search: what was asked and what came out. One JSON line in trials.jsonl.
public struct SearchTrial: Codable, Sendable, Equatable {
    /// "coarse-3", "refine-1": stable across resumes.
    public var id: String
    /// "coarse" or "refine".
    public var phase: String
    /// The trial's value of each search dimension, as text.
    public var params: [String: String]
    /// The trial's epoch budget.
    public var epochs: Int
    /// Epochs it trained before it ended (fewer when stopped early).
    public var epochsRun: Int
    /// Validation accuracy after its last epoch, as a fraction (nil: failed or never evaluated).
    public var valAccuracy: Double?
    /// Validation loss after its last epoch (nil: failed or never evaluated).
    public var valLoss: Double?
    /// Whether successive halving stopped it before its budget.
    public var stoppedEarly: Bool
    /// Whether its run failed (no result).
    public var failed: Bool
    /// Seconds of wall time it took.
    public var seconds: Double
    /// Its run directory, when it ran to the end and wrote its weights (nil otherwise).
    public var directory: String?
    /// The run the trial trained (its `run.json`).
    public var config: RunConfig?

    /// A trial from each value as given.
    public init(id: String, phase: String, params: [String: String], epochs: Int, epochsRun: Int = 0, valAccuracy: Double? = nil,
                valLoss: Double? = nil, stoppedEarly: Bool = false, failed: Bool = false, seconds: Double = 0, directory: String? = nil,
                config: RunConfig? = nil) {
        self.id = id; self.phase = phase; self.params = params; self.epochs = epochs; self.epochsRun = epochsRun
        self.valAccuracy = valAccuracy; self.valLoss = valLoss; self.stoppedEarly = stoppedEarly; self.failed = failed
        self.seconds = seconds; self.directory = directory; self.config = config
    }

    /// One line: its validation accuracy, epochs run and values ("val acc 0.8912 after 2/4 epochs, stopped early (lr=0.1) 31s").
    public var summary: String {
        let values = params.keys.sorted().map { "\($0)=\(params[$0]!)" }.joined(separator: " ")
        if failed { return "failed (\(values))" }
        return String(format: "val acc %.4f after %d/%d epochs%@ (%@) %.0fs", valAccuracy ?? .nan, epochsRun, epochs,
                      stoppedEarly ? ", stopped early" : "", values, seconds)
    }
}

/// What a trial runner is asked to do.
public struct TrialRequest: Sendable {
    /// The trial's id, "coarse-3" or "refine-1", as it will appear in the log.
    public var id: String
    /// "coarse" or "refine".
    public var phase: String
    /// Values by search dimension: `RunConfig` fields (paths or unique names, see `RunConfig.field(named:)`).
    public var params: [String: String]
    /// Epochs to train (the phase's budget).
    public var epochs: Int

    /// The run this trial trains: `base` with its values set and its epoch budget.
    public func config(from base: RunConfig) throws -> RunConfig {
        var config = base
        for name in params.keys.sorted() { config = try config.setting(name, to: params[name]!) }
        config.epochs = epochs
        return config
    }
}

/// Appends trials to a JSON-lines file as they finish and reads them back (a
/// truncated last line from an interrupted write is ignored).
public final class TrialLog: @unchecked Sendable {
    /// The JSON-lines file.
    public let path: String
    private let lock = NSLock()

    /// A log at `path` (the file is created by the first `append`).
    public init(path: String) { self.path = path }

    /// Every trial logged so far, in file order; lines that do not decode are skipped (an empty list when there is no file).
    public func load() -> [SearchTrial] {
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else { return [] }
        return text.split(whereSeparator: \.isNewline).compactMap { try? JSONDecoder().decode(SearchTrial.self, from: Data($0.utf8)) }
    }

    /// Appends `trial` as one line and flushes it to disk; safe to call from several threads.
    public func append(_ trial: SearchTrial) throws {
        lock.lock(); defer { lock.unlock() }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        var line = try encoder.encode(trial)
        line.append(10)
        if !FileManager.default.fileExists(atPath: path) {
            _ = FileManager.default.createFile(atPath: path, contents: nil)
        }
        guard let handle = FileHandle(forUpdatingAtPath: path) else { throw CurveFileError("cannot write \(path)") }
        defer { try? handle.close() }
        let size = try handle.seekToEnd()
        if size > 0 {
            // A line cut short by an interrupted write must not swallow this one.
            try handle.seek(toOffset: size - 1)
            let lastByte = try handle.read(upToCount: 1)
            try handle.seekToEnd()
            if lastByte != Data([10]) { line.insert(10, at: 0) }
        }
        try handle.write(contentsOf: line)
        try handle.synchronize()
    }
}

/// Successive halving on the validation accuracy, asynchronously (ASHA-style):
/// at rung epochs 1, 2, 4, … a trial stops when it is below the top 1/η of the
/// trials that reached that rung before it (once `minimumPeers` have).
public final class SuccessiveHalving: @unchecked Sendable {
    /// A trial at a rung continues when it is within the top 1/η of its peers there (default 2).
    public let eta: Double
    /// Trials that must reach a rung before it stops any (default 3).
    public let minimumPeers: Int
    private var rungs: [Int: [Double]] = [:]
    private let lock = NSLock()

    /// Halving with `eta` and `minimumPeers`.
    public init(eta: Double = 2, minimumPeers: Int = 3) { self.eta = eta; self.minimumPeers = minimumPeers }

    /// Whether `epoch` is a rung: a power of two (1, 2, 4, …).
    public static func isRung(_ epoch: Int) -> Bool { epoch > 0 && epoch & (epoch - 1) == 0 }

    /// Records a trial's accuracy after `epoch` epochs; false: stop the trial.
    public func report(epoch: Int, accuracy: Double, of totalEpochs: Int) -> Bool {
        guard Self.isRung(epoch), epoch < totalEpochs else { return true }
        lock.lock(); defer { lock.unlock() }
        let peers = rungs[epoch, default: []]
        rungs[epoch, default: []].append(accuracy)
        guard peers.count >= minimumPeers else { return true }
        let sorted = peers.sorted(by: >)
        let keep = max(1, Int((Double(sorted.count) / eta).rounded(.up)))
        return accuracy >= sorted[keep - 1]
    }
}

/// Coarse-to-fine random (or grid) search over `SearchSpace`, running trials through
/// a caller-supplied runner on `workers` threads (the command's runner spawns
/// `anneal train` processes), logging each finished trial at once.
public struct HyperparameterSearch {
    /// The hyperparameters and their ranges.
    public var space: SearchSpace
    /// Coarse-phase trials (with `grid`: the most grid points to run; 0: up to 10,000).
    public var trials: Int
    /// Epochs of each coarse trial.
    public var epochs: Int
    /// Refine-phase trials (0: no refine phase); also how many of the best coarse trials the space narrows around.
    public var refine: Int = 0
    /// Epochs of each refine trial.
    public var refineEpochs: Int = 0
    /// Coarse trials on a grid of `gridPoints` values per range instead of random samples.
    public var grid: Bool = false
    /// Values per continuous range of the grid (log-spaced for log ranges; at least 2).
    public var gridPoints: Int = 3
    /// Trials that run at once, each trained by the runner (in its own process for `anneal search --workers`; default 1).
    public var workers: Int = 1
    /// Fixes the coarse samples (seed) and the refine samples (seed + 1).
    public var seed: UInt64 = 0
    /// Stops trials that fall behind at rungs (nil: every trial runs its budget).
    public var halving: SuccessiveHalving? = SuccessiveHalving()

    /// A random search of `trials` trials of `epochs` epochs over `space`, without refine phase, on one worker.
    public init(space: SearchSpace, trials: Int, epochs: Int) {
        self.space = space; self.trials = trials; self.epochs = epochs
    }

    /// The coarse phase's requests (deterministic in `seed`).
    public func coarseRequests() -> [TrialRequest] {
        let configs: [[String: String]]
        if grid {
            configs = space.grid(points: gridPoints, limit: trials > 0 ? trials : 10_000)
        } else {
            var random = SearchRandom(seed: seed)
            configs = (0..<trials).map { _ in space.sample(using: &random) }
        }
        return configs.enumerated().map { TrialRequest(id: "coarse-\($0.offset)", phase: "coarse", params: $0.element, epochs: epochs) }
    }

    /// The refine phase's requests around the best `refine` coarse trials: K samples from the narrowed space.
    public func refineRequests(after coarse: [SearchTrial]) -> (SearchSpace, [TrialRequest]) {
        let best = Self.ranked(coarse).prefix(refine).map(\.params)
        let narrowed = space.narrowed(around: Array(best))
        var random = SearchRandom(seed: seed &+ 1)
        let requests = (0..<refine).map { i in
            TrialRequest(id: "refine-\(i)", phase: "refine", params: narrowed.sample(using: &random), epochs: refineEpochs)
        }
        return (narrowed, requests)
    }

    /// Finished trials, best validation accuracy first (failed and early-stopped last).
    public static func ranked(_ trials: [SearchTrial]) -> [SearchTrial] {
        trials.sorted { a, b in
            func key(_ t: SearchTrial) -> (Int, Double) { (t.failed ? 2 : t.stoppedEarly ? 1 : 0, -(t.valAccuracy ?? -1)) }
            return key(a) < key(b)
        }
    }

    /// Runs the requests not yet in `log` (resume), `workers` at a time; returns every
    /// trial of these requests (the logged ones and the new ones).
    public func run(_ requests: [TrialRequest], log: TrialLog,
                    runner: @escaping @Sendable (TrialRequest, _ report: @escaping @Sendable (Int, Double) -> Bool) throws -> SearchTrial,
                    onFinish: @escaping @Sendable (SearchTrial) -> Void = { _ in }) throws -> [SearchTrial] {
        let done = Dictionary(log.load().map { ($0.id, $0) }, uniquingKeysWith: { _, last in last })
        let pending = requests.filter { done[$0.id] == nil }
        let trials = LockedList<SearchTrial>(), failures = LockedList<Error>(), preempted = LockedList<String>()
        let halving = self.halving
        WorkerPool(workers: max(1, workers)).run(pending) { request in
            // Once asked to stop, no trial starts; a stopped trial is not logged, so the resumed search runs it on.
            guard !Preemption.isRequested else { return preempted.append(request.id) }
            let started = Date()
            var trial: SearchTrial
            do {
                trial = try runner(request) { epoch, accuracy in
                    halving?.report(epoch: epoch, accuracy: accuracy, of: request.epochs) ?? true
                }
            } catch is TrainingPreempted, is JobPreempted {
                return preempted.append(request.id)
            } catch {
                trial = SearchTrial(id: request.id, phase: request.phase, params: request.params, epochs: request.epochs, failed: true,
                                    seconds: Date().timeIntervalSince(started))
            }
            do { try log.append(trial) } catch { failures.append(error) }
            trials.append(trial)
            onFinish(trial)
        }
        if let error = failures.all.first { throw error }
        if !preempted.all.isEmpty {
            throw JobPreempted("search preempted: trials \(preempted.all.sorted().joined(separator: ", ")) unfinished (the running ones "
                               + "checkpointed); run the same command with --resume to go on")
        }
        let fresh = Dictionary(trials.all.map { ($0.id, $0) }, uniquingKeysWith: { _, last in last })
        return requests.compactMap { done[$0.id] ?? fresh[$0.id] }
    }
}

extension HyperparameterSearch {
    /// A runner that trains each trial in this process as a `Run` of `base` with the
    /// trial's values, in `directory/trials/ID` (trials then share the kernel
    /// threads: use `workers = 1`). The command line runs trials as worker
    /// processes instead, one thread each.
    public static func inProcessRunner(base: RunConfig, directory: String)
        -> @Sendable (TrialRequest, _ report: @escaping @Sendable (Int, Double) -> Bool) throws -> SearchTrial {
        { request, report in
            let config = try request.config(from: base)
            let started = Date()
            let halving = HalvingReporter(report), dir = "\(directory)/trials/\(request.id)"
            // A trial stopped by a signal goes on from its checkpoint; anything else in its directory is replaced.
            let run = (try? Run.unfinishedCheckpoint(of: config, in: dir)) != nil ? try Run.resume(directory: dir, callbacks: [halving])
                : try Run(config, directory: dir, callbacks: [halving], overwrite: true)
            let outcome = try run.fit()
            let last = outcome.history.last
            return SearchTrial(id: request.id, phase: request.phase, params: request.params, epochs: request.epochs,
                               epochsRun: outcome.history.count, valAccuracy: last?.evaluation?.accuracy, valLoss: last?.evaluation?.loss,
                               stoppedEarly: halving.stopped, seconds: Date().timeIntervalSince(started),
                               directory: halving.stopped ? nil : run.directory, config: run.config)
        }
    }
}

extension HyperparameterSearch {
    /// A runner that trains each trial as `anneal train` in a child process of its own
    /// (`executable`: an `anneal` binary; this program's own by default) on `threads`
    /// threads, in `directory/trials/ID` with its log in `train.log`, watching its
    /// metrics.csv for the halving decisions. The child dies with this process.
    public static func processRunner(base: RunConfig, directory: String, threads: Int = 1, executable: String = ChildProcess.ownExecutable)
        -> @Sendable (TrialRequest, _ report: @escaping @Sendable (Int, Double) -> Bool) throws -> SearchTrial {
        { request, report in
            let dir = "\(directory)/trials/\(request.id)"
            try Directory.create(dir)
            let config = try request.config(from: base)
            // A trial stopped by a signal goes on from its checkpoint; anything else in its directory is replaced.
            let resumes = (try? Run.unfinishedCheckpoint(of: config, in: dir)) != nil
            if !resumes { try? FileManager.default.removeItem(atPath: "\(dir)/metrics.csv") }
            try AtomicFile.write(try config.jsonData(), to: "\(dir)/\(Run.configFileName)")
            let started = Date()
            var reported = 0, stopped = false
            func poll() -> Bool {
                guard let points = try? CurveDiagnosis.readMetricsCSV("\(dir)/metrics.csv") else { return true }
                while reported < points.count {
                    let p = points[reported]
                    reported += 1
                    if !stopped, let acc = p.evalAccuracy, !report(p.epoch, acc) { stopped = true }
                }
                return !stopped
            }
            let status = try ChildProcess.run(executable, ["train", "--config", "\(dir)/\(Run.configFileName)", "--out", dir, "--no-progress",
                                                           "--threads", String(threads)] + (resumes ? [] : ["--overwrite"]),
                                              environment: ["ANNEAL_NUM_THREADS": String(threads)], log: "\(dir)/train.log", watch: poll)
            // Stopped by a signal to this search (not by halving, whose SIGTERM it also answers so).
            if !stopped && (status == Preemption.exitStatus || Preemption.isRequested && status == 128 + SIGTERM) {
                throw JobPreempted("trial \(request.id) preempted")
            }
            let points = (try? CurveDiagnosis.readMetricsCSV("\(dir)/metrics.csv")) ?? []
            guard stopped || status == 0, let last = points.last else {
                throw CurveFileError("trial \(request.id) failed (see \(dir)/train.log)")
            }
            let ranToEnd = points.count >= request.epochs && FileManager.default.fileExists(atPath: "\(dir)/\(Run.weightsFileName)")
            return SearchTrial(id: request.id, phase: request.phase, params: request.params, epochs: request.epochs, epochsRun: points.count,
                               valAccuracy: last.evalAccuracy, valLoss: last.evalLoss, stoppedEarly: stopped && !ranToEnd, failed: false,
                               seconds: Date().timeIntervalSince(started), directory: ranToEnd ? dir : nil, config: config)
        }
    }
}

/// Tells successive halving each epoch's evaluation accuracy and stops the run when it says so.
private final class HalvingReporter: TrainingCallback {
    let report: (Int, Double) -> Bool
    private(set) var stopped = false

    init(_ report: @escaping (Int, Double) -> Bool) { self.report = report }

    func handle(_ event: TrainingEvent, trainer: Trainer) {
        guard case .epochEnd(let record) = event, let accuracy = record.evaluation?.accuracy else { return }
        if !report(record.epoch + 1, accuracy) {
            stopped = true
            trainer.stopRequested = true
        }
    }
}
