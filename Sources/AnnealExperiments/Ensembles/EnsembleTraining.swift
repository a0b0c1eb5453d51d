import AnnealData
import AnnealDistributed
import AnnealIO
import AnnealReports
import AnnealTraining
import Foundation

/// Independent members of an ensemble: K runs of one configuration that differ
/// in seed (the base seed + i: other initial weights, data order, dropout and
/// augmentation draws) and, optionally, in listed hyperparameters (member i takes
/// the (i mod n)-th of a field's n values), trained into `DIR/member-i`. A kill
/// loses nothing: training again skips the finished members and resumes the
/// unfinished ones from their checkpoints. `DIR/ensemble.json` lists the members.
public struct EnsembleTraining {
    /// The configuration every member starts from; member i trains it with seed `base.seed + i` and its variations.
    public let base: RunConfig
    /// How many members to train (at least 2).
    public let members: Int
    /// The ensemble's directory: `ensemble.json` and one `member-i` run directory per member (numbered from 1).
    public let directory: String
    /// Fields that differ between members (a field path or name as `RunConfig.setting`
    /// takes it, e.g. "lr" or "data.augment") with the values they cycle through.
    public let variations: [Variation]

    /// One field and the values the members cycle through.
    public struct Variation: Sendable, Equatable {
        /// The field: a dotted path, alias or unique name as given; `EnsembleTraining` stores its dotted path.
        public var field: String
        /// The values as text, as `RunConfig.setting(_:to:)` reads them; member i takes `values[i % values.count]`.
        public var values: [String]

        /// A variation of `field` over `values`.
        public init(field: String, values: [String]) {
            self.field = field
            self.values = values
        }

        /// "FIELD=V1|V2|…" (FIELD a configuration field path or unique name).
        public init(parsing text: String) throws {
            let parts = text.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, !parts[0].isEmpty else { throw ConfigError("'\(text)' is not FIELD=V1|V2|…") }
            self.init(field: parts[0], values: parts[1].split(separator: "|", omittingEmptySubsequences: false).map(String.init))
        }
    }

    /// What `ensemble.json` holds.
    public struct Manifest: Codable, Equatable {
        /// The members' weights files, relative to the ensemble's directory.
        public var weights: [String]
        /// The members' seeds, in order.
        public var seeds: [UInt64]
        /// Per member, the listed hyperparameters it was given (field path → value).
        public var settings: [[String: String]]?
    }

    /// The manifest's file name in the ensemble's directory.
    public static let manifestFileName = "ensemble.json"

    /// Checks every member's configuration now, so that a bad value fails before any training.
    public init(base: RunConfig, members: Int, directory: String, variations: [Variation] = []) throws {
        guard members >= 2 else { throw ConfigError("an ensemble needs at least 2 members, got \(members)") }
        self.base = base
        self.members = members
        self.directory = directory
        self.variations = try variations.map { v in
            guard !v.values.isEmpty else { throw ConfigError("\(v.field): no values to vary over") }
            return Variation(field: try RunConfig.field(named: v.field), values: v.values)
        }
        if let repeated = Dictionary(grouping: self.variations, by: \.field).first(where: { $0.value.count > 1 })?.key {
            throw ConfigError("\(repeated) is varied twice; list its values once")
        }
        for i in 0..<members { _ = try memberConfig(i).resolved() }
    }

    /// Member i's run directory (`i` from 0; the directory is numbered from 1: `DIR/member-(i+1)`).
    public func memberDirectory(_ i: Int) -> String { "\(directory)/member-\(i + 1)" }

    /// Member i's listed hyperparameters (field path → value).
    public func memberSettings(_ i: Int) -> [String: String] {
        Dictionary(uniqueKeysWithValues: variations.map { ($0.field, $0.values[i % $0.values.count]) })
    }

    /// Member i's configuration: the base with seed + i and its listed hyperparameters.
    public func memberConfig(_ i: Int) throws -> RunConfig {
        var config = base
        config.seed = base.seed &+ UInt64(i)
        for (field, value) in memberSettings(i).sorted(by: { $0.key < $1.key }) { config = try config.setting(field, to: value) }
        return config
    }

    /// The manifest of the members: weights files, seeds and varied settings.
    public var manifest: Manifest {
        Manifest(weights: (0..<members).map { "member-\($0 + 1)/\(Run.weightsFileName)" },
                 seeds: (0..<members).map { base.seed &+ UInt64($0) },
                 settings: variations.isEmpty ? nil : (0..<members).map(memberSettings))
    }

    /// Writes `ensemble.json` (before any member trains, so a report can find them).
    public func writeManifest() throws {
        try Directory.create(directory)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try AtomicFile.write(try encoder.encode(manifest) + [10], to: "\(directory)/\(EnsembleTraining.manifestFileName)")
    }

