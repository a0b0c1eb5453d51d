import AnnealIO
import AnnealReports
import Foundation

extension HyperparameterSearch {
    /// What a search tells as it goes.
    public enum Event: Sendable {
        /// The coarse phase's trial count, and how many trials the log already holds (a resumed search).
        case starting(coarseTrials: Int, alreadyLogged: Int)
        /// The refine phase begins in this narrowed space.
        case refining(SearchSpace)
        /// A trial finished (or failed) and was logged.
        case finished(SearchTrial)
    }

    /// A finished search: every trial of both phases, best first, and the files written.
    public struct Outcome: Sendable {
        /// Every trial of both phases: the finished ones by validation accuracy, best first, then
        /// those stopped early, then the failed ones.
        public let ranked: [SearchTrial]
        /// The best trial that finished, nil when none did.
        public var best: SearchTrial? { ranked.first.flatMap { !$0.failed && $0.valAccuracy != nil ? $0 : nil } }
        /// The path of scatter.png (validation accuracy against each hyperparameter).
        public let scatterPlot: String
        /// The path of report.html.
        public let report: String

        /// The trials as a table, best first: id, validation accuracy and loss, epochs
        /// (s: stopped early, F: failed) and the value of each of `names`.
        public func table(names: [String]) -> [String] {
            func cell(_ text: String, _ width: Int) -> String { text.padding(toLength: width, withPad: " ", startingAt: 0) }
            return ["trial      " + " val acc  val loss  epochs  " + names.map { cell($0, 13) }.joined()] + ranked.map { t in
                cell(t.id, 11) + (t.valAccuracy.map { String(format: " %.4f", $0) } ?? "    -  ")
                    + (t.valLoss.map { String(format: "  %7.4f", $0) } ?? "        -")
                    + String(format: "  %3d/%-3d", t.epochsRun, t.epochs) + (t.stoppedEarly ? "s " : t.failed ? "F " : "  ")
                    + names.map { cell(t.params[$0] ?? "", 13) }.joined()
            }
        }
    }

    /// The trial log and the scatter plot's file names in the search's directory.
    public static let logFileName = "trials.jsonl", scatterFileName = "scatter.png"

    /// The whole search in `directory`: the coarse phase, then (with `refine`) the
    /// refine phase around its best trials, every finished trial appended to
    /// `directory/trials.jsonl` (trials already there are skipped: a killed search
    /// resumes), then scatter.png (validation accuracy against each hyperparameter)
    /// and report.html. `runner` trains one trial (`processRunner`, `inProcessRunner`).
    public func run(directory: String,
                    runner: @escaping @Sendable (TrialRequest, _ report: @escaping @Sendable (Int, Double) -> Bool) throws -> SearchTrial,
                    progress: @escaping @Sendable (Event) -> Void = { _ in }) throws -> Outcome {
        try Directory.create(directory)
        let log = TrialLog(path: "\(directory)/\(Self.logFileName)")
        let coarseRequests = coarseRequests()
        progress(.starting(coarseTrials: coarseRequests.count, alreadyLogged: Set(log.load().map(\.id)).count))
        let onFinish: @Sendable (SearchTrial) -> Void = { progress(.finished($0)) }
        let coarse = try run(coarseRequests, log: log, runner: runner, onFinish: onFinish)
        var all = coarse
        if refine > 0 {
            let (narrowed, requests) = refineRequests(after: coarse)
            progress(.refining(narrowed))
            all += try run(requests, log: log, runner: runner, onFinish: onFinish)
        }
        let scatter = "\(directory)/\(Self.scatterFileName)"
        try Self.scatter(all.filter { !$0.failed }, space: space, to: scatter)
        return Outcome(ranked: Self.ranked(all), scatterPlot: scatter, report: try HTMLReport.write(directory: directory))
    }

    /// Validation accuracy against each hyperparameter, one panel per dimension, stacked.
    public static func scatter(_ trials: [SearchTrial], space: SearchSpace, to path: String) throws {
        var panels: [Bitmap] = []
        for d in space.dimensions {
            var xs: [Double] = [], ys: [Double] = []
            for t in trials {
                guard let acc = t.valAccuracy, let text = t.params[d.name] else { continue }
                let x: Double
                if case .choice(let values) = d.distribution, Double(text) == nil { x = Double(values.firstIndex(of: text) ?? 0) }
                else { x = Double(text) ?? .nan }
                xs.append(x); ys.append(acc)
            }
            var panel = PlotHelpers.scatter(x: xs, y: ys, logX: d.distribution.isLog, width: 640, height: 320)
            panel.title = "validation accuracy"
            panel.xLabel = d.distribution.isLog ? "log10 \(d.name)" : d.name
            panels.append(panel.render())
        }
        if !panels.isEmpty { try PlotHelpers.stack(panels).write(to: path) }
    }
}
