import AnnealData
import AnnealDistributed
@testable import AnnealExperiments
import AnnealIO
@testable import AnnealReports
import AnnealTensor
import AnnealTestSupport
@testable import AnnealTraining
import Foundation
import Testing

/// What a run leaves to look at: TensorBoard event files (read back here and with
/// TensorBoard's own reader) and the HTML report.
@Suite struct ReportingTests {
    let dir = TemporaryDirectory()

    static var config: RunConfig {
        var c = RunConfig(model: .mlp)
        c.model.hidden = [16]
        c.epochs = 2
        c.data.trainSubset = 512
        c.data.batchSize = 128
        c.seed = 5
        return c
    }

    /// Every summary value of every event file in `directory`, by tag: (step, value).
    func scalars(in directory: String) throws -> [String: [(Int, Float)]] {
        var result: [String: [(Int, Float)]] = [:]
        for path in TensorBoardEventFile.files(in: directory) {
            let decoded = RecordFile.decode(try FileBytes.read(path))
            #expect(decoded.damagedAt == nil)
            for record in decoded.records {
                let event = try Tensorboard_Event(serializedBytes: record)
                for value in event.summary.value where value.simpleValue != 0 || value.tag.hasPrefix("epoch/") || value.tag.hasPrefix("step/") {
                    if case .simpleValue(let v)? = value.value { result[value.tag, default: []].append((Int(event.step), v)) }
                }
            }
        }
        return result
    }

    @Test func eventFilesHoldTheMetricsOfMetricsCSV() throws {
        let run = try Run(Self.config, directory: dir.file("run"))
        try run.fit()
        let points = try CurveDiagnosis.readMetricsCSV(dir.file("run/metrics.csv"))
        let values = try scalars(in: dir.file("run"))
        #expect(values["epoch/test_accuracy"]?.map(\.0) == [1, 2])
        for (tag, column) in [("epoch/train_loss", points.map(\.trainLoss)), ("epoch/test_accuracy", points.map { $0.evalAccuracy! }),
                              ("epoch/learning_rate", points.map { $0.learningRate! })] {
            expectClose(values[tag]!.map(\.1), column.map(Float.init), tolerance: 1e-5, "\(tag)")
        }
        #expect(values["step/train_loss"]?.map(\.0) == Array(1...8), "one per optimizer step")
        #expect(values["step/gradient_norm"]!.allSatisfy { $0.1 > 0 })
    }