    /// Prepares member i to be trained elsewhere (another process): writes its
    /// `run.json` unless it has one, so that `Run.resume(directory:)` trains it from
    /// the start or from its checkpoint. Returns false when the member is complete.
    public func prepareMember(_ i: Int) throws -> Bool {
        let dir = memberDirectory(i)
        if Run.isComplete(directory: dir) { return false }
        if !Directory.fileExists("\(dir)/\(Run.configFileName)") {
            try Directory.create(dir)
            try AtomicFile.write(try memberConfig(i).resolved().jsonData(), to: "\(dir)/\(Run.configFileName)")
        }
        return true
    }

    /// Trains every member not yet finished; `starting(i, run)` is told of each member
    /// before it trains (to print its summary), `finished(i, outcome)` after; members
    /// finished earlier are reported with a nil outcome.
    public func train(callbacks: [TrainingCallback] = [], starting: (Int, Run) -> Void = { _, _ in },
                      finished: (Int, RunOutcome?) -> Void = { _, _ in }) throws {
        try writeManifest()
        for i in 0..<members {
            let dir = memberDirectory(i)
            if Run.isComplete(directory: dir) {
                finished(i, nil)
                continue
            }
            let started = Directory.fileExists("\(dir)/\(Run.configFileName)")
            let run = started ? try Run.resume(directory: dir, callbacks: callbacks)
                              : try Run(try memberConfig(i), directory: dir, callbacks: callbacks)
            starting(i, run)
            do { finished(i, try run.fit()) } catch let stop as TrainingPreempted {
                throw JobPreempted("member \(i + 1) " + stop.description.replacingOccurrences(of: "anneal resume \(dir)", with: "the same command"))
            }
        }
    }

    /// What happened to one member trained in a child process.
    public enum ChildOutcome: Sendable {
        /// Trained earlier: nothing to do.
        case finishedEarlier
        /// Started now: its log is `DIR/member-i/train.log`.
        case started(log: String)
        /// Ended with exit status 0; `result` is its last accuracy line.
        case finished(result: String?)
        /// Could not start, or ended with a non-zero exit status; the text names the log or the error.
        case failed(String)

        /// What a command prints of member `i` of `members` (`description`: `memberDescription(i)`); nil: nothing
        /// (a failure is thrown at the end).
        public func line(member i: Int, of members: Int, description: String) -> String? {
            switch self {
            case .finishedEarlier: "member \(i + 1)/\(members): finished earlier"
            case .started(let log): "\(description): training, log in \(log)"
            case .finished(let result): "member \(i + 1)/\(members): \(result ?? "finished")"
            case .failed: nil
            }
        }
    }

    /// Trains the unfinished members `parallel` at a time, each as `anneal resume` of
    /// its prepared directory (from the start, or from its checkpoint after a kill) in
    /// a child process on `threads` threads (`executable`: an `anneal` binary, this
    /// program's own by default). The children die with this process; a member
    /// directory has one writer at a time (`Run` locks it). `planned(n)` is told how
    /// many members will train, `progress(i, outcome)` of each member; the first
    /// failure is thrown once every child has ended.
    public func trainInChildProcesses(parallel: Int, threads: Int, executable: String = ChildProcess.ownExecutable,
                                      planned: (Int) -> Void = { _ in },
                                      progress: @escaping @Sendable (Int, ChildOutcome) -> Void = { _, _ in }) throws {
        try writeManifest()
        var pending: [Int] = []
        for i in 0..<members {
            if try prepareMember(i) { pending.append(i) } else { progress(i, .finishedEarlier) }
        }
        planned(pending.count)
        let failures = LockedList<String>(), preempted = LockedList<Int>()
        let directories = pending.map(memberDirectory)
        WorkerPool(workers: parallel).run(Array(zip(pending, directories))) { i, dir in
            // Once asked to stop, no member starts; the running ones checkpoint and stop.
            guard !Preemption.isRequested else { return preempted.append(i) }
            let log = "\(dir)/train.log"
            progress(i, .started(log: log))
            do {
                let status = try ChildProcess.run(executable, ["resume", dir, "--no-progress", "--threads", String(threads)],
                                                  environment: ["ANNEAL_NUM_THREADS": String(threads)], log: log)
                if status == Preemption.exitStatus || Preemption.isRequested && status == 128 + SIGTERM { return preempted.append(i) }
                guard status == 0 else {
                    failures.append("member \(i + 1) failed (see \(log))")
                    progress(i, .failed("see \(log)"))
                    return
                }
                let result = (try? String(contentsOfFile: log, encoding: .utf8))?.split(separator: "\n")
                    .last { $0.hasPrefix("test accuracy") || $0.hasPrefix("validation accuracy") }.map(String.init)
                progress(i, .finished(result: result))
            } catch {
                failures.append("member \(i + 1) could not start: \(error)")
                progress(i, .failed("\(error)"))
            }
        }
        if let first = failures.all.first { throw ChildProcessError(first) }
        if !preempted.all.isEmpty {
            throw JobPreempted("preempted: members \(preempted.all.sorted().map { String($0 + 1) }.joined(separator: ", ")) unfinished "
                               + "(the running ones checkpointed); run the same command again to go on")
        }
    }

