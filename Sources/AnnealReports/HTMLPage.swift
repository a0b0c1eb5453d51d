import AnnealData
import AnnealIO
import AnnealTensor
import Foundation

/// The pieces of Anneal's self-contained HTML pages (inline SVG and images, no
/// scripts, no network): the page itself and the evaluation section of a run.
/// `HTMLReport` (AnnealExperiments) puts them together for a run or search directory.
public enum HTMLPage {
    /// Per-class accuracy, the confusion matrix and the most confidently wrong images.
    public static func evaluationSection(evaluated: (dataset: any Dataset, scores: Tensor), evaluationName: String,
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
    public static func imageURI(_ dataset: any Dataset, index: Int) throws -> String {
        let shape = dataset.sampleShape.count == 3 ? dataset.sampleShape : [1, 1, dataset.sampleShape.reduce(1, *)]
        let sample = dataset.sample(at: index).reshape([1] + shape)
        let png = try ImageGrid.tile([sample], sampleShape: shape, zoom: 3, gap: 0).encoded()
        return "data:image/png;base64," + Data(png).base64EncodedString()
    }

    // MARK: Page

    /// A complete HTML document: `title` (escaped here) and the `body` fragments (HTML,
    /// not escaped) joined by newlines, with the reports' inline stylesheet.
    public static func page(title: String, body: [String]) -> String {
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

    /// `text` safe inside HTML elements and attribute values (`&`, `<`, `>` and `"` escaped).
    public static func escape(_ text: String) -> String { xmlEscaped(text) }
}
