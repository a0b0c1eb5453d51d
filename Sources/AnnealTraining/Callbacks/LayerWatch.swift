import AnnealIO
import AnnealNN
import AnnealTensor
import Foundation

/// The notes' babysitting during training. Every `every` optimizer steps it records,
/// per layer:
/// - the update/weight ratio ‖Δw‖/‖w‖ of that step's actual change of the layer's
///   weight (after momentum, weight decay, clipping and max-norm), ‖w‖ before the step;
///   the notes want it near 1e-3;
/// - the weight's norm and its gradient's norm (after clipping);
/// - the layer's output statistics on a fixed probe batch (`LayerProbe`), measured
///   in a pass of its own after the step: batch norm in training mode with its running
///   statistics put back afterwards, random layers (dropout …) off, no gradients.
/// Watching changes nothing it watches: the training step itself runs as without it.
/// Rows go to `layers.csv` (`Record.csvHeader`) and to the `listeners`.
public final class LayerWatch: TrainingCallback {
    /// One layer at one watched step: a row of layers.csv.
    public struct Record: Sendable, Equatable {
        /// Optimizer steps done, the watched one included.
        public var step: Int
        /// The epoch of the step, 1-based.
        public var epoch: Int
        /// The layer's dotted module name (`layer1.0.conv2`).
        public var layer: String
        /// The layer's type from the probe (`Conv2d`, `ReLU` …); empty when the probe
        /// recorded no output for it.
        public var kind: String
        /// ‖Δw‖/‖w‖ of the step (layers with a trainable weight of ≥ 2 dimensions).
        public var updateRatio: Double?
        /// L2 norm ‖w‖ of the layer's weight before the step (nil for layers without a watched weight).
        public var weightNorm: Double?
        /// L2 norm of the weight's gradient at `afterBackward` (0 when it had none; nil for
        /// layers without a watched weight).
        public var gradientNorm: Double?
        /// The layer's output on the probe batch.
        public var activation: ActivationStatistics?

        /// The first line of layers.csv: the column names, in `csvLine`'s order.
        public static let csvHeader = "step,epoch,layer,kind,update_ratio,weight_norm,gradient_norm,activation_mean,activation_std,dead_fraction,saturated_fraction"

        /// The record as a layers.csv row (numbers to 6 significant digits, empty cells for nil).
        public var csvLine: String {
            func number(_ x: Double?) -> String { x.map { String(format: "%.6g", $0) } ?? "" }
            return [String(step), String(epoch), layer, kind, number(updateRatio), number(weightNorm), number(gradientNorm),
                    number(activation?.mean), number(activation?.std), number(activation?.deadFraction),
                    number(activation?.saturatedFraction)].joined(separator: ",")
        }

        /// A record from its fields; `step` counts optimizer steps, `epoch` is 1-based.
        public init(step: Int, epoch: Int, layer: String, kind: String, updateRatio: Double? = nil, weightNorm: Double? = nil,
                    gradientNorm: Double? = nil, activation: ActivationStatistics? = nil) {
            (self.step, self.epoch, self.layer, self.kind) = (step, epoch, layer, kind)
            (self.updateRatio, self.weightNorm, self.gradientNorm, self.activation) = (updateRatio, weightNorm, gradientNorm, activation)
        }

        /// Reads a layers.csv line (nil for the header or a line that is not a row).
        public init?(csvLine line: Substring) {
            let f = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            guard f.count == 11, let step = Int(f[0]), let epoch = Int(f[1]) else { return nil }
            (self.step, self.epoch, layer, kind) = (step, epoch, f[2], f[3])
            (updateRatio, weightNorm, gradientNorm) = (Double(f[4]), Double(f[5]), Double(f[6]))
            activation = Double(f[7]).flatMap { mean in Double(f[8]).map { std in
                ActivationStatistics(name: f[2], kind: f[3], mean: mean, std: std, deadFraction: Double(f[9]), saturatedFraction: Double(f[10]))
            } }
        }
    }

    /// The records' file name in a run directory.
    public static let fileName = "layers.csv"
    /// Images in the probe batch (a run takes them stratified from its training set).
    public static let probeImages = 256
    /// Activation values kept per layer and watched step for histograms.
    public static let histogramSamples = 4096

    /// Optimizer steps between watched steps: it watches the steps that bring the
    /// optimizer's step count to a multiple of it.
    public let every: Int
    let model: Module
    let probe: Tensor
    let csvPath: String?
    /// Told of each watched step's records (with the activations' sampled values) after layers.csv has them.
    public var listeners: [(_ records: [Record], _ step: Int) throws -> Void] = []
    private var watched: [(name: String, parameter: Parameter, before: [Float])] = []
    private var gradientNorms: [String: Double] = [:]

