import AnnealData
import AnnealDistributed
import AnnealExperiments
import AnnealIO
import AnnealNN
import AnnealOptim
import AnnealReports
import AnnealTensor
import AnnealTestSupport
import AnnealTraining
import Foundation
import Testing

@Suite struct LinePlotTests {
    /// Files written by a test live here and go with the suite instance.
    private let dir = TemporaryDirectory()

    @Test func drawsAxesAndTheCurveAndWritesAPNG() throws {
        let rates = CosineDecay(initial: 0.1, totalSteps: 200).withWarmup(steps: 20).rates(0..<200).map(Double.init)
        var plot = LinePlot(rates, width: 320, height: 200)
        plot.yIncludesZero = true
        let image = plot.render()
        #expect(image.width == 320 && image.height == 200 && image.channels == 3)
        func pixel(_ x: Int, _ y: Int) -> [UInt8] { Array(image.pixels[((y * 320 + x) * 3)..<((y * 320 + x) * 3 + 3)]) }
        #expect(pixel(319, 0) == [255, 255, 255])
        let blue = LinePlot.Color.palette[0]
        let curve = stride(from: 0, to: image.pixels.count, by: 3).filter {
            image.pixels[$0] == blue.red && image.pixels[$0 + 1] == blue.green && image.pixels[$0 + 2] == blue.blue
        }.count
        #expect(curve > 300)
        let black = stride(from: 0, to: image.pixels.count, by: 3).filter { image.pixels[$0..<($0 + 3)].allSatisfy { $0 == 0 } }.count
        #expect(black > 320 + 200)   // two axes at least

        let path = dir.file("lineplot.png")
        try plot.write(to: path)
        #expect(try Bitmap.read(path) == image)
    }

    /// Title and legend go in a top margin that is blank without them; the legend shows
    /// each labelled series' colour; the x label sits in the bottom rows.
    @Test func titleLegendAndAxisLabelAreDrawnInTheMargins() {
        let orange = LinePlot.Color.palette[1]
        func plot(labelled: Bool) -> Bitmap {
            var p = LinePlot(series: [LinePlot.Series(x: [0, 1], y: [0, 1], label: labelled ? "train" : nil),
                                      LinePlot.Series(x: [0, 1], y: [1, 0], color: orange, label: labelled ? "test" : nil)],
                             width: 400, height: 240)
            if labelled { p.title = "Accuracy"; p.xLabel = "epoch" }
            return p.render()
        }
        func count(_ image: Bitmap, rows: Range<Int>, _ match: ([UInt8]) -> Bool) -> Int {
            rows.reduce(0) { total, y in
                total + (0..<image.width).filter { x in match(Array(image.pixels[((y * image.width + x) * 3)..<((y * image.width + x) * 3 + 3)])) }.count
            }
        }
        let black: ([UInt8]) -> Bool = { $0 == [0, 0, 0] }
        let isOrange: ([UInt8]) -> Bool = { $0 == [orange.red, orange.green, orange.blue] }
        let plain = plot(labelled: false), labelled = plot(labelled: true)
        #expect(count(plain, rows: 0..<10, black) == 0)
        #expect(count(labelled, rows: 10..<24, black) > 40, "title and legend text")
        #expect(count(labelled, rows: 14..<20, isOrange) >= 18, "legend swatch of the orange series")
        #expect(count(labelled, rows: (240 - 18)..<240, black) > 10, "x-axis label")
        #expect(count(plain, rows: (240 - 12)..<240, black) == 0)
    }

    @Test func logAxisAndFlatSeriesRender() {
        var log = LinePlot([2.3, 1.0, 0.5, 0.2, 0.05, 0.01])
        log.logY = true
        #expect(log.render().width == 800)
        #expect(LinePlot([0.1, 0.1, 0.1]).render().height == 480)   // a constant schedule
        #expect(LinePlot([]).render().width == 800)
    }
}
