import AnnealTraining
import Foundation

/// Pictures of a `LayerWatch`'s records for report.html.
public enum LayerWatchPlots {
    /// The update/weight ratio ‖Δw‖/‖w‖ of every weight layer against the optimizer
    /// step (log scale), coloured from the first layer (blue) to the last (red), with
    /// the notes' target 1e-3 as a grey line.
    public static func updateRatios(_ records: [LayerWatch.Record], width: Int = 800, height: Int = 420) -> LinePlot? {
        var order: [String] = []
        var points: [String: [(Double, Double)]] = [:]
        for r in records {
            guard let ratio = r.updateRatio, ratio > 0, ratio.isFinite else { continue }
            if points[r.layer] == nil { order.append(r.layer) }
            points[r.layer, default: []].append((Double(r.step), ratio))
        }
        guard !order.isEmpty, let first = records.first?.step, let last = records.last?.step else { return nil }
        let labelled = order.count <= 8 ? Set(order) : [order.first!, order.last!]
        var series = order.enumerated().map { i, layer -> LinePlot.Series in
            let t = order.count > 1 ? Double(i) / Double(order.count - 1) : 0
            let color = LinePlot.Color(UInt8(31 + t * (214 - 31)), UInt8(119 - t * (119 - 39)), UInt8(180 - t * (180 - 40)))
            let p = points[layer]!
            return LinePlot.Series(x: p.map(\.0), y: p.map(\.1), color: color, label: labelled.contains(layer) ? layer : nil)
        }
        series.append(LinePlot.Series(x: [Double(first), Double(max(last, first + 1))], y: [1e-3, 1e-3], color: .init(150, 150, 150), label: "1e-3"))
        var plot = LinePlot(series: series, width: width, height: height)
        plot.logY = true
        plot.lineWidth = 1
        plot.title = "update/weight ratio per layer"
        plot.xLabel = "optimizer step"
        return plot
    }
}
