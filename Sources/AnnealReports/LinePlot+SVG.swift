import AnnealTraining
import Foundation

extension LinePlot {
    /// The plot as an inline SVG element: the frame, ticks and series of `render()`,
    /// as vector lines that stay sharp when a report is zoomed or printed. Each series
    /// is one `<polyline>` with a point per finite value (`data-series` names it).
    public func svg() -> String {
        let f = frame()
        let clipID = "clip\(UInt32.random(in: 0...UInt32.max))"
        func n(_ v: Double) -> String { String(format: "%.1f", v) }
        let esc = xmlEscaped
        func rgb(_ c: Color) -> String { "rgb(\(c.red),\(c.green),\(c.blue))" }
        let (left, top, right, bottom) = (Double(f.left), Double(f.top), Double(f.left + f.plotWidth - 1), Double(f.top + f.plotHeight - 1))
        var out = ["<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"plot\" width=\"\(width)\" height=\"\(height)\" viewBox=\"0 0 \(width) \(height)\" font-family=\"sans-serif\" font-size=\"12\">",
                   "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>",
                   "<clipPath id=\"\(clipID)\"><rect x=\"\(n(left))\" y=\"\(n(top))\" width=\"\(f.plotWidth)\" height=\"\(f.plotHeight)\"/></clipPath>"]
        for tick in f.xAxis.ticks() {
            let x = f.px(tick)
            out.append("<line x1=\"\(n(x))\" y1=\"\(n(top))\" x2=\"\(n(x))\" y2=\"\(n(bottom))\" stroke=\"\(rgb(.grid))\"/>")
            if showsTickLabels { out.append("<text x=\"\(n(x))\" y=\"\(n(bottom + 18))\" text-anchor=\"middle\">\(Axis.label(tick, log: false))</text>") }
        }
        for tick in f.yAxis.ticks() {
            let y = bottom - (tick - f.yAxis.range.lowerBound) / f.yAxis.span * Double(f.plotHeight - 1)
            out.append("<line x1=\"\(n(left))\" y1=\"\(n(y))\" x2=\"\(n(right))\" y2=\"\(n(y))\" stroke=\"\(rgb(.grid))\"/>")
            if showsTickLabels { out.append("<text x=\"\(n(left - 8))\" y=\"\(n(y + 4))\" text-anchor=\"end\">\(Axis.label(tick, log: logY))</text>") }
        }
        out.append("<polyline fill=\"none\" stroke=\"black\" points=\"\(n(left - 1)),\(n(top)) \(n(left - 1)),\(n(bottom + 1)) \(n(right)),\(n(bottom + 1))\"/>")
        if let title { out.append("<text x=\"\(n(left))\" y=\"20\" font-weight=\"bold\">\(esc(title))</text>") }
        if let xLabel { out.append("<text x=\"\(n((left + right) / 2))\" y=\"\(height - 6)\" text-anchor=\"middle\">\(esc(xLabel))</text>") }
        var legendRight = right
        for s in series.reversed() {
            guard let label = s.label else { continue }
            out.append("<text x=\"\(n(legendRight))\" y=\"20\" text-anchor=\"end\">\(esc(label))</text>")
            let lineEnd = legendRight - Double(label.count) * 7 - 6
            out.append("<line x1=\"\(n(lineEnd - 18))\" y1=\"16\" x2=\"\(n(lineEnd))\" y2=\"16\" stroke=\"\(rgb(s.color))\" stroke-width=\"3\"/>")
            legendRight = lineEnd - 30
        }
        for s in series {
            let points = zip(s.x, s.y).filter { $0.0.isFinite && $0.1.isFinite && (!logY || $0.1 > 0) }
                .map { "\(n(f.px($0.0))),\(n(f.py($0.1)))" }
            out.append("<polyline data-series=\"\(esc(s.label ?? ""))\" fill=\"none\" stroke=\"\(rgb(s.color))\" stroke-width=\"\(lineWidth)\" "
                       + "clip-path=\"url(#\(clipID))\" points=\"\(points.joined(separator: " "))\"/>")
        }
        out.append("</svg>")
        return out.joined(separator: "\n")
    }
}

/// Text made safe inside XML/HTML elements and attribute values.
func xmlEscaped(_ text: String) -> String {
    text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
        .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
}
