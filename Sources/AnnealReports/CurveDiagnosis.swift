import AnnealIO
import AnnealTraining
import Foundation

/// One epoch of a run's curves (a row of metrics.csv). The evaluation columns are
/// validation figures when the run held out a validation split, else test figures.
public struct CurvePoint: Sendable, Equatable {
    /// The epoch, 1-based as in metrics.csv.
    public var epoch: Int
    /// Mean training loss of the epoch (NaN or infinite when it diverged).
    public var trainLoss: Double
    /// Training accuracy of the epoch, a fraction in [0, 1].
    public var trainAccuracy: Double
    /// Mean evaluation loss (nil when the epoch was not evaluated).
    public var evalLoss: Double?
    /// Evaluation accuracy, a fraction in [0, 1] (nil when the epoch was not evaluated).
    public var evalAccuracy: Double?
    /// The rate at the epoch's first step (nil when the file has no `lr` column).
    public var learningRate: Double?

    /// A point from its figures; accuracies are fractions, `epoch` 1-based.
    public init(epoch: Int, trainLoss: Double, trainAccuracy: Double, evalLoss: Double? = nil, evalAccuracy: Double? = nil,
                learningRate: Double? = nil) {
        self.epoch = epoch; self.trainLoss = trainLoss; self.trainAccuracy = trainAccuracy
        self.evalLoss = evalLoss; self.evalAccuracy = evalAccuracy; self.learningRate = learningRate
    }
}

/// A verdict from the train/validation curves with the remedy from the notes
/// ("how to choose hyperparameters", step 6).
public struct CurveDiagnosis: Sendable {
    /// What a finding says; the raw value is the words printed after "diagnosis:".
    public enum Verdict: String, Sendable, CaseIterable {
        /// The loss became NaN or infinite, or ended well above where it started or its minimum.
        case exploding = "exploding loss"
        /// The training loss barely moved over the first three epochs.
        case flatStart = "flat loss at the start"
        /// A large train/evaluation accuracy gap that grew, or evaluation loss rising
        /// from its minimum while the training loss still falls.
        case overfitting = "overfitting"
        /// The monitored accuracy still rose more than 0.2 points per epoch over the last epochs.
        case stillImproving = "still improving"
        /// The training loss changed less than 1 % over the last three epochs while the
        /// learning rate did not decay.
        case plateau = "plateau"
        /// Training accuracy below the `lowAccuracy` bar with no train/evaluation gap.
        case underfitting = "underfitting"
        /// No other verdict of the curves applies: they have flattened with a small gap.
        case goodFit = "converged, small gap"
        /// Fewer than two epochs.
        case tooShort = "too few epochs to judge"
        /// From the update/weight ratios of a `LayerWatch` (layers.csv).
        case learningRateTooHigh = "learning rate too high"
        /// From the update/weight ratios of a `LayerWatch`: mostly below 1e-4 (`UpdateRatioDiagnosis`).
        case learningRateTooLow = "learning rate too low"
        /// From the activation statistics of a `LayerWatch`: dead, saturated or off-centre units.
        case unhealthyUnits = "unhealthy units"
        /// From the training images per class and the per-class accuracy (`ClassBalance`).
        case smallClass = "under-represented class"
        /// A class whose accuracy lies well below the mean per-class accuracy (`ClassBalance`).
        case weakClass = "weak class"
    }

    /// One verdict with the figures behind it and what to do.
    public struct Finding: Sendable {
        /// What the finding says.
        public let verdict: Verdict
        /// What the curves show, with figures.
        public let evidence: String
        /// The concrete next step.
        public let remedy: String

        /// "diagnosis: VERDICT — evidence → remedy".
        public var line: String { "diagnosis: \(verdict.rawValue) — \(evidence) → \(remedy)" }

        /// A finding from its parts.
        public init(verdict: Verdict, evidence: String, remedy: String) {
            (self.verdict, self.evidence, self.remedy) = (verdict, evidence, remedy)
        }
    }

    /// Most important first; never empty.
    public let findings: [Finding]
    /// The findings' verdicts, most important first.
    public var verdicts: [Verdict] { findings.map(\.verdict) }
    /// The most important finding's verdict.
    public var primary: Verdict { findings[0].verdict }

