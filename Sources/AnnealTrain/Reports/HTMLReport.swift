import AnnealData
import AnnealIO
import AnnealNN
import AnnealTensor
import Foundation

/// `DIR/report.html`: one self-contained page (inline SVG and images, no scripts, no
/// network) to read a run or send it to someone. For a run directory: the
/// configuration, the loss, accuracy and learning-rate curves, the curve diagnosis,
/// per-class accuracy, the confusion matrix and the most confidently wrong images of
/// the evaluation set. For a search directory: the trials as a table and a scatter of
/// score against each hyperparameter.
public enum HTMLReport {
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
        let config = Directory.fileExists(configPath) ? try RunConfig.decode(Data(try FileBytes.read(configPath)), source: configPath).resolved() : nil
        let evaluationName = config?.data.usesValidation == true ? "validation" : "test"
        let points = try CurveDiagnosis.readMetricsCSV("\(directory)/metrics.csv")
        var body = ["<h1>Run \(escape(directory))</h1>",
                    "<p class=\"meta\">\(points.count) epochs; written by Anneal on \(ISO8601DateFormatter().string(from: Date()))</p>"]
        if let last = points.last {
            body.append("<p class=\"headline\">final \(evaluationName) accuracy: <b>\(last.evalAccuracy.map { String(format: "%.2f %%", $0 * 100) } ?? "–")</b>, train accuracy "
                        + String(format: "%.2f %%", last.trainAccuracy * 100) + "</p>")
        }
        body.append("<h2>Curves</h2>")
        body += CurveDiagnosis.panels(points, evaluationName: evaluationName, learningRate: true).map { "<div class=\"figure\">\($0.svg())</div>" }
        body.append("<h2>Diagnosis</h2><ul>" + CurveDiagnosis.diagnose(points).findings.map {
            "<li><b>\(escape($0.verdict.rawValue))</b>: \(escape($0.evidence)) → \(escape($0.remedy))</li>"
        }.joined() + "</ul>")
        let weights = "\(directory)/\(Run.weightsFileName)"
        if let config, Directory.fileExists(weights) {
            body += try evaluationSection(config: config, evaluated: try evaluated ?? score(config: config, weights: weights),
                                          evaluationName: evaluationName, mistakes: mistakes)
        } else {
            body.append("<p>No \(Run.weightsFileName) yet: per-class figures follow when the run has finished.</p>")
        }
        if Directory.fileExists(configPath) {
            body.append("<h2>Configuration</h2><pre>\(escape(String(decoding: try FileBytes.read(configPath), as: UTF8.self)))</pre>")
        }
        return page(title: "Anneal run \(directory)", body: body)
    }

    /// The run's evaluation images and the scores of the weights in `weights` for them.
    static func score(config: RunConfig, weights: String) throws -> (dataset: any Dataset, scores: Tensor) {
        let (model, _, preprocessing) = try WeightsFile.loadModel(weights)
        let dataset = try config.loadData().evaluation
        let evaluator = Evaluator(preprocessing: preprocessing, testTimeAugmentation: config.control.tta ?? .none)
        return (dataset, evaluator.predict(model, on: DataLoader(dataset, batchSize: 1000)))
    }

    /// Per-class accuracy, the confusion matrix and the most confidently wrong images.
    static func evaluationSection(config: RunConfig, evaluated: (dataset: any Dataset, scores: Tensor), evaluationName: String,
                                  mistakes: Int) throws -> [String] {
        let dataset = evaluated.dataset, probabilities = evaluated.scores.softmax(axis: 1)
        let k = probabilities.shape[1], scores = probabilities.scalars
        let predictions = probabilities.argmax(axis: 1), labels = (0..<dataset.count).map(dataset.label(at:))
        // The data's class names (numbers where it has none); outputs beyond them (a wider head) by number.
        let classNames = dataset.classNames ?? (0..<dataset.classCount).map { "class \($0)" }
        let names = (0..<k).map { i in i < classNames.count ? classNames[i] : "output \(i)" }
        let matrix = ConfusionMatrix(scores: probabilities, labels: labels)
        var out = ["<h2>Per-class \(evaluationName) accuracy</h2><table><tr><th>class</th><th>images</th><th>accuracy</th><th></th></tr>"]
        for (c, accuracy) in matrix.perClassAccuracy.enumerated() {
            let count: Int = matrix.counts[c].reduce(0, +)
            let bar: String = accuracy.map { "<div class=\"bar\" style=\"width:\(Int($0 * 200))px\"></div>" } ?? ""
            let figure: String = accuracy.map { String(format: "%.2f %%", $0 * 100) } ?? "–"
            out.append("<tr><td>" + escape(names[c]) + "</td><td>\(count)</td><td>" + figure + "</td><td>" + bar + "</td></tr>")
        }
        out.append("</table><h2>Confusion matrix</h2><div class=\"figure\">\(matrix.svg(names: names))</div>")
        // Wrong predictions, most confident first.
        let wrong = (0..<labels.count).filter { predictions[$0] != labels[$0] }
            .sorted { scores[$0 * k + predictions[$0]] > scores[$1 * k + predictions[$1]] }.prefix(mistakes)
        out.append("<h2>Most confidently wrong \(evaluationName) images</h2><div class=\"grid\">")
        for i in wrong {
            let image = try imageURI(dataset, index: i)
            let caption = "\(escape(names[predictions[i]])) \(String(format: "%.0f %%", scores[i * k + predictions[i]] * 100))<br><span>true: \(escape(names[labels[i]]))</span>"
            out.append("<figure><img src=\"\(image)\" alt=\"image \(i)\"><figcaption>\(caption)</figcaption></figure>")
        }
        out.append("</div>")
        return out
    }

    /// A sample of `[channels, height, width]` in [0, 1] as a PNG data URI, enlarged 3×.
    static func imageURI(_ dataset: any Dataset, index: Int) throws -> String {
        let shape = dataset.sampleShape.count == 3 ? dataset.sampleShape : [1, 1, dataset.sampleShape.reduce(1, *)]
        let sample = dataset.sample(at: index).reshape([1] + shape)
        let png = try ImageGrid.tile([sample], sampleShape: shape, zoom: 3, gap: 0).encoded()
        return "data:image/png;base64," + Data(png).base64EncodedString()
    }

    // MARK: Search

    static func searchPage(directory: String) throws -> String {
        let trials = TrialLog(path: "\(directory)/trials.jsonl").load()
        guard !trials.isEmpty else { throw CurveFileError("\(directory)/trials.jsonl: no trials") }
        let names = Array(Set(trials.flatMap(\.params.keys))).sorted()
        var body = ["<h1>Search \(escape(directory))</h1>", "<p class=\"meta\">\(trials.count) trials</p>",
                    "<h2>Trials</h2><table><tr><th>trial</th>" + names.map { "<th>\(escape($0))</th>" }.joined()
                        + "<th>validation accuracy</th><th>epochs</th><th>seconds</th></tr>"]
        for t in trials.sorted(by: { ($0.valAccuracy ?? -1) > ($1.valAccuracy ?? -1) }) {
            let status = t.failed ? " (failed)" : t.stoppedEarly ? " (stopped early)" : ""
            body.append("<tr><td>\(escape(t.id))</td>" + names.map { "<td>\(escape(t.params[$0] ?? ""))</td>" }.joined()
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
            let logX = scored.allSatisfy { $0.0 > 0 } && (scored.map(\.0).max()! / scored.map(\.0).min()! > 20)
            var plot = PlotHelpers.scatter(x: scored.map(\.0), y: scored.map(\.1), logX: logX, width: 640, height: 320)
            plot.title = "validation accuracy"
            plot.xLabel = logX ? "log10 \(name)" : name
            body.append("<div class=\"figure\">\(plot.svg())</div>")
        }
        return page(title: "Anneal search \(directory)", body: body)
    }

    // MARK: Page

    static func page(title: String, body: [String]) -> String {
        """
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8"><title>\(escape(title))</title>
        <style>
        body { font-family: sans-serif; max-width: 900px; margin: 2em auto; color: #222; }
        h2 { border-bottom: 1px solid #ddd; padding-bottom: 4px; margin-top: 2em; }
        .meta { color: #777; } .headline { font-size: 1.2em; }
        table { border-collapse: collapse; } td, th { padding: 3px 10px; text-align: left; border-bottom: 1px solid #eee; }
        .bar { height: 10px; background: #1f77b4; }
        .figure { margin: 1em 0; } pre { background: #f6f6f6; padding: 1em; overflow-x: auto; font-size: 12px; }
        .grid { display: flex; flex-wrap: wrap; gap: 8px; }
        figure { margin: 0; width: 96px; font-size: 11px; text-align: center; } figure img { image-rendering: pixelated; width: 84px; }
        figcaption span { color: #a00; }
        </style></head><body>
        \(body.joined(separator: "\n"))
        </body></html>

        """
    }

    static func escape(_ text: String) -> String { xmlEscaped(text) }
}