    /// "member 2/5 (seed 1, optimizer.learningRate=0.08)": the member's number, seed and varied settings.
    public func memberDescription(_ i: Int) -> String {
        let settings = memberSettings(i).sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
        return "member \(i + 1)/\(members) (seed \(base.seed &+ UInt64(i))\(settings.isEmpty ? "" : ", " + settings.joined(separator: ", ")))"
    }

    /// The members' weights files: `directory/member-i/model.safetensors` (absolute when `directory` is).
    public var weightsFiles: [String] { manifest.weights.map { "\(directory)/\($0)" } }
}

/// Each finished member's accuracy, their mean and the ensemble's, on the evaluation
/// set of the members' configuration (the test set, or their validation split).
/// Members still training (no weights yet, or a checkpoint left) are left out and
/// named, so that a report can be read while the last members train.
public struct EnsembleReport {
    /// "test" or "validation".
    public let evaluationName: String
    /// The members evaluated, numbered from 1 as in `ensemble.json`, with their accuracies.
    public let members: [Int]
    /// The accuracy of each member in `members`, as a fraction (0...1).
    public let memberAccuracies: [Double]
    /// The members left out because they have not finished.
    public let unfinishedMembers: [Int]
    /// The ensemble's accuracy, as a fraction (0...1).
    public let ensembleAccuracy: Double
    /// How the members' predictions were combined.
    public let combination: Ensemble.Combination

    /// The members' mean accuracy, as a fraction; the ensemble's gain is measured against it.
    public var meanMemberAccuracy: Double { memberAccuracies.reduce(0, +) / Double(memberAccuracies.count) }

    /// The report as text: members left out, each member's accuracy, their mean, the ensemble's and the gain.
    public var lines: [String] {
        let name = evaluationName
        var lines: [String] = []
        if !unfinishedMembers.isEmpty {
            let list = unfinishedMembers.map(String.init).joined(separator: ", ")
            lines.append("member\(unfinishedMembers.count == 1 ? "" : "s") \(list): not finished, left out of this report")
        }
        lines += zip(members, memberAccuracies).map { String(format: "member %d %@ accuracy: %.4f", $0, name, $1) }
        lines.append(String(format: "mean member %@ accuracy: %.4f", name, meanMemberAccuracy))
        lines.append(String(format: "ensemble %@ accuracy: %.4f (%+.2f points over the mean member; %@)", name, ensembleAccuracy,
                            (ensembleAccuracy - meanMemberAccuracy) * 100, combination.rawValue))
        return lines
    }

    /// Evaluates the finished members listed in `directory/ensemble.json`, and their ensemble.
    public static func evaluate(directory: String, combination: Ensemble.Combination = .probabilities) throws -> EnsembleReport {
        let manifestPath = "\(directory)/\(EnsembleTraining.manifestFileName)"
        let manifest: EnsembleTraining.Manifest
        do { manifest = try JSONDecoder().decode(EnsembleTraining.Manifest.self, from: Data(try FileBytes.read(manifestPath))) } catch let error as AnnealIOError {
            throw error
        } catch {
            throw AnnealIOError(path: manifestPath, "not an ensemble manifest")
        }
        guard !manifest.weights.isEmpty else { throw AnnealIOError(path: manifestPath, "lists no members") }
        let paths = manifest.weights.map { URL(fileURLWithPath: "\(directory)/\($0)") }
        let finished = paths.indices.filter { i in
            Run.isComplete(directory: paths[i].deletingLastPathComponent().path, weightsFile: paths[i].lastPathComponent)
        }
        guard finished.count >= 2 else {
            throw AnnealIOError(path: manifestPath, "\(finished.count) of its \(paths.count) members finished; a report needs at least 2")
        }
        let runFile = paths[finished[0]].deletingLastPathComponent().appendingPathComponent(Run.configFileName).path
        let config = try RunConfig.read(runFile).resolved()
        let dataset = try config.loadData().evaluation, loader = DataLoader(dataset, batchSize: 1000)
        let tta = config.control.tta ?? .none
        // Each member is read once: scored alone, then as part of the ensemble.
        let loaded = try finished.map { try WeightsFile.loadModel(paths[$0].path) }
        let accuracies = loaded.map { member in
            Evaluator(preprocessing: member.preprocessing, testTimeAugmentation: tta).evaluate(member.model, on: loader).accuracy
        }
        let accuracy = try Predictor(loaded: loaded, combination: combination, testTimeAugmentation: tta).evaluate(dataset).accuracy
        return EnsembleReport(evaluationName: config.data.evaluationName, members: finished.map { $0 + 1 },
                              memberAccuracies: accuracies, unfinishedMembers: paths.indices.filter { !finished.contains($0) }.map { $0 + 1 },
                              ensembleAccuracy: accuracy, combination: combination)
    }
}
