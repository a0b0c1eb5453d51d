import AnnealData
import AnnealIO
import AnnealNN
import AnnealReports
import AnnealTensor
import AnnealTraining
import Foundation

/// `DIR/report.html`: one self-contained page (inline SVG and images, no scripts, no
/// network) to read a run or send it to someone. For a run directory: the
/// configuration, the loss, accuracy and learning-rate curves, the curve diagnosis,
/// per-class accuracy, the confusion matrix and the most confidently wrong images of
/// the evaluation set. For a search directory: the trials as a table and a scatter of
/// score against each hyperparameter.
public enum HTMLReport {
    /// The report's file name in the run or search directory.
    public static let fileName = "report.html"

    /// Writes the report of `directory` and returns its path. `evaluated`: the run's
    /// evaluation images with the final weights' scores for them (as
    /// `Evaluator.predict` gives them), which spares loading and scoring them again.
    public static func write(directory: String, mistakes: Int = 32,
                             evaluated: (dataset: any Dataset, scores: Tensor)? = nil) throws -> String {
        let html: String
        if Directory.fileExists("\(directory)/metrics.csv") {
            html = try runPage(directory: directory, mistakes: mistakes, evaluated: evaluated)
        } else if Directory.fileExists("\(directory)/trials.jsonl") {
            html = try searchPage(directory: directory)
        } else {
            throw CurveFileError("\(directory): no metrics.csv (a run) or trials.jsonl (a search) to report on")
        }
        let path = "\(directory)/\(fileName)"
        try AtomicFile.write(Array(html.utf8), to: path)
        return path
    }

    // MARK: Run

    static func runPage(directory: String, mistakes: Int, evaluated: (dataset: any Dataset, scores: Tensor)?) throws -> String {
        let configPath = "\(directory)/\(Run.configFileName)"
        let config = Directory.fileExists(configPath) ? try RunConfig.read(configPath).resolved() : nil
        let evaluationName = config?.data.evaluationName ?? "test"
        let points = try CurveDiagnosis.readMetricsCSV("\(directory)/metrics.csv")
        var body = ["<h1>Run \(HTMLPage.escape(directory))</h1>",
                    "<p class=\"meta\">\(points.count) epochs; written by Anneal on \(ISO8601DateFormatter().string(from: Date()))</p>"]
        if let last = points.last {
            body.append("<p class=\"headline\">final \(evaluationName) accuracy: <b>\(last.evalAccuracy.map { String(format: "%.2f %%", $0 * 100) } ?? "–")</b>, train accuracy "
                        + String(format: "%.2f %%", last.trainAccuracy * 100) + "</p>")
        }
        body.append("<h2>Curves</h2>")
        body += CurveDiagnosis.panels(points, evaluationName: evaluationName, learningRate: true).map { "<div class=\"figure\">\($0.svg())</div>" }
        let watchPath = "\(directory)/\(LayerWatch.fileName)"
        let watched = Directory.fileExists(watchPath) ? try LayerWatch.read(watchPath) : []
        body.append("<h2>Diagnosis</h2><ul>" + CurveDiagnosis.diagnose(points).adding(RunDiagnosis.layerFindings(watched)).findings.map {
            "<li><b>\(HTMLPage.escape($0.verdict.rawValue))</b>: \(HTMLPage.escape($0.evidence)) → \(HTMLPage.escape($0.remedy))</li>"
        }.joined() + "</ul>")
        body += try filtersSection(directory: directory) + layersSection(watched)
        let weights = "\(directory)/\(Run.weightsFileName)"
        if let config, Directory.fileExists(weights) {
            body += try HTMLPage.evaluationSection(evaluated: try evaluated ?? score(config: config, weights: weights),
                                          evaluationName: evaluationName, mistakes: mistakes)
        } else {
            body.append("<p>No \(Run.weightsFileName) yet: per-class figures follow when the run has finished.</p>")
        }
        if Directory.fileExists(configPath) {
            body.append("<h2>Configuration</h2><pre>\(HTMLPage.escape(String(decoding: try FileBytes.read(configPath), as: UTF8.self)))</pre>")
        }
        return HTMLPage.page(title: "Anneal run \(directory)", body: body)
    }

    /// The first layer's filters before and after training, where the run drew them.
    static func filtersSection(directory: String) throws -> [String] {
        let files = [("before training", Run.startFiltersFileName), ("after training", Run.endFiltersFileName)]
            .filter { Directory.fileExists("\(directory)/\($0.1)") }
        guard !files.isEmpty else { return [] }
        return ["<h2>First-layer filters</h2><div class=\"grid\">"] + (try files.map { caption, file in
            let uri = "data:image/png;base64," + Data(try FileBytes.read("\(directory)/\(file)")).base64EncodedString()
            return "<figure><img src=\"\(uri)\" alt=\"first-layer filters \(caption)\"><figcaption>\(caption)</figcaption></figure>"
        }) + ["</div>"]
    }

