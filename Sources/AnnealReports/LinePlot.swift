import AnnealIO
import AnnealTraining
import Foundation

/// A line chart rasterized into a `Bitmap`: axes, grid, tick marks with small
/// numeric labels, one polyline per series, and optionally a title, a legend of
/// the labelled series and an x-axis label. No fonts or plotting library: a tiny
/// built-in 3×5 font (digits, capitals, a little punctuation) and a line
/// rasterizer are enough for a chart read by eye.
public struct LinePlot: Sendable {
    /// An 8-bit RGB colour.
    public struct Color: Sendable, Equatable {
        /// The channels, 0–255.
        public var red, green, blue: UInt8
        /// A colour from its 0–255 channels.
        public init(_ red: UInt8, _ green: UInt8, _ blue: UInt8) { self.red = red; self.green = green; self.blue = blue }
        /// Axes and text (black), the background (white), and grid lines (light grey).
        public static let black = Color(0, 0, 0), white = Color(255, 255, 255), grid = Color(228, 228, 228)
        /// Distinct series colours (matplotlib's first four).
        public static let palette = [Color(31, 119, 180), Color(255, 127, 14), Color(44, 160, 44), Color(214, 39, 40)]
    }

    /// One polyline: points (x[i], y[i]) joined in order; non-finite points are left out.
    public struct Series: Sendable {
        /// The points' x values, in data units.
        public var x: [Double]
        /// The points' y values, in data units (not log10, also on a log axis).
        public var y: [Double]
        /// The line's colour.
        public var color: Color
        /// Its legend entry; unlabelled series stay out of the legend.
        public var label: String?
        /// A series of `x` and `y` of equal length, in the palette's first colour by default.
        public init(x: [Double], y: [Double], color: Color = Color.palette[0], label: String? = nil) {
            precondition(x.count == y.count, "LinePlot.Series: \(x.count) x values for \(y.count) y values")
            self.x = x
            self.y = y
            self.color = color
            self.label = label
        }
    }

    /// The lines, drawn in order (later ones on top).
    public var series: [Series]
    /// Image width in pixels.
    public var width: Int
    /// Image height in pixels.
    public var height: Int
    /// Log-scaled y axis (loss curves); non-positive values are left out.
    public var logY = false
    /// Stretches an automatic linear y range down (or up) to 0, so rates read as fractions of the peak.
    public var yIncludesZero = false
    /// Fixed ranges; nil fits the data (rounded out to tick marks).
    public var xRange: ClosedRange<Double>?
    /// The y range in data units, also with `logY`; nil fits the data.
    public var yRange: ClosedRange<Double>?
    /// The series' pen width in pixels.
    public var lineWidth = 2
    /// Whether the ticks get numeric labels; without them the plot area takes the freed margins.
    public var showsTickLabels = true
    /// Drawn top left, above the plot area (in capitals, like all text but tick labels).
    public var title: String?
    /// Drawn centred below the x tick labels.
    public var xLabel: String?

    /// A plot of `series` in a `width` × `height` pixel image (at least 100 × 80).
    public init(series: [Series], width: Int = 800, height: Int = 480) {
        precondition(width >= 100 && height >= 80, "LinePlot: image must be at least 100×80, got \(width)×\(height)")
        self.series = series
        self.width = width
        self.height = height
    }

    /// One series of y values at x = 0, 1, 2, …
    public init(_ y: [Double], width: Int = 800, height: Int = 480) {
        self.init(series: [Series(x: y.indices.map(Double.init), y: y)], width: width, height: height)
    }

    /// Renders the plot and writes it to `path` as a PNG (atomically).
    public func write(to path: String) throws { try render().write(to: path) }

    /// Where the plot area lies and how data maps onto it: shared by the PNG and the SVG renderings.
    struct Frame {
        let left, top, plotWidth, plotHeight: Int
        let xAxis, yAxis: Axis
        let logY: Bool
        func px(_ x: Double) -> Double { Double(left) + (x - xAxis.range.lowerBound) / xAxis.span * Double(plotWidth - 1) }
        /// `y` in data units (log10 taken here for a log axis).
        func py(_ y: Double) -> Double {
            Double(top + plotHeight - 1) - ((logY ? log10(y) : y) - yAxis.range.lowerBound) / yAxis.span * Double(plotHeight - 1)
        }
    }