    /// These findings with `more` first (what the layers show outranks the curves).
    public func adding(_ more: [Finding]) -> CurveDiagnosis { CurveDiagnosis(findings: more + findings) }

    /// Lines for a terminal: "diagnosis: VERDICT — evidence → remedy".
    public var lines: [String] { findings.map(\.line) }

    /// Training accuracy below which a run with no train/eval gap counts as underfitting.
    public static let defaultLowAccuracy = 0.9

    /// Reads the curves of `points` (in epoch order): exploding or flat loss,
    /// overfitting, still improving, plateau, underfitting, else a good fit; fewer
    /// than two points give `tooShort`. `lowAccuracy` is the training accuracy (a
    /// fraction) below which a run without a gap counts as underfitting.
    public static func diagnose(_ points: [CurvePoint], lowAccuracy: Double = defaultLowAccuracy) -> CurveDiagnosis {
        guard let first = points.first, let last = points.last else {
            return CurveDiagnosis(findings: [Finding(verdict: .tooShort, evidence: "no epochs", remedy: "train at least 3 epochs")])
        }
        var findings: [Finding] = []
        func f(_ x: Double) -> String { String(format: "%.4g", x) }
        let losses = points.map(\.trainLoss)
        let finiteLosses = losses.filter(\.isFinite)
        let minLoss = finiteLosses.min() ?? .nan

        // Exploding: non-finite, or the loss ends well above where it started / its minimum.
        if losses.contains(where: { !$0.isFinite }) || points.contains(where: { !($0.evalLoss ?? 0).isFinite }) {
            findings.append(Finding(verdict: .exploding, evidence: "the loss became NaN/Inf",
                                    remedy: "learning rate too high: lower it 3–10× (or add warmup / gradient clipping)"))
        } else if points.count >= 2 && (last.trainLoss > 1.5 * first.trainLoss || (last.trainLoss > 3 * minLoss && last.trainLoss - minLoss > 0.5)) {
            findings.append(Finding(verdict: .exploding, evidence: "train loss rose from \(f(minLoss)) to \(f(last.trainLoss))",
                                    remedy: "learning rate too high: lower it 3–10× (or add warmup / gradient clipping)"))
        }
        if points.count < 2 {
            if findings.isEmpty {
                findings.append(Finding(verdict: .tooShort, evidence: "one epoch only", remedy: "train at least 3 epochs to read the curves"))
            }
            return CurveDiagnosis(findings: findings)
        }

        // Flat start: the loss barely moves over the first epochs.
        let head = Array(losses.prefix(3))
        if findings.isEmpty, let headMin = head.min(), first.trainLoss > 0.05,
           (first.trainLoss - headMin) / first.trainLoss < 0.02, (first.trainLoss - minLoss) / first.trainLoss < 0.05 {
            findings.append(Finding(verdict: .flatStart, evidence: "train loss stays near \(f(first.trainLoss)) over the first \(head.count) epochs",
                                    remedy: "learning rate too low or bad initialization: raise the rate (anneal doctor's range test) and check the initial loss"))
        }

        let evalAccs = points.compactMap(\.evalAccuracy)
        let hasEval = evalAccs.count == points.count
        let gaps = hasEval ? points.map { $0.trainAccuracy - $0.evalAccuracy! } : []
        let lastGap = gaps.last ?? 0

        // Overfitting: a large gap that grew, or validation loss rising from its minimum while train loss falls.
        if hasEval, let evalLosses = Optional(points.compactMap(\.evalLoss)), evalLosses.count == points.count {
            let bestIndex = evalLosses.indices.min { evalLosses[$0] < evalLosses[$1] }!
            let lossRise = evalLosses.last! - evalLosses[bestIndex]
            let gapGrowth = lastGap - gaps[min(bestIndex, gaps.count - 1)]
            let trainStillFalling = last.trainLoss <= points[bestIndex].trainLoss
            if (lastGap > 0.05 && gapGrowth > 0.01) || (bestIndex < points.count - 1 && lossRise > 0.1 * evalLosses[bestIndex] && trainStillFalling && lastGap > 0.01) {
                findings.append(Finding(verdict: .overfitting,
                                        evidence: "train/val accuracy gap \(f(lastGap)) (grew by \(f(gapGrowth)) since epoch \(points[bestIndex].epoch), where val loss was lowest at \(f(evalLosses[bestIndex])))",
                                        remedy: "more regularization (weight decay, dropout, augmentation) or early stopping at epoch \(points[bestIndex].epoch)"))
            }
        }

        // Still improving: the monitored accuracy rose over the last epochs.
        let monitored = hasEval ? evalAccs : points.map(\.trainAccuracy)
        let window = min(3, monitored.count - 1)
        let slope = (monitored.last! - monitored[monitored.count - 1 - window]) / Double(window)
        let overfit = findings.contains { $0.verdict == .overfitting }
        let exploding = findings.contains { $0.verdict == .exploding }
        if !overfit && !exploding && slope > 0.002 {
            findings.append(Finding(verdict: .stillImproving, evidence: "\(hasEval ? "evaluation" : "train") accuracy still rising \(f(slope * 100)) points/epoch over the last \(window) epochs",
                                    remedy: "train longer"))
        }

        // Plateau: the loss stopped moving while the learning rate stayed where it was.
        if !exploding && points.count >= 4 {
            let tail = Array(losses.suffix(3))
            let relativeChange = (tail.first! - tail.last!) / max(abs(tail.first!), 1e-12)
            let lrs = points.compactMap(\.learningRate)
            let lrDecayed = lrs.count == points.count && lrs.last! < 0.5 * (lrs.max() ?? 0)
            if relativeChange < 0.01 && !lrDecayed && last.trainAccuracy < 0.99 && !findings.contains(where: { $0.verdict == .flatStart }) {
                findings.append(Finding(verdict: .plateau, evidence: "train loss changed \(f(relativeChange * 100)) % over the last 3 epochs at a constant learning rate",
                                        remedy: "decay the learning rate (a cosine, step or plateau schedule)"))
            }
        }

        // Underfitting: no gap and a low training accuracy.
        if !exploding && !overfit && last.trainAccuracy < lowAccuracy && abs(lastGap) < 0.02 {
            findings.append(Finding(verdict: .underfitting, evidence: "train accuracy \(f(last.trainAccuracy)) with a gap of only \(f(lastGap))",
                                    remedy: "larger model (wider hidden layers, a deeper preset) or longer training; less regularization"))
        }
        if findings.isEmpty {
            findings.append(Finding(verdict: .goodFit, evidence: "train accuracy \(f(last.trainAccuracy)), gap \(f(lastGap)), curves flat",
                                    remedy: "nothing urgent: fine-tune regularization with anneal search"))
        }
        return CurveDiagnosis(findings: findings)
    }

