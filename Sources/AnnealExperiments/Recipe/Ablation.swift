import AnnealData
import AnnealIO
import AnnealTraining
import Foundation

/// The regularizers an ablation compares, each switched on alone over a common
/// unregularized base (no weight decay, dropout, augmentation or smoothing; the
/// standard architecture).
public enum RegularizationTechnique: String, CaseIterable, Codable, Sendable {
    /// none: the unregularized base alone; l2: an L2 penalty (default 1e-3); l1: an L1
    /// penalty (default 2e-5); elastic: both.
    case none, l2, l1, elastic
    /// The optimizer's weight decay 5e-4.
    case weightDecay = "weight-decay"
    /// mlp and cnn: dropout (default 0.5), or DropConnect 0.5 on the hidden Linear weights.
    case dropout, dropconnect
    /// Residual presets: stochastic depth 0.2.
    case stochasticDepth = "stochastic-depth"
    /// cnn: fractional max pooling by √2 instead of 2×2 max pooling.
    case fractionalPool = "fractional-pool"
    /// Cutout of 8×8 patches, or Mixup with α = 0.2.
    case cutout, mixup
    /// Label smoothing (default 0.1).
    case labelSmoothing = "label-smoothing"
    /// A max-norm constraint of 3 on every weight row or filter.
    case maxNorm = "max-norm"
    /// Random crops (padding 2) and horizontal flips.
    case augment
    /// cnn: batch norm removed (the one row that takes something away: what batch norm itself contributes).
    case batchnormOff = "batchnorm-off"

    /// The techniques `anneal ablate` compares when none are named: every regularizer of the notes, one at a time, against none.
    public static let standard: [RegularizationTechnique] = [.none, .l2, .l1, .elastic, .dropout, .dropconnect, .fractionalPool,
                                                             .cutout, .mixup, .labelSmoothing, .batchnormOff]

    /// `base` with every regularizer off and this one on, or nil where it does not
    /// apply to the preset. A strength set in `base` (L1, L2, dropout, label
    /// smoothing) replaces the default one.
    public func variant(of base: RunConfig) -> RunConfig? {
        let preset = base.model.name
        let l1 = base.regularization.l1 > 0 ? base.regularization.l1 : 2e-5
        let l2 = base.regularization.l2 > 0 ? base.regularization.l2 : 1e-3
        let dropout = base.model.dropout.flatMap { $0 > 0 ? $0 : nil } ?? 0.5
        let smoothing = base.regularization.labelSmoothing.flatMap { $0 > 0 ? $0 : nil } ?? 0.1
        var v = base.unregularized
        // Every row shares the standard architecture; pooling and batch norm are rows of their own.
        v.model.pool = nil
        v.model.batchNorm = nil
        switch self {
        case .none: break
        case .l2: v.regularization.l2 = l2
        case .l1: v.regularization.l1 = l1
        case .elastic: (v.regularization.l1, v.regularization.l2) = (l1, l2)
        case .weightDecay: v.optimizer.weightDecay = 5e-4
        case .dropout:
            guard preset.hasHiddenLinear else { return nil }
            v.model.dropout = dropout
        case .dropconnect:
            guard preset.hasHiddenLinear else { return nil }
            v.model.dropConnect = 0.5
        case .stochasticDepth:
            guard preset.isResidual else { return nil }
            v.model.stochasticDepth = 0.2
        case .fractionalPool:
            guard preset == .cnn else { return nil }
            v.model.pool = .fractional
        case .cutout: v.data.augment = "cutout:8"
        case .mixup: v.data.augment = "mixup:0.2"
        case .labelSmoothing: v.regularization.labelSmoothing = smoothing
        case .maxNorm: v.regularization.maxNorm = 3
        case .augment: v.data.augment = "crop:2,flip"
        case .batchnormOff:
            guard preset == .cnn else { return nil }
            v.model.batchNorm = false
        }
        return v
    }