    func frame() -> Frame {
        let hasLegend = series.contains { $0.label != nil }
        let left = showsTickLabels ? 76 : 16, right = 16
        let top = title != nil || hasLegend ? 34 : 16
        let bottom = (showsTickLabels ? 36 : 16) + (xLabel != nil ? 20 : 0)
        // Data ranges (in log10 units for a log axis), widened to tick marks.
        let ys = series.flatMap(\.y).filter { $0.isFinite && (!logY || $0 > 0) }.map { logY ? log10($0) : $0 }
        let xs = series.flatMap(\.x).filter(\.isFinite)
        var xAxis = Axis(range: xRange ?? Axis.fit(xs, includingZero: false), log: false)
        var yAxis = Axis(range: yRange.map { logY ? log10(max($0.lowerBound, .leastNormalMagnitude))...log10(max($0.upperBound, .leastNormalMagnitude)) : $0 }
                         ?? Axis.fit(ys, includingZero: yIncludesZero && !logY), log: logY)
        if xRange == nil { xAxis.roundOut() }
        if yRange == nil { yAxis.roundOut() }
        return Frame(left: left, top: top, plotWidth: width - left - right, plotHeight: height - top - bottom, xAxis: xAxis, yAxis: yAxis, logY: logY)
    }

    /// The plot as an RGB bitmap of `width` × `height` pixels on white.
    public func render() -> Bitmap {
        var canvas = Canvas(width: width, height: height)
        let legend = series.compactMap { s in s.label.map { ($0.uppercased(), s.color) } }
        let frame = self.frame()
        let (left, top, plotWidth, plotHeight, xAxis, yAxis) = (frame.left, frame.top, frame.plotWidth, frame.plotHeight, frame.xAxis, frame.yAxis)
        func px(_ x: Double) -> Double { frame.px(x) }
        func py(_ y: Double) -> Double { Double(top + plotHeight - 1) - (y - yAxis.range.lowerBound) / yAxis.span * Double(plotHeight - 1) }

        // Grid, ticks and labels.
        for tick in xAxis.ticks() {
            let x = Int(px(tick).rounded())
            canvas.line(x, top, x, top + plotHeight - 1, color: .grid)
            canvas.line(x, top + plotHeight, x, top + plotHeight + 4, color: .black)
            if showsTickLabels {
                let text = Axis.label(tick, log: false)
                canvas.text(text, centerX: x, top: top + plotHeight + 9)
            }
        }
        for tick in yAxis.ticks() {
            let y = Int(py(tick).rounded())
            canvas.line(left, y, left + plotWidth - 1, y, color: .grid)
            canvas.line(left - 5, y, left - 1, y, color: .black)
            if showsTickLabels { canvas.text(Axis.label(tick, log: logY), rightX: left - 9, centerY: y) }
        }
        canvas.line(left - 1, top, left - 1, top + plotHeight, color: .black)
        canvas.line(left - 1, top + plotHeight, left + plotWidth - 1, top + plotHeight, color: .black)
        if let title { canvas.text(title.uppercased(), left: left, top: 12) }
        if let xLabel { canvas.text(xLabel.uppercased(), centerX: left + plotWidth / 2, top: height - 16) }
        // Legend, right-aligned in the top margin: a short line in the series' colour, then its label.
        var legendRight = left + plotWidth
        for (text, color) in legend.reversed() {
            let textLeft = legendRight - canvas.textWidth(text)
            canvas.text(text, left: textLeft, top: 12)
            for dy in 0..<3 { canvas.line(textLeft - 26, 16 + dy, textLeft - 8, 16 + dy, color: color) }
            legendRight = textLeft - 42
        }

        // Series, clipped to the plot area; points that land on the pixel just drawn
        // are skipped, so a million-step schedule costs about as much as its curve's length.
        canvas.clip = (left, top, left + plotWidth - 1, top + plotHeight - 1)
        for s in series {
            var last: (Int, Int)? = nil
            for (x, y) in zip(s.x, s.y) {
                guard x.isFinite, y.isFinite, !logY || y > 0 else { last = nil; continue }
                let fx = px(x), fy = py(logY ? log10(y) : y)
                guard abs(fx) < 1e6, abs(fy) < 1e6 else { last = nil; continue }
                let point = (Int(fx.rounded()), Int(fy.rounded()))
                if let last {
                    if last != point { canvas.line(last.0, last.1, point.0, point.1, color: s.color, width: lineWidth) }
                } else {
                    canvas.line(point.0, point.1, point.0, point.1, color: s.color, width: lineWidth)
                }
                last = point
            }
        }
        return Bitmap(width: width, height: height, channels: 3, pixels: canvas.pixels)
    }
}