    /// Reads metrics.csv (epoch,train_loss,train_acc,test_loss,test_acc,lr,seconds).
    public static func readMetricsCSV(_ path: String) throws -> [CurvePoint] {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { throw CurveFileError("cannot read \(path)") }
        let lines = text.split(whereSeparator: \.isNewline).map(String.init)
        guard let header = lines.first?.split(separator: ",", omittingEmptySubsequences: false).map(String.init),
              let e = header.firstIndex(of: "epoch"), let tl = header.firstIndex(of: "train_loss"),
              let ta = header.firstIndex(of: "train_acc") else {
            throw CurveFileError("\(path): not a metrics.csv (expected a header with epoch,train_loss,train_acc)")
        }
        let el = header.firstIndex(of: "test_loss") ?? header.firstIndex(of: "val_loss")
        let ea = header.firstIndex(of: "test_acc") ?? header.firstIndex(of: "val_acc")
        let lr = header.firstIndex(of: "lr")
        var points: [CurvePoint] = []
        for (n, line) in lines.dropFirst().enumerated() {
            let cells = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            func value(_ i: Int?) -> Double? { i.flatMap { $0 < cells.count ? Double(cells[$0]) : nil } }
            guard let epoch = value(e), let loss = value(tl) ?? (cells.count > tl && ["nan", "-nan", "inf"].contains(cells[tl].lowercased()) ? .nan : nil),
                  let acc = value(ta) else {
                throw CurveFileError("\(path): line \(n + 2) is not a metrics row: '\(line)'")
            }
            points.append(CurvePoint(epoch: Int(epoch), trainLoss: loss, trainAccuracy: acc, evalLoss: value(el), evalAccuracy: value(ea),
                                     learningRate: value(lr)))
        }
        guard !points.isEmpty else { throw CurveFileError("\(path): no epochs") }
        return points
    }