    /// Watches `model` every `every` optimizer steps, probing it with `probe` (model
    /// inputs, preprocessed); writes `csvPath` when given.
    public init(model: Module, every: Int, probe: Tensor, csvPath: String?) {
        precondition(every >= 1, "LayerWatch: every must be ≥ 1 step, got \(every)")
        (self.model, self.every, self.probe, self.csvPath) = (model, every, probe, csvPath)
    }

    static func norm(_ values: [Float]) -> Double { values.reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot() }

    /// Starts layers.csv at `fitBegin` (keeping a resumed run's rows up to its step),
    /// keeps the weights before a watched step, takes the gradient norms at
    /// `afterBackward`, and at `batchEnd` probes the model, appends the rows and tells the listeners.
    public func handle(_ event: TrainingEvent, trainer: Trainer) throws {
        switch event {
        case .fitBegin:
            try startFile(keepingStepsUpTo: trainer.optimizer.stepCount)
        case .batchBegin:
            guard (trainer.optimizer.stepCount + 1) % every == 0 else { watched = []; return }
            watched = model.namedParameters()
                .filter { $0.name.hasSuffix("weight") && $0.parameter.shape.count >= 2 && !$0.parameter.isFrozen }
                .map { (String($0.name.dropLast(".weight".count)), $0.parameter, $0.parameter.value.scalars) }
        case .afterBackward:
            gradientNorms = Dictionary(watched.map { ($0.name, $0.parameter.grad.map { Self.norm($0.scalars) } ?? 0) }, uniquingKeysWith: { a, _ in a })
        case .batchEnd(let report):
            guard !watched.isEmpty else { return }
            let step = trainer.optimizer.stepCount, epoch = report.epoch + 1
            var records = watched.map { name, parameter, before -> Record in
                let after = parameter.value.scalars
                var change = 0.0
                for i in after.indices { let d = Double(after[i]) - Double(before[i]); change += d * d }
                let weightNorm = Self.norm(before)
                return Record(step: step, epoch: epoch, layer: name, kind: "", updateRatio: weightNorm > 0 ? change.squareRoot() / weightNorm : nil,
                              weightNorm: weightNorm, gradientNorm: gradientNorms[name])
            }
            watched = []
            let index = Dictionary(records.enumerated().map { ($0.element.layer, $0.offset) }, uniquingKeysWith: { a, _ in a })
            for row in probeActivations() {
                if let i = index[row.name] {
                    records[i].kind = row.kind
                    records[i].activation = row
                } else {
                    records.append(Record(step: step, epoch: epoch, layer: row.name, kind: row.kind, activation: row))
                }
            }
            if let csvPath {
                try FileBytes.append(Array(records.map { $0.csvLine + "\n" }.joined().utf8), to: csvPath)
            }
            for listener in listeners { try listener(records, step) }
        default:
            break
        }
    }

    /// Every layer's output on the probe batch, the model left exactly as it was.
    func probeActivations() -> [ActivationStatistics] {
        let buffers = model.namedBuffers().map { ($0.buffer, Tensor($0.buffer.value.scalars, shape: $0.buffer.value.shape)) }
        defer { for (buffer, saved) in buffers { buffer.value = saved } }
        return model.withMode(training: true) {
            model.trainStochasticLayers(false)
            return withoutGrad { LayerProbe.measure(model, samplesPerLayer: Self.histogramSamples) { model(probe) }.1 }
        }
    }

    /// A new layers.csv with its header, or, for a resumed run, the old one without
    /// the rows after `step` (the steps the run does again).
    private func startFile(keepingStepsUpTo step: Int) throws {
        guard let csvPath else { return }
        var lines = [Record.csvHeader]
        if step > 0, let old = try? FileBytes.read(csvPath) {
            lines += String(decoding: old, as: UTF8.self).split(separator: "\n").compactMap { line in
                Record(csvLine: line).flatMap { $0.step <= step ? String(line) : nil }
            }
        }
        try AtomicFile.write(Array((lines.joined(separator: "\n") + "\n").utf8), to: csvPath)
    }

    /// The records of a layers.csv, in file order.
    public static func read(_ path: String) throws -> [Record] {
        String(decoding: try FileBytes.read(path), as: UTF8.self).split(separator: "\n").compactMap(Record.init(csvLine:))
    }
}