    /// What the variant trained with, in words.
    public func description(in v: RunConfig) -> String {
        switch self {
        case .none: "no regularization"
        case .l2: "L2 penalty \(v.regularization.l2)"
        case .l1: "L1 penalty \(v.regularization.l1)"
        case .elastic: "L1 \(v.regularization.l1) + L2 \(v.regularization.l2)"
        case .weightDecay: "SGD weight decay 5e-4"
        case .dropout: "dropout \(v.model.dropout ?? 0)"
        case .dropconnect: "DropConnect 0.5 on the hidden Linear"
        case .stochasticDepth: "stochastic depth 0.2 (resnet)"
        case .fractionalPool: "fractional max pooling √2 (cnn)"
        case .cutout: "Cutout 8×8"
        case .mixup: "Mixup α = 0.2"
        case .labelSmoothing: "label smoothing \(v.regularization.labelSmoothing ?? 0)"
        case .maxNorm: "max-norm 3"
        case .augment: "crop 2 + flip"
        case .batchnormOff: "batch norm removed (cnn)"
        }
    }
}

/// One row of an ablation: a technique alone over the unregularized base.
public struct AblationRow: Sendable {
    /// The technique switched on in this row.
    public let technique: RegularizationTechnique
    /// The technique with its strength in this run, e.g. "L2 penalty 0.001".
    public let description: String
    /// Accuracy on the training images in evaluation mode, without augmentation.
    public let trainAccuracy: Double
    /// Accuracy of the final weights on the evaluation images, as a fraction (NaN when not evaluated).
    public let testAccuracy: Double
    /// Loss of the final weights on the evaluation images (NaN when not evaluated).
    public let testLoss: Double
    /// Seconds of wall time the row's run took.
    public let seconds: Double
    /// Train accuracy minus test accuracy.
    public var gap: Double { trainAccuracy - testAccuracy }
}

/// The regularization ablation: one run per technique with the same seed, data and
/// budget, each in `directory/NAME`, and `directory/ablation.csv` rewritten after
/// every row (so an interrupted ablation keeps the rows it finished).
public struct Ablation {
    /// The table's file name in the ablation's directory, one line per finished row.
    public static let csvFileName = "ablation.csv"
    /// The configuration every variant starts from (`RegularizationTechnique.variant(of:)`).
    public let base: RunConfig
    /// The techniques to compare, in order (default `RegularizationTechnique.standard`).
    public let techniques: [RegularizationTechnique]
    /// Where each variant's run directory and ablation.csv go.
    public let directory: String

    /// Checks `base` (resolving it) before any run starts.
    public init(base: RunConfig, techniques: [RegularizationTechnique] = RegularizationTechnique.standard, directory: String) throws {
        _ = try base.resolved()
        self.base = base
        self.techniques = techniques
        self.directory = directory
    }

    /// Trains every variant in order. `starting(run)` is told of the first run that
    /// trains (its data and budget are the ablation's), `skipped` of each technique
    /// that does not apply to the preset, `finished` of each row.
    @discardableResult
    public func run(starting: (Run) -> Void = { _ in }, skipped: (RegularizationTechnique) -> Void = { _ in },
                    finished: (AblationRow) -> Void = { _ in }) throws -> [AblationRow] {
        let header = "technique,description,train_acc,test_acc,gap,test_loss,seconds"
        var rows: [AblationRow] = [], lines: [String] = []
        for technique in techniques {
            guard var variant = try technique.variant(of: base)?.resolved() else {
                skipped(technique)
                continue
            }
            variant.control.report = false
            let run = try Run(variant, directory: "\(directory)/\(technique.rawValue)", overwrite: true)
            if rows.isEmpty { starting(run) }
            let outcome = try run.fit()
            let trainAccuracy = Evaluator(preprocessing: run.preprocessing)
                .evaluate(outcome.model, on: DataLoader(run.trainingSet, batchSize: 1000)).accuracy
            let row = AblationRow(technique: technique, description: technique.description(in: variant), trainAccuracy: trainAccuracy,
                                  testAccuracy: outcome.evaluation?.accuracy ?? .nan, testLoss: outcome.evaluation?.loss ?? .nan,
                                  seconds: outcome.seconds)
            rows.append(row)
            finished(row)
            lines.append([technique.rawValue, "\"\(row.description)\"", String(format: "%.4f", row.trainAccuracy),
                          String(format: "%.4f", row.testAccuracy), String(format: "%.4f", row.gap), String(format: "%.4f", row.testLoss),
                          String(format: "%.1f", row.seconds)].joined(separator: ","))
            try AtomicFile.write(Array(([header] + lines).joined(separator: "\n").utf8) + [10], to: "\(directory)/\(Ablation.csvFileName)")
        }
        return rows
    }
}
