import AnnealIO
import AnnealTraining
import Foundation

/// Small helpers over `LinePlot` for the recipe reports: stacked panels, scatter
/// plots drawn as tiny crosses, and log-x axes (x plotted as log10).
public enum PlotHelpers {
    /// Panels of equal width stacked top to bottom into one image.
    public static func stack(_ images: [Bitmap]) -> Bitmap {
        precondition(!images.isEmpty && images.allSatisfy { $0.width == images[0].width && $0.channels == images[0].channels },
                     "PlotHelpers.stack: panels must share width and channels")
        return Bitmap(width: images[0].width, height: images.reduce(0) { $0 + $1.height }, channels: images[0].channels,
                        pixels: images.flatMap(\.pixels))
    }

    /// A scatter plot: each point becomes a small cross (two short series).
    public static func scatter(x: [Double], y: [Double], logX: Bool = false, color: LinePlot.Color = LinePlot.Color.palette[0],
                               width: Int = 640, height: Int = 400) -> LinePlot {
        let xs = x.map { logX ? log10(max($0, .leastNormalMagnitude)) : $0 }
        let pairs = zip(xs, y).filter { $0.0.isFinite && $0.1.isFinite }
        let xSpan = max((pairs.map(\.0).max() ?? 1) - (pairs.map(\.0).min() ?? 0), 1e-9)
        let ySpan = max((pairs.map(\.1).max() ?? 1) - (pairs.map(\.1).min() ?? 0), 1e-9)
        let dx = xSpan * 0.012, dy = ySpan * 0.02
        var series: [LinePlot.Series] = []
        for (px, py) in pairs {
            series.append(LinePlot.Series(x: [px - dx, px + dx], y: [py, py], color: color))
            series.append(LinePlot.Series(x: [px, px], y: [py - dy, py + dy], color: color))
        }
        if series.isEmpty { series = [LinePlot.Series(x: [0, 1], y: [0, 0], color: color)] }
        var plot = LinePlot(series: series, width: width, height: height)
        plot.lineWidth = 2
        return plot
    }
}