    @Test(.enabled(if: Python.run(["-c", "import tensorboard"]).status == 0, "set ANNEAL_PYTHON to a Python with the tensorboard package"))
    func tensorBoardReadsTheEventFiles() throws {
        let run = try Run(Self.config, directory: dir.file("run"))
        try run.fit()
        let result = Python.run([Python.script("tensorboard_interop.py"), dir.file("run")])
        try #require(result.status == 0, "\(result.output)")
        let json = try JSONSerialization.jsonObject(with: Data(result.output.split(separator: "\n").last!.utf8)) as! [String: Any]
        let scalars = json["scalars"] as! [String: [[Double]]]
        let points = try CurveDiagnosis.readMetricsCSV(dir.file("run/metrics.csv"))
        for tag in ["epoch/train_loss", "epoch/train_accuracy", "epoch/test_loss", "epoch/test_accuracy", "epoch/learning_rate"] {
            #expect(scalars[tag]?.map { Int($0[0]) } == [1, 2], "\(tag)")
        }
        expectClose(scalars["epoch/test_accuracy"]!.map { Float($0[1]) }, points.map { Float($0.evalAccuracy!) }, tolerance: 1e-6)
        expectClose(scalars["epoch/train_loss"]!.map { Float($0[1]) }, points.map { Float($0.trainLoss) }, tolerance: 1e-5)
        for tag in ["step/train_loss", "step/learning_rate", "step/gradient_norm", "step/images_per_second"] {
            #expect(scalars[tag]?.count == 8, "\(tag)")
        }
        let histograms = json["histograms"] as! [String: [[Double]]]
        #expect(histograms["weights/1.weight"]?.map { Int($0[0]) } == [1, 2])
        #expect(histograms["gradients/1.weight"]?.first?[1] == Double(784 * 16))
        let images = json["images"] as! [String: [[Double]]]
        #expect(images["confusion_matrix"]?.first?[0] == 2)
        #expect(json["plugins"] as? [String: String] == ["config": "text", "_hparams_/experiment": "hparams",
                                                          "_hparams_/session_start_info": "hparams", "_hparams_/session_end_info": "hparams"])
    }

    @Test func aDamagedEventFileDoesNotStopAResumedRun() throws {
        var config = Self.config
        config.control.checkpointEvery = 2
        final class Crash: TrainingCallback {
            struct Crashed: Error {}
            func handle(_ event: TrainingEvent, trainer: Trainer) throws {
                if case .batchEnd = event, trainer.optimizer.stepCount == 6 { throw Crashed() }
            }
        }
        // The crashed run ends here, as its process would (releasing the directory).
        do {
            try Run(config, directory: dir.file("run"), callbacks: [Crash()]).fit()
            Issue.record("the run did not crash")
        } catch is Crash.Crashed {}
        let files = TensorBoardEventFile.files(in: dir.file("run"))
        try #require(files.count == 1)
        // A corrupt record after the intact ones (the killed run's step 5 among them,
        // logged after the checkpoint at step 4 and logged again by the resumed run).
        try AtomicFile.write(try FileBytes.read(files[0]) + [16, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 4, 5, 6], to: files[0])
        try Run.resume(directory: dir.file("run")).fit()
        #expect(TensorBoardEventFile.files(in: dir.file("run")).count == 2, "the resumed run writes a new file")
        if Python.run(["-c", "import tensorboard"]).status == 0 {
            // TensorBoard reads the damaged file up to the damage and drops the steps the resumed run logged again.
            let result = Python.run([Python.script("tensorboard_interop.py"), dir.file("run")])
            try #require(result.status == 0, "\(result.output)")
            let json = try JSONSerialization.jsonObject(with: Data(result.output.split(separator: "\n").last!.utf8)) as! [String: Any]
            let steps = (json["scalars"] as! [String: [[Double]]])["step/train_loss"]!.map { Int($0[0]) }
            #expect(steps == Array(1...8), "each step once: \(steps)")
            #expect((json["scalars"] as! [String: [[Double]]])["epoch/test_accuracy"]?.map { Int($0[0]) } == [1, 2])
        }
        // A fresh run in the directory starts over without the old files.
        _ = try Run(config, directory: dir.file("run"), overwrite: true)
        #expect(TensorBoardEventFile.files(in: dir.file("run")).count == 1)
    }

    @Test func aRunIsDiagnosedFromItsDirectoryOrItsCSV() throws {
        var config = Self.config
        config.control.report = false
        try Run(config, directory: dir.file("run")).fit()
        let fromDirectory = try RunDiagnosis(dir.file("run"))
        #expect(fromDirectory.points.count == 2 && fromDirectory.evaluationName == "test")
        #expect(fromDirectory.plot == dir.file("run/curves.png") && FileManager.default.fileExists(atPath: fromDirectory.plot))
        let fromCSV = try RunDiagnosis(dir.file("run/metrics.csv"), png: dir.file("other.png"))
        #expect(fromCSV.diagnosis.lines == fromDirectory.diagnosis.lines && FileManager.default.fileExists(atPath: dir.file("other.png")))
        #expect(throws: CurveFileError.self) { try RunDiagnosis(dir.file("missing")) }
    }

    @Test func reportShowsTheCurvesAndEveryClass() throws {
        let run = try Run(Self.config, directory: dir.file("run"))
        try run.fit()
        let html = String(decoding: try FileBytes.read(try HTMLReport.write(directory: dir.file("run"), mistakes: 5)), as: UTF8.self)
        #expect(!html.contains("<script"), "no scripts, no network")
        // Loss and accuracy, train and test, 2 epochs each; the learning rate too.
        let trainLines = html.components(separatedBy: "<polyline data-series=\"train\"").dropFirst()
        #expect(trainLines.count == 2)
        for line in trainLines {
            let points = line.components(separatedBy: "points=\"")[1].prefix { $0 != "\"" }
            #expect(points.split(separator: " ").count == 2, "one point per epoch: \(points)")
        }
        #expect(html.contains("data-series=\"learning rate\""))
        #expect(html.components(separatedBy: "<tr><td>").count - 1 == 10, "a row per class")
        // 5 mistakes, and the first layer's filters before and after training.
        #expect(html.components(separatedBy: "<figure><img src=\"data:image/png;base64,").count - 1 == 5 + 2)
        #expect(html.contains("alt=\"first-layer filters before training\"") && html.contains("alt=\"first-layer filters after training\""))
        #expect(throws: CurveFileError.self) { try HTMLReport.write(directory: dir.path) }
    }

    /// `anneal train` hands the report the last epoch's scores instead of scoring the
    /// weights again: the page is the same.
    @Test func reportFromTheRunsScoresEqualsTheReportFromItsWeights() throws {
        let run = try Run(Self.config, directory: dir.file("run"))
        try run.fit()
        let scores = run.evaluationScores()
        #expect(scores.scalars == run.trainer.evaluator.predict(run.model, on: DataLoader(run.evaluationSet, batchSize: 1000)).scalars)
        func page(_ evaluated: (dataset: any Dataset, scores: Tensor)?) throws -> String {
            let html = String(decoding: try FileBytes.read(try HTMLReport.write(directory: dir.file("run"), evaluated: evaluated)), as: UTF8.self)
            // Less the date and the plots' random clip-path ids.
            return html.replacingOccurrences(of: #"written by Anneal on [^<]*"#, with: "", options: .regularExpression)
                .replacingOccurrences(of: #"clip[0-9]+"#, with: "clip", options: .regularExpression)
        }
        #expect(try page((run.evaluationSet, scores)) == page(nil))
    }
}

/// The report in a real browser: headless Chromium opens it without console errors,
/// and its screenshot shows the curves.
@Suite struct ReportInBrowserTests {
    let dir = TemporaryDirectory()
    static let chromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].first { FileManager.default.isExecutableFile(atPath: $0) }

    func browser(_ arguments: [String]) throws -> (stdout: String, stderr: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.chromium!)
        process.arguments = ["--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--enable-logging=stderr", "--v=0"] + arguments
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile(), stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (String(decoding: stdout, as: UTF8.self), String(decoding: stderr, as: UTF8.self))
    }

    @Test(.enabled(if: chromium != nil, "install Debian's chromium for the browser test"))
    func chromiumRendersTheCurves() throws {
        var config = ReportingTests.config
        config.epochs = 3
        let run = try Run(config, directory: dir.file("run"))
        try run.fit()
        let url = "file://" + (try HTMLReport.write(directory: dir.file("run")))
        let dom = try browser(["--dump-dom", url])
        #expect(!dom.stderr.contains("CONSOLE"), "console messages: \(dom.stderr.split(separator: "\n").filter { $0.contains("CONSOLE") })")
        // The loss and accuracy panels each hold a train and a test line of 3 points.
        let lines = dom.stdout.components(separatedBy: "<polyline data-series=\"").dropFirst()
        let series = lines.map { line -> (String, Int) in
            (String(line.prefix { $0 != "\"" }), line.components(separatedBy: "points=\"")[1].prefix { $0 != "\"" }.split(separator: " ").count)
        }
        #expect(series.filter { $0.0 == "train" || $0.0 == "test" }.map(\.1) == [3, 3, 3, 3])
        let shot = dir.file("shot.png")
        _ = try browser(["--screenshot=\(shot)", "--window-size=1000,1400", url])
        let image = try Bitmap.read(shot)
        // The curves' blue and orange, in the part of the page that holds the panels.
        var blue = 0, orange = 0
        for y in 0..<min(image.height, 1400) {
            for x in 0..<image.width {
                let i = (y * image.width + x) * image.channels
                let (r, g, b) = (Int(image.pixels[i]), Int(image.pixels[i + 1]), Int(image.pixels[i + 2]))
                if abs(r - 31) < 30 && abs(g - 119) < 30 && abs(b - 180) < 30 { blue += 1 }
                if abs(r - 255) < 30 && abs(g - 127) < 30 && abs(b - 14) < 40 { orange += 1 }
            }
        }
        #expect(blue > 500 && orange > 500, "curve pixels: \(blue) blue, \(orange) orange")
    }
}
