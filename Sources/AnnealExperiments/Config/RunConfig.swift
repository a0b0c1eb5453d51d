import AnnealDistributed
import AnnealIO
import AnnealOptim
import AnnealReports
import AnnealTraining
import Foundation

/// One training run as a value: the model, data, optimizer, schedule,
/// regularization, control, epochs and seed. Every command that trains builds
/// one and hands it to `Run`; a run saves it as `DIR/run.json`, so it can be
/// replayed (`anneal train --config`), resumed, searched over or sent to other ranks.
///
/// Optional fields left nil mean "the preset's recipe decides"; `resolved()` fills
/// in every value the run will actually use, in this one place.
public struct RunConfig: Codable, Sendable, Equatable {
    /// The schema of run.json. 3: the linear scaling rule's reference batch is the
    /// preset's recipe batch (before: 256). 2: optimizers' own settings (momentum,
    /// betas, ε, α) default to the optimizer's own values, SGD's momentum to the
    /// recipe's. 1 (no `version` field): every momentum defaulted to 0.9. Older files
    /// are migrated when read, so they replay as they ran.
    public static let currentVersion = 3
    /// The schema this configuration follows; `decode` migrates older files and sets it to `currentVersion`.
    public var version = RunConfig.currentVersion
    /// The preset network and its settings.
    public var model: ModelConfig
    /// The data set, split, preprocessing, augmentation and batch size.
    public var data = DataConfig()
    /// The optimizer, its peak learning rate and weight decay.
    public var optimizer = OptimizerConfig()
    /// The learning-rate schedule and its warmup, timed in epochs.
    public var schedule = ScheduleConfig()
    /// The loss-side penalties, label smoothing and max-norm constraint.
    public var regularization = RegularizationConfig()
    /// Early stopping, clipping, the NaN guard, weight averaging, checkpoints and reports.
    public var control = ControlConfig()
    /// Transfer learning from pretrained weights (none by default).
    public var transfer = TransferConfig()
    /// Gradient accumulation, data-parallel and pipeline settings.
    public var parallel = ParallelConfig()
    /// Epochs to train (nil: the preset recipe's budget).
    public var epochs: Int? = nil
    /// Weights, shuffling, dropout, augmentation and the validation split all derive from it.
    public var seed: UInt64 = 0

    /// A configuration for the preset `model` with every other field at its default (unresolved).
    public init(model: ModelPreset = .mlp) { self.model = ModelConfig(name: model) }

    /// The defaults the preset trains with: optimizer, schedule, epochs, batch, regularization and augmentation.
    public var recipe: PresetRecipe { model.name.recipe }

    /// With every default filled in from the preset's recipe and the other choices,
    /// and checked; resolving a resolved configuration changes nothing.
    public func resolved() throws -> RunConfig {
        try validate()
        var c = self
        let recipe = self.recipe
        let epochs = self.epochs ?? recipe.epochs
        c.epochs = epochs
        c.model = c.model.resolved(recipe: recipe)
        // The number of classes, where known before the data is read (else the run sets it from the data).
        c.model.classes = model.classes ?? data.classes?.count ?? data.dataset.knownClassCount
        c.data = data.resolved(recipe: recipe)
        c.optimizer = optimizer.resolved(recipe: recipe)
        c.regularization.labelSmoothing = regularization.labelSmoothing ?? recipe.labelSmoothing
        c.control.tta = control.tta ?? recipe.testTimeAugmentation
        c.control.evaluateEvery = control.evaluateEvery ?? (recipe.evaluatesEveryEpoch || control.earlyStopPatience != nil || schedule.name == .plateau ? 1 : epochs)
        if c.control.evaluateEvery ?? 1 > 1 && c.schedule.name == .plateau {
            throw ConfigError(field: "control.evaluateEvery", "the plateau schedule reads the evaluation of every epoch; evaluate every epoch (1)")
        }
        if let k = control.snapshots {
            // A snapshot ensemble takes one snapshot per cosine cycle.
            if c.schedule.name == .cosine { c.schedule.name = .cosineRestarts }
            guard c.schedule.name == .cosineRestarts, c.schedule.cycles ?? k == k else {
                throw ConfigError(field: "control.snapshots", "takes its \(k) snapshots at the ends of \(k) equal cosine-restarts cycles; "
                                  + "the schedule is \(c.schedule.name.rawValue)\(c.schedule.cycles.map { " with \($0) cycles" } ?? "")")
            }
            c.schedule.cycles = k
        }
        if let e = control.swaStartEpoch, e > epochs {
            throw ConfigError(field: "control.swaStartEpoch", "epoch \(e) is after the \(epochs)-epoch run")
        }
        c.schedule = c.schedule.resolved(epochs: epochs, presetWarmup: recipe.warmupEpochs(forRunOf: epochs))
        if c.schedule.scaleWithBatch { c.schedule.referenceBatch = schedule.referenceBatch ?? recipe.batchSize }
        try c.validate()
        if c.schedule.name != .oneCycle, let warmup = c.schedule.warmupEpochs, warmup >= Double(epochs) {
            throw ConfigError(field: "schedule.warmupEpochs", "\(warmup) epochs is not shorter than the \(epochs)-epoch run")
        }
        return c
    }

