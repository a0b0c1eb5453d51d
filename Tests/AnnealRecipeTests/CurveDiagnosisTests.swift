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

private func curve(_ trainLoss: [Double], _ trainAcc: [Double], _ valLoss: [Double], _ valAcc: [Double], lr: [Double]? = nil) -> [CurvePoint] {
    trainLoss.indices.map { i in
        CurvePoint(epoch: i + 1, trainLoss: trainLoss[i], trainAccuracy: trainAcc[i], evalLoss: valLoss[i], evalAccuracy: valAcc[i],
                   learningRate: lr?[i] ?? 0.1 * (1 + cos(Double.pi * Double(i) / Double(trainLoss.count))) / 2)
    }
}

@Suite struct CurveDiagnosisTests {
    /// Files written by a test live here and go with the suite instance.
    private let dir = TemporaryDirectory()

    @Test func stillImproving() {
        let d = CurveDiagnosis.diagnose(curve([1.0, 0.8, 0.7, 0.62, 0.56, 0.5], [0.6, 0.66, 0.71, 0.76, 0.8, 0.84],
                                              [1.0, 0.82, 0.72, 0.64, 0.58, 0.52], [0.59, 0.65, 0.7, 0.75, 0.79, 0.83]))
        #expect(d.primary == .stillImproving, "\(d.lines)")
        #expect(d.findings[0].remedy.contains("longer"))
    }

    @Test func overfitting() {
        let d = CurveDiagnosis.diagnose(curve([0.8, 0.5, 0.35, 0.25, 0.15, 0.08, 0.04, 0.02], [0.75, 0.83, 0.88, 0.91, 0.95, 0.97, 0.99, 0.995],
                                              [0.6, 0.5, 0.45, 0.44, 0.47, 0.52, 0.6, 0.68], [0.78, 0.83, 0.85, 0.86, 0.86, 0.855, 0.85, 0.85]))
        #expect(d.primary == .overfitting, "\(d.lines)")
        #expect(d.findings[0].remedy.contains("regularization") && d.findings[0].remedy.contains("early stopping"))
        #expect(d.findings[0].remedy.contains("epoch 4"))
    }

    @Test func underfitting() {
        let d = CurveDiagnosis.diagnose(curve([1.5, 1.2, 1.1, 1.05, 1.04, 1.035, 1.033, 1.032], [0.45, 0.55, 0.58, 0.6, 0.6, 0.6, 0.6, 0.6],
                                              [1.45, 1.2, 1.1, 1.06, 1.05, 1.04, 1.04, 1.04], [0.47, 0.55, 0.58, 0.6, 0.6, 0.6, 0.6, 0.6]))
        #expect(d.primary == .underfitting, "\(d.lines)")
        #expect(d.findings[0].remedy.contains("larger model"))
    }

    @Test func flatStart() {
        let d = CurveDiagnosis.diagnose(curve([2.303, 2.302, 2.302, 2.301, 2.301], [0.1, 0.1, 0.11, 0.1, 0.1],
                                              [2.303, 2.302, 2.302, 2.301, 2.301], [0.1, 0.1, 0.1, 0.1, 0.1]))
        #expect(d.primary == .flatStart, "\(d.lines)")
        #expect(d.findings[0].remedy.contains("learning rate too low"))
    }

    @Test func exploding() {
        let d = CurveDiagnosis.diagnose(curve([1.0, 0.8, 2.5, .nan], [0.6, 0.7, 0.3, 0.1], [0.9, 0.8, 3, .nan], [0.6, 0.7, 0.2, 0.1]))
        #expect(d.primary == .exploding, "\(d.lines)")
        #expect(d.findings[0].remedy.contains("too high"))
        let rising = CurveDiagnosis.diagnose(curve([1.0, 0.8, 1.6, 2.2], [0.6, 0.7, 0.4, 0.2], [0.9, 0.8, 1.7, 2.3], [0.6, 0.7, 0.4, 0.2]))
        #expect(rising.primary == .exploding, "\(rising.lines)")
    }

    @Test func plateauAtConstantRate() {
        let d = CurveDiagnosis.diagnose(curve([1.0, 0.6, 0.5, 0.45, 0.448, 0.447, 0.4465], [0.7, 0.8, 0.83, 0.84, 0.84, 0.84, 0.84],
                                              [0.95, 0.62, 0.52, 0.47, 0.47, 0.47, 0.47], [0.7, 0.79, 0.82, 0.83, 0.83, 0.83, 0.83],
                                              lr: [Double](repeating: 0.1, count: 7)))
        #expect(d.primary == .plateau, "\(d.lines)")
        #expect(d.findings[0].remedy.contains("decay"))
    }

    @Test func metricsCSVRoundTripAndPlot() throws {
        let csv = """
        epoch,train_loss,train_acc,test_loss,test_acc,lr,seconds
        1,0.9,0.7,0.8,0.72,0.05,1.0
        2,0.6,0.8,0.6,0.79,0.04,1.0
        3,0.5,0.83,0.55,0.81,0.02,1.0

        """
        try csv.write(toFile: dir.file("metrics.csv"), atomically: true, encoding: .utf8)
        let points = try CurveDiagnosis.readMetricsCSV(dir.file("metrics.csv"))
        #expect(points.count == 3)
        #expect(points[1] == CurvePoint(epoch: 2, trainLoss: 0.6, trainAccuracy: 0.8, evalLoss: 0.6, evalAccuracy: 0.79, learningRate: 0.04))
        try CurveDiagnosis.plot(points, to: dir.file("curves.png"))
        let image = try Bitmap.read(dir.file("curves.png"))
        #expect(image.width == 800 && image.height == 720)
        #expect(throws: CurveFileError.self) { try CurveDiagnosis.readMetricsCSV(dir.file("missing.csv")) }
    }
}

@Suite struct TrainingReportTests {
    /// Files written by a test live here and go with the suite instance.
    private let dir = TemporaryDirectory()

    /// The report `anneal train` prints after training: a real (tiny) fit's history.
    @Test func reportFromATrainerHistory() throws {
        GlobalRandom.seed(5)
        let x = Tensor((0..<64 * 4).map { Float($0 % 7) / 7 - 0.4 }, shape: [64, 4])
        let data = try TensorDataset(samples: x, labels: (0..<64).map { $0 % 2 }, classCount: 2)
        let model = Sequential(Linear(4, 8), ReLU(), Linear(8, 2))
        let trainer = Trainer(model: model, optimizer: SGD(model.parameters, learningRate: 0.1, momentum: 0.9))
        let history = try trainer.fit(DataLoader(data, batchSize: 16, shuffle: true), evaluation: DataLoader(data, batchSize: 64), epochs: 3)
        let png = dir.file("report.png")
        let lines = try CurveDiagnosis.report(history, png: png)
        #expect(lines.count >= 2)
        #expect(lines[0].hasPrefix("diagnosis: "))
        #expect(FileManager.default.fileExists(atPath: png))
        #expect(CurvePoint(history[0]).epoch == 1)
    }
}