/// One axis: its range and tick marks at 1-2-5 steps (decades on a log axis).
struct Axis {
    var range: ClosedRange<Double>
    let log: Bool
    var span: Double { range.upperBound - range.lowerBound }

    init(range: ClosedRange<Double>, log: Bool) {
        // A flat range (a constant schedule) is widened so the line sits mid-plot.
        if range.upperBound - range.lowerBound < 1e-12 * max(1, abs(range.lowerBound)) {
            let pad = log ? 0.5 : max(abs(range.lowerBound) * 0.1, 1e-12)
            self.range = (range.lowerBound - pad)...(range.upperBound + pad)
        } else {
            self.range = range
        }
        self.log = log
    }

    static func fit(_ values: [Double], includingZero: Bool) -> ClosedRange<Double> {
        guard var low = values.min(), var high = values.max() else { return 0...1 }
        if includingZero { low = min(low, 0); high = max(high, 0) }
        return low...high
    }

    var step: Double {
        if log { return max(1, (span / 6).rounded(.up)) }
        let raw = span / 6, magnitude = pow(10, (log10(raw)).rounded(.down)), scaled = raw / magnitude
        return (scaled <= 1 ? 1 : scaled <= 2 ? 2 : scaled <= 5 ? 5 : 10) * magnitude
    }

    mutating func roundOut() {
        let s = step
        // The slack keeps Float data (0.1f / 0.02 = 5.00000007) from adding an empty tick interval.
        range = ((range.lowerBound / s + 1e-6).rounded(.down) * s)...((range.upperBound / s - 1e-6).rounded(.up) * s)
    }

    func ticks() -> [Double] {
        let s = step
        var result: [Double] = []
        var k = (range.lowerBound / s).rounded(.up)
        while k * s <= range.upperBound + s * 1e-9 && result.count < 50 {
            result.append(k * s)
            k += 1
        }
        return result
    }

    /// Short text for a tick: integers as such, else %g ("0.05", "1e-05").
    static func label(_ value: Double, log: Bool) -> String {
        let v = log ? pow(10, value) : value
        if v == 0 { return "0" }
        if v == v.rounded(), abs(v) < 1e7 { return String(Int(v)) }
        return String(format: "%.3g", v).replacingOccurrences(of: "e-0", with: "e-").replacingOccurrences(of: "e+0", with: "e")
    }
}

/// An RGB pixel buffer with clipped lines and a 3×5 font drawn at 2×.
private struct Canvas {
    let width: Int, height: Int
    var pixels: [UInt8]
    /// Inclusive (x0, y0, x1, y1) that drawing stays inside.
    var clip: (Int, Int, Int, Int)

    init(width: Int, height: Int) {
        self.width = width
        self.height = height
        pixels = [UInt8](repeating: 255, count: width * height * 3)
        clip = (0, 0, width - 1, height - 1)
    }

    mutating func set(_ x: Int, _ y: Int, _ c: LinePlot.Color) {
        guard x >= clip.0, x <= clip.2, y >= clip.1, y <= clip.3 else { return }
        let i = (y * width + x) * 3
        pixels[i] = c.red; pixels[i + 1] = c.green; pixels[i + 2] = c.blue
    }