    /// Checks every field; the error names the field, the value and what is valid.
    public func validate() throws {
        if let epochs, !(1...ScheduleConfig.maximumEpochs).contains(epochs) {
            throw ConfigError(field: "epochs", "must be in 1...\(ScheduleConfig.maximumEpochs), got \(epochs)")
        }
        try model.validate()
        try data.validate()
        try optimizer.validate()
        try schedule.validate()
        try regularization.validate()
        try control.validate()
        try transfer.validate()
        try parallel.validate()
        if parallel.pipelineStages > 1 { try validatePipeline() }
        if let classes = model.classes, let known = data.classes?.count ?? data.dataset.knownClassCount, classes < known {
            throw ConfigError(field: "model.classes", "\(classes) outputs cannot tell apart the data's \(known) classes")
        }
    }

    /// What a pipeline cannot do: each stage sees only its own weights until the
    /// epoch ends, so whatever needs all of them at every step is refused.
    private func validatePipeline() throws {
        let refused: [(Bool, String, String)] = [
            (parallel.syncBatchNorm, "parallel.syncBatchNorm", "synchronized batch norm (a pipeline is not data-parallel)"),
            (control.ema != nil, "control.ema", "weight averaging (EMA)"),
            (control.swaStartEpoch != nil, "control.swaStartEpoch", "stochastic weight averaging"),
            (control.snapshots != nil, "control.snapshots", "snapshot ensembles"),
            (control.clipNorm != nil || control.clipValue != nil, "control.clipNorm", "gradient clipping"),
            (regularization.l1 > 0 || regularization.l2 > 0, "regularization.l2", "L1/L2 penalties in the loss (use weight decay)"),
            (control.checkpointEvery != nil, "control.checkpointEvery", "checkpoints within an epoch (a pipeline checkpoints at epoch ends)"),
        ]
        for (on, field, what) in refused where on {
            throw ConfigError(field: field, "\(what) does not work with pipeline stages")
        }
    }

    /// The configuration with every regularizer off (the recipe's "regularization
    /// off", the ablation's base). The architecture (pooling, batch norm) stays.
    public var unregularized: RunConfig {
        var c = self
        c.optimizer.weightDecay = 0
        if model.name.hasHiddenLinear { c.model.dropout = 0; c.model.dropConnect = 0 }
        if model.name.isResidual { c.model.stochasticDepth = 0 }
        c.regularization = RegularizationConfig()
        c.regularization.labelSmoothing = 0
        c.data.augment = ""
        return c
    }
}

// MARK: JSON