    /// What `--watch-every` recorded: the update/weight ratios over time and the layers at the last watched step.
    static func layersSection(_ records: [LayerWatch.Record]) -> [String] {
        guard let last = records.last?.step else { return [] }
        var out = ["<h2>Layers</h2><p>Watched every few optimizer steps (layers.csv): the notes want the update/weight ratio ‖Δw‖/‖w‖ near 1e-3.</p>"]
        if let plot = LayerWatchPlots.updateRatios(records) { out.append("<div class=\"figure\">\(plot.svg())</div>") }
        func cell(_ x: Double?, _ format: String, _ scale: Double = 1) -> String { "<td>\(x.map { String(format: format, $0 * scale) } ?? "")</td>" }
        out.append("<h3>At step \(last)</h3><table><tr><th>layer</th><th>kind</th><th>update/weight</th><th>gradient norm</th>"
                   + "<th>act mean</th><th>act std</th><th>dead %</th><th>saturated %</th></tr>")
        for r in records where r.step == last {
            out.append("<tr><td>\(HTMLPage.escape(r.layer))</td><td>\(HTMLPage.escape(r.kind))</td>" + cell(r.updateRatio, "%.2e") + cell(r.gradientNorm, "%.3g")
                       + cell(r.activation?.mean, "%.4f") + cell(r.activation?.std, "%.4f") + cell(r.activation?.deadFraction, "%.1f", 100)
                       + cell(r.activation?.saturatedFraction, "%.1f", 100) + "</tr>")
        }
        return out + ["</table>"]
    }

    /// The run's evaluation images (`evaluation`, where already loaded) and the scores of the weights in `weights` for them.
    static func score(config: RunConfig, weights: String, evaluation: (any Dataset)? = nil) throws -> (dataset: any Dataset, scores: Tensor) {
        let (model, _, preprocessing) = try WeightsFile.loadModel(weights)
        let dataset = try evaluation ?? config.loadData().evaluation
        let evaluator = Evaluator(preprocessing: preprocessing, testTimeAugmentation: config.control.tta ?? .none)
        return (dataset, evaluator.predict(model, on: DataLoader(dataset, batchSize: 1000)))
    }

    // MARK: Search

    static func searchPage(directory: String) throws -> String {
        let trials = TrialLog(path: "\(directory)/trials.jsonl").load()
        guard !trials.isEmpty else { throw CurveFileError("\(directory)/trials.jsonl: no trials") }
        let names = Array(Set(trials.flatMap(\.params.keys))).sorted()
        var body = ["<h1>Search \(HTMLPage.escape(directory))</h1>", "<p class=\"meta\">\(trials.count) trials</p>",
                    "<h2>Trials</h2><table><tr><th>trial</th>" + names.map { "<th>\(HTMLPage.escape($0))</th>" }.joined()
                        + "<th>validation accuracy</th><th>epochs</th><th>seconds</th></tr>"]
        for t in trials.sorted(by: { ($0.valAccuracy ?? -1) > ($1.valAccuracy ?? -1) }) {
            let status = t.failed ? " (failed)" : t.stoppedEarly ? " (stopped early)" : ""
            body.append("<tr><td>\(HTMLPage.escape(t.id))</td>" + names.map { "<td>\(HTMLPage.escape(t.params[$0] ?? ""))</td>" }.joined()
                        + "<td>\(t.valAccuracy.map { String(format: "%.4f", $0) } ?? "–")\(status)</td><td>\(t.epochsRun)/\(t.epochs)</td>"
                        + "<td>\(String(format: "%.0f", t.seconds))</td></tr>")
        }
        body.append("</table><h2>Validation accuracy against each hyperparameter</h2>")
        for name in names {
            let scored = trials.compactMap { t -> (Double, Double)? in
                guard let acc = t.valAccuracy, let x = t.params[name].flatMap(Double.init) else { return nil }
                return (x, acc)
            }
            guard !scored.isEmpty else { continue }
            let xs = scored.map(\.0)
            let logX = xs.allSatisfy { $0 > 0 } && (xs.max() ?? 1) / (xs.min() ?? 1) > 20
            var plot = PlotHelpers.scatter(x: scored.map(\.0), y: scored.map(\.1), logX: logX, width: 640, height: 320)
            plot.title = "validation accuracy"
            plot.xLabel = logX ? "log10 \(name)" : name
            body.append("<div class=\"figure\">\(plot.svg())</div>")
        }
        return HTMLPage.page(title: "Anneal search \(directory)", body: body)
    }
}
