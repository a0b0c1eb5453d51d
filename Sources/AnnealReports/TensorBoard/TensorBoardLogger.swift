import AnnealIO
import AnnealNN
import AnnealTensor
import AnnealTraining
import Foundation

/// Writes a run into a TensorBoard event file as it trains:
/// - per step (`step/…`, step = optimizer steps): train loss, learning rate, global
///   gradient norm, images per second;
/// - per epoch (`epoch/…`, step = the epoch as in metrics.csv): train and evaluation
///   loss and accuracy and the learning rate, then a flush, so a live TensorBoard sees it;
/// - every `histogramsEvery` epochs: histograms of every parameter (`weights/NAME`) and
///   of its gradient in the epoch's last step (`gradients/NAME`);
/// - at the start: the configuration as text and hparams, the augmentation preview,
///   the first layer's filters; at the end: the confusion matrix of the evaluation set
///   and the filters again;
/// - the records of a `LayerWatch` (`logLayers`).
/// A resumed run writes a new file beside the old ones (TensorBoard reads them all),
/// starting with a restart mark so the steps it repeats replace the earlier ones.
public final class TensorBoardLogger: TrainingCallback {
    /// The event file this logger writes (also open to other writers, e.g. `logLayers`).
    public let events: TensorBoardEventFile
    /// The run's configuration as JSON (shown as text, and flattened into hparams).
    let configuration: Data
    let evaluationName: String
    let histogramsEvery: Int?
    let preview: () -> Bitmap?
    let confusion: () -> ConfusionMatrix?
    let filters: () -> Bitmap?
    private var stepsPerEpoch = 1
    private var gradientNorm = 0.0

    /// Opens a new event file in `directory`.
    ///
    /// - Parameters:
    ///   - directory: Where the event file goes (created if needed).
    ///   - configuration: The run's configuration as JSON.
    ///   - evaluationName: Names the evaluation set in the epoch tags (`epoch/NAME_loss`).
    ///   - histogramsEvery: Epochs between weight and gradient histograms (nil: none).
    ///   - preview: The augmentation preview logged at the start (nil: none).
    ///   - confusion: The evaluation set's confusion matrix, logged at the end (nil: none).
    ///   - filters: The first layer's filters, logged at the start and the end (nil: none).
    /// - Throws: When the directory or the file cannot be created.
    public init(directory: String, configuration: Data, evaluationName: String, histogramsEvery: Int?,
                preview: @escaping () -> Bitmap? = { nil }, confusion: @escaping () -> ConfusionMatrix? = { nil },
                filters: @escaping () -> Bitmap? = { nil }) throws {
        events = try TensorBoardEventFile(directory: directory)
        self.configuration = configuration
        self.evaluationName = evaluationName
        self.histogramsEvery = histogramsEvery
        self.preview = preview
        self.confusion = confusion
        self.filters = filters
    }