    /// Bresenham, with a square pen of `width` pixels.
    mutating func line(_ x0: Int, _ y0: Int, _ x1: Int, _ y1: Int, color: LinePlot.Color, width pen: Int = 1) {
        var x = x0, y = y0
        let dx = abs(x1 - x0), dy = -abs(y1 - y0), sx = x0 < x1 ? 1 : -1, sy = y0 < y1 ? 1 : -1
        var error = dx + dy
        let low = -(pen - 1) / 2, high = pen / 2
        while true {
            for oy in low...high { for ox in low...high { set(x + ox, y + oy, color) } }
            if x == x1 && y == y1 { break }
            let e2 = 2 * error
            if e2 >= dy { error += dy; x += sx }
            if e2 <= dx { error += dx; y += sy }
        }
    }

    static let scale = 2, advance = 4 * 2
    /// Rows top to bottom, 3 bits each (left column = 4). Lowercase "e" is the exponent
    /// in tick labels ("1e-5"); words are drawn in capitals.
    static let glyphs: [Character: [UInt8]] = [
        "0": [7, 5, 5, 5, 7], "1": [2, 6, 2, 2, 7], "2": [7, 1, 7, 4, 7], "3": [7, 1, 7, 1, 7], "4": [5, 5, 7, 1, 1],
        "5": [7, 4, 7, 1, 7], "6": [7, 4, 7, 5, 7], "7": [7, 1, 1, 1, 1], "8": [7, 5, 7, 5, 7], "9": [7, 5, 7, 1, 7],
        ".": [0, 0, 0, 0, 2], "-": [0, 0, 7, 0, 0], "+": [0, 2, 7, 2, 0], "e": [0, 3, 7, 4, 3],
        "A": [2, 5, 7, 5, 5], "B": [6, 5, 6, 5, 6], "C": [3, 4, 4, 4, 3], "D": [6, 5, 5, 5, 6], "E": [7, 4, 6, 4, 7],
        "F": [7, 4, 6, 4, 4], "G": [3, 4, 5, 5, 3], "H": [5, 5, 7, 5, 5], "I": [7, 2, 2, 2, 7], "J": [1, 1, 1, 5, 2],
        "K": [5, 5, 6, 5, 5], "L": [4, 4, 4, 4, 7], "M": [5, 7, 7, 5, 5], "N": [6, 5, 5, 5, 5], "O": [2, 5, 5, 5, 2],
        "P": [6, 5, 6, 4, 4], "Q": [2, 5, 5, 6, 3], "R": [6, 5, 6, 5, 5], "S": [3, 4, 2, 1, 6], "T": [7, 2, 2, 2, 2],
        "U": [5, 5, 5, 5, 7], "V": [5, 5, 5, 5, 2], "W": [5, 5, 7, 7, 5], "X": [5, 5, 2, 5, 5], "Y": [5, 5, 2, 2, 2],
        "Z": [7, 1, 2, 4, 7], "(": [1, 2, 2, 2, 1], ")": [4, 2, 2, 2, 4], ":": [0, 2, 0, 2, 0], "/": [1, 1, 2, 4, 4],
        "%": [5, 1, 2, 4, 5], ",": [0, 0, 0, 2, 4], "=": [0, 7, 0, 7, 0], "_": [0, 0, 0, 0, 7],
    ]

    mutating func text(_ string: String, left: Int, top: Int) {
        for (i, character) in string.enumerated() {
            guard let rows = Canvas.glyphs[character] else { continue }
            for (row, bits) in rows.enumerated() {
                for column in 0..<3 where bits & (4 >> column) != 0 {
                    for oy in 0..<Canvas.scale { for ox in 0..<Canvas.scale {
                        set(left + i * Canvas.advance + column * Canvas.scale + ox, top + row * Canvas.scale + oy, .black)
                    } }
                }
            }
        }
    }

    func textWidth(_ string: String) -> Int { string.count * Canvas.advance - Canvas.scale }

    mutating func text(_ string: String, centerX: Int, top: Int) { text(string, left: centerX - textWidth(string) / 2, top: top) }

    mutating func text(_ string: String, rightX: Int, centerY: Int) {
        text(string, left: rightX - textWidth(string), top: centerY - 5 * Canvas.scale / 2)
    }
}