    /// The curve panels: loss (log y) and accuracy, train (blue) against the evaluation
    /// set (orange, named `evaluationName` in the legend), and with `learningRate` the
    /// rate per epoch. curves.png and the HTML report draw these same panels.
    public static func panels(_ points: [CurvePoint], evaluationName: String = "evaluation", learningRate: Bool = false) -> [LinePlot] {
        let epochs = points.map { Double($0.epoch) }
        let train = LinePlot.Color.palette[0], eval = LinePlot.Color.palette[1]
        var lossSeries = [LinePlot.Series(x: epochs, y: points.map(\.trainLoss), color: train, label: "train")]
        var accSeries = [LinePlot.Series(x: epochs, y: points.map(\.trainAccuracy), color: train, label: "train")]
        if points.allSatisfy({ $0.evalLoss != nil && $0.evalAccuracy != nil }) {
            lossSeries.append(LinePlot.Series(x: epochs, y: points.map { $0.evalLoss! }, color: eval, label: evaluationName))
            accSeries.append(LinePlot.Series(x: epochs, y: points.map { $0.evalAccuracy! }, color: eval, label: evaluationName))
        }
        var loss = LinePlot(series: lossSeries, width: 800, height: 360)
        loss.logY = true
        loss.title = "loss (log scale)"
        var accuracy = LinePlot(series: accSeries, width: 800, height: 360)
        accuracy.title = "accuracy"
        accuracy.xLabel = "epoch"
        var result = [loss, accuracy]
        if learningRate, points.allSatisfy({ $0.learningRate != nil }) {
            var rate = LinePlot(series: [LinePlot.Series(x: epochs, y: points.map { $0.learningRate! }, color: LinePlot.Color.palette[2], label: "learning rate")],
                                width: 800, height: 280)
            rate.title = "learning rate (per epoch, as in metrics.csv)"
            rate.yIncludesZero = true
            rate.xLabel = "epoch"
            result.append(rate)
        }
        return result
    }

    /// curves.png: the loss and accuracy panels stacked.
    public static func plot(_ points: [CurvePoint], to path: String, evaluationName: String = "evaluation") throws {
        try PlotHelpers.stack(panels(points, evaluationName: evaluationName).map { $0.render() }).write(to: path)
    }
}

/// A metrics.csv that cannot be read or is not one: one line naming the file and the problem.
public struct CurveFileError: Error, CustomStringConvertible {
    /// The line to print.
    public let description: String
    /// An error that prints as `description`.
    public init(_ description: String) { self.description = description }
}

extension CurvePoint {
    /// The point of one finished epoch (epochs counted from 1, as in metrics.csv).
    public init(_ record: EpochRecord) {
        self.init(epoch: record.epoch + 1, trainLoss: record.train.loss, trainAccuracy: record.train.accuracy,
                  evalLoss: record.evaluation?.loss, evalAccuracy: record.evaluation?.accuracy, learningRate: Double(record.learningRate))
    }
}

extension CurveDiagnosis {
    /// Diagnoses a training history, writes the curves PNG to `png`, and returns the lines to print.
    public static func report(_ history: [EpochRecord], png: String, evaluationName: String = "evaluation") throws -> [String] {
        let points = history.map(CurvePoint.init)
        guard !points.isEmpty else { return [] }
        try plot(points, to: png, evaluationName: evaluationName)
        return diagnose(points).lines + ["wrote \(png) (loss above, accuracy below; blue train, orange \(evaluationName))"]
    }
}