    /// Writes what each event brings (see the type's list): a restart mark at `fitBegin`
    /// when other event files exist and the start values when the run is not resumed;
    /// the gradient norm and, at an epoch's last step, the histograms at `afterBackward`;
    /// step scalars at `batchEnd`, epoch scalars at `epochEnd`, the closing images at `fitEnd`.
    public func handle(_ event: TrainingEvent, trainer: Trainer) throws {
        switch event {
        case .fitBegin(let plan):
            stepsPerEpoch = plan.stepsPerEpoch
            // Resumed (or restarted after a kill before any checkpoint): the steps after the
            // checkpoint are logged again. Epoch-level values sit at steps ≤ the epochs done
            // ≤ the optimizer steps, so they stay.
            let directory = URL(fileURLWithPath: events.path).deletingLastPathComponent().path
            if TensorBoardEventFile.files(in: directory).contains(where: { $0 != events.path }) {
                try events.restart(at: trainer.optimizer.stepCount + 1)
            }
            guard plan.startEpoch == 0 && plan.startStep == 0 else {
                try events.flush()
                return
            }
            let json = String(decoding: configuration, as: UTF8.self)
            try events.text("config", "```json\n\(json)```", step: 0)
            try events.hparams(start: try Self.flattenedValues(configuration), metrics: ["epoch/\(evaluationName)_accuracy", "epoch/\(evaluationName)_loss"])
            if let image = preview() { try events.image("augmentation_preview", image, step: 0) }
            if let image = filters() { try events.image("first_layer_filters", image, step: 0) }
            try events.flush()
        case .afterBackward(let epoch, let step, _):
            gradientNorm = GradientClipping.globalNorm(trainer.model.parameters)
            if let every = histogramsEvery, (epoch + 1) % every == 0, step == stepsPerEpoch - 1 {
                for (name, p) in trainer.model.namedParameters() {
                    try events.histogram("weights/\(name)", p.value.scalars, step: epoch + 1)
                    if let g = p.grad { try events.histogram("gradients/\(name)", g.scalars, step: epoch + 1) }
                }
            }
        case .batchEnd(let report):
            try events.scalars([("step/train_loss", Double(report.loss)), ("step/learning_rate", Double(report.learningRate)),
                                ("step/gradient_norm", gradientNorm), ("step/images_per_second", report.imagesPerSecond)],
                               step: trainer.optimizer.stepCount)
        case .epochEnd(let record):
            var values = [("epoch/train_loss", record.train.loss), ("epoch/train_accuracy", record.train.accuracy),
                          ("epoch/learning_rate", Double(record.learningRate))]
            if let e = record.evaluation { values += [("epoch/\(evaluationName)_loss", e.loss), ("epoch/\(evaluationName)_accuracy", e.accuracy)] }
            try events.scalars(values.map { (tag: $0.0, value: $0.1) }, step: record.epoch + 1)
            try events.flush()
        case .fitEnd(let history):
            if let matrix = confusion() { try events.image("confusion_matrix", matrix.png(), step: history.count) }
            if let image = filters() { try events.image("first_layer_filters", image, step: history.count) }
            try events.hparamsEnd(success: true)
            try events.flush()
        default:
            break
        }
    }
}

extension TensorBoardLogger {
    /// A `LayerWatch`'s records of one step: per layer, scalars
    /// `layers/update_ratio_log10/NAME` (log10 of a positive ratio), `layers/gradient_norm/NAME`,
    /// `layers/activation_std/NAME`, dead and saturated fractions, and a histogram of
    /// the probe batch's outputs (`activations/NAME`).
    public func logLayers(_ records: [LayerWatch.Record], step: Int) throws {
        var values: [(tag: String, value: Double)] = []
        for r in records {
            if let x = r.updateRatio, x > 0 { values.append(("layers/update_ratio_log10/\(r.layer)", log10(x))) }
            if let x = r.gradientNorm { values.append(("layers/gradient_norm/\(r.layer)", x)) }
            if let a = r.activation {
                values.append(("layers/activation_std/\(r.layer)", a.std))
                if let x = a.deadFraction { values.append(("layers/dead_fraction/\(r.layer)", x)) }
                if let x = a.saturatedFraction { values.append(("layers/saturated_fraction/\(r.layer)", x)) }
                if !a.samples.isEmpty { try events.histogram("activations/\(r.layer)", a.samples, step: step) }
            }
        }
        try events.scalars(values, step: step)
    }

    /// Every leaf field of a JSON object with a value, by dotted path (numbers,
    /// strings, booleans; lists as text): a run's hyperparameters for TensorBoard's HParams tab.
    public static func flattenedValues(_ json: Data) throws -> [String: Any] {
        var result: [String: Any] = [:]
        func walk(_ value: Any, _ path: String) {
            switch value {
            case let object as [String: Any]: for (key, inner) in object { walk(inner, path.isEmpty ? key : "\(path).\(key)") }
            case let list as [Any]: result[path] = list.map { "\($0)" }.joined(separator: ",")
            case is NSNull: break
            default: result[path] = value
            }
        }
        walk(try JSONSerialization.jsonObject(with: json), "")
        return result
    }
}