extension RunConfig {
    /// Pretty, key-sorted JSON (what `run.json` holds).
    public func jsonData() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return try encoder.encode(self) + [10]
    }

    /// The configuration in a JSON file (a run's run.json), as `decode` reads it.
    public static func read(_ path: String) throws -> RunConfig {
        try decode(Data(try FileBytes.read(path)), source: path)
    }

    /// A configuration from JSON. Fields left out take their defaults (so a
    /// hand-written file may name only what it changes); an unknown field or a
    /// value of the wrong type is an error naming it.
    public static func decode(_ data: Data, source: String = "config") throws -> RunConfig {
        guard let object = try? JSONSerialization.jsonObject(with: data), let given = object as? [String: Any] else {
            throw ConfigError("\(source): not a JSON object")
        }
        let preset: ModelPreset
        if let model = given["model"] as? [String: Any], let name = model["name"] {
            guard let text = name as? String, let p = ModelPreset(rawValue: text) else {
                throw ConfigError(field: "model.name", "unknown model '\(name)'; valid: \(choices(ModelPreset.allCases))")
            }
            preset = p
        } else {
            preset = .mlp
        }
        var merged = try RunConfig(model: preset).jsonObject()
        try merge(try migrated(given), into: &merged, path: "")
        merged["version"] = currentVersion
        do {
            let data = try JSONSerialization.data(withJSONObject: merged)
            return try JSONDecoder().decode(RunConfig.self, from: data)
        } catch let error as DecodingError {
            throw ConfigError(field: error.fieldPath, "\(source): \(error.reason)")
        }
    }

    /// A configuration of an earlier schema in today's terms (see `currentVersion`).
    static func migrated(_ given: [String: Any]) throws -> [String: Any] {
        let version = given["version"].map { $0 as? Int ?? -1 } ?? 1
        guard (1...currentVersion).contains(version) else {
            throw ConfigError(field: "version", "schema \(given["version"] ?? "?") is not one this build reads (1...\(currentVersion)); a newer Anneal wrote it")
        }
        var config = given
        if version < 2, var optimizer = config["optimizer"] as? [String: Any], optimizer["name"] as? String == OptimizerKind.rmsprop.rawValue,
           optimizer["momentum"] == nil {
            // Version 1 gave RMSProp the recipe's SGD momentum.
            optimizer["momentum"] = 0.9
            config["optimizer"] = optimizer
        }
        if version < 3, var schedule = config["schedule"] as? [String: Any], schedule["scaleWithBatch"] as? Bool == true,
           schedule["referenceBatch"] == nil {
            // Before version 3 the linear scaling rule's reference batch was always 256.
            schedule["referenceBatch"] = LinearScalingRule.referenceBatchSize
            config["schedule"] = schedule
        }
        return config
    }

    /// This configuration with the field at `path` (a dotted path such as
    /// "optimizer.learningRate", or a field name that is unique, compared without
    /// case or dashes: "lr", "weight-decay", "learningRate") set from `text`.
    public func setting(_ path: String, to text: String) throws -> RunConfig {
        let field = try RunConfig.field(named: path)
        var object = try jsonObject()
        let value: Any = (try? JSONSerialization.jsonObject(with: Data(text.utf8), options: .fragmentsAllowed)) ?? text
        try RunConfig.set(value, at: field.split(separator: ".").map(String.init), in: &object)
        do {
            return try JSONDecoder().decode(RunConfig.self, from: JSONSerialization.data(withJSONObject: object))
        } catch {
            throw ConfigError(field: field, "'\(text)' is not a valid value")
        }
    }

    /// Short names for the fields people tune most.
    static let aliases: [String: String] = [
        "lr": "optimizer.learningRate", "optimizer": "optimizer.name", "schedule": "schedule.name",
        "warmup": "schedule.warmupEpochs", "batchsize": "data.batchSize", "augment": "data.augment",
        "activation": "model.activation", "init": "model.initializer", "model": "model.name",
        "earlystop": "control.earlyStopPatience", "stochasticdepth": "model.stochasticDepth",
    ]

    /// The dotted path of a field given by path, alias or unique name.
    public static func field(named name: String) throws -> String {
        let paths = fieldPaths
        if paths.contains(name) { return name }
        let key = name.lowercased().replacingOccurrences(of: "-", with: "").replacingOccurrences(of: "_", with: "")
        if let path = aliases[key] { return path }
        let matches = paths.filter { ($0.split(separator: ".").last ?? "").lowercased() == key }
        guard matches.count == 1 else {
            throw ConfigError(matches.isEmpty ? "unknown configuration field '\(name)'; fields: \(paths.joined(separator: ", "))"
                                              : "'\(name)' is ambiguous: \(matches.joined(separator: ", "))")
        }
        return matches[0]
    }

    /// Every leaf field's dotted path, in declaration order (found once, by reflection).
    public static let fieldPaths: [String] = {
        func leaves(_ value: Any, prefix: String) -> [String] {
            Mirror(reflecting: value).children.flatMap { child -> [String] in
                guard let label = child.label else { return [] }
                let path = prefix.isEmpty ? label : "\(prefix).\(label)"
                let mirror = Mirror(reflecting: child.value)
                return mirror.displayStyle == .struct && !(child.value is any RawRepresentable) ? leaves(child.value, prefix: path) : [path]
            }
        }
        return leaves(RunConfig(), prefix: "")
    }()

    /// The dotted paths of the fields whose values differ from `other`'s, in declaration order.
    public func differingFields(from other: RunConfig) throws -> [String] {
        let (mine, theirs) = (try jsonObject(), try other.jsonObject())
        func value(_ object: [String: Any], _ path: String) -> String {
            let leaf = path.split(separator: ".").reduce(object as Any?) { ($0 as? [String: Any])?[String($1)] }
            return leaf.map { "\($0)" } ?? "nil"
        }
        return RunConfig.fieldPaths.filter { value(mine, $0) != value(theirs, $0) }
    }

    func jsonObject() throws -> [String: Any] {
        guard let object = try JSONSerialization.jsonObject(with: JSONEncoder().encode(self)) as? [String: Any] else {
            throw ConfigError("the configuration does not encode as a JSON object")
        }
        return object
    }

    /// Overlays `given` on `base` key by key; keys that are not fields are refused.
    private static func merge(_ given: [String: Any], into base: inout [String: Any], path: String) throws {
        let known = Set(fieldPaths)
        for (key, value) in given {
            let full = path.isEmpty ? key : "\(path).\(key)"
            if let object = value as? [String: Any], known.contains(where: { $0.hasPrefix(full + ".") }) {
                var inner = base[key] as? [String: Any] ?? [:]
                try merge(object, into: &inner, path: full)
                base[key] = inner
            } else {
                guard known.contains(full) else {
                    throw ConfigError(field: full, "unknown field; fields: \(known.sorted().filter { $0.hasPrefix(path) }.joined(separator: ", "))")
                }
                base[key] = value is NSNull ? nil : value
            }
        }
    }

    private static func set(_ value: Any, at path: [String], in object: inout [String: Any]) throws {
        guard let key = path.first else { return }
        if path.count == 1 { object[key] = value; return }
        var inner = object[key] as? [String: Any] ?? [:]
        try set(value, at: Array(path.dropFirst()), in: &inner)
        object[key] = inner
    }
}

extension DecodingError {
    /// The dotted path of the value that failed to decode.
    var fieldPath: String {
        let path: [CodingKey]
        switch self {
        case .typeMismatch(_, let c), .valueNotFound(_, let c), .dataCorrupted(let c): path = c.codingPath
        case .keyNotFound(let key, let c): path = c.codingPath + [key]
        @unknown default: path = []
        }
        return path.map(\.stringValue).joined(separator: ".")
    }

    var reason: String {
        switch self {
        case .typeMismatch(let type, _): "expected a value of type \(type)"
        case .valueNotFound(let type, _): "missing a value of type \(type)"
        case .keyNotFound(let key, _): "missing field '\(key.stringValue)'"
        case .dataCorrupted(let c): c.debugDescription
        @unknown default: "not valid"
        }
    }
}

/// "a, b or c" for messages listing valid choices.
func choices<S: Sequence>(_ values: S) -> String where S.Element: RawRepresentable, S.Element.RawValue == String {
    values.map(\.rawValue).joined(separator: ", ")
}
