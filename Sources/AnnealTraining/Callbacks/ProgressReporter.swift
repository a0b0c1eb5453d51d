import Foundation

/// Shows training progress: on a terminal, a bar redrawn in place (epoch,
/// step/total, loss, accuracy, images/s, ETA); otherwise one plain line per epoch.
public final class ProgressReporter: TrainingCallback {
    /// Whether it redraws a progress bar in place (at most every 0.1 s) besides the epoch lines.
    public let interactive: Bool
    private var lastDraw = 0.0
    private var epochs = 0

    /// `interactive` defaults to whether standard output is a terminal.
    public init(interactive: Bool = isatty(STDOUT_FILENO) != 0) { self.interactive = interactive }

    /// Notes the epoch count at `fitBegin`, redraws the bar at `batchEnd` when
    /// interactive, and prints `summary` at every `epochEnd`.
    public func handle(_ event: TrainingEvent, trainer: Trainer) {
        switch event {
        case .fitBegin(let plan):
            epochs = plan.epochs
        case .batchEnd(let report) where interactive:
            let now = Date().timeIntervalSinceReferenceDate
            guard now - lastDraw > 0.1 || report.step + 1 == report.stepsPerEpoch else { return }
            lastDraw = now
            let done = report.step + 1, total = report.stepsPerEpoch
            let width = 24, filled = width * done / max(total, 1)
            let bar = String(repeating: "=", count: filled) + (filled < width ? ">" : "") + String(repeating: " ", count: max(0, width - filled - 1))
            let eta = report.epochSeconds / Double(done) * Double(total - done)
            let line = String(format: "epoch %d/%d [%@] %d/%d loss %.4f acc %.4f %.0f img/s ETA %@",
                              report.epoch + 1, epochs, bar, done, total, report.running.loss, report.running.accuracy,
                              report.imagesPerSecond, ProgressReporter.clock(eta))
            print("\r\u{1B}[K" + line, terminator: "")
            fflush(nil)
        case .epochEnd(let record):
            if interactive { print("\r\u{1B}[K", terminator: "") }
            print(ProgressReporter.summary(record, epochs: epochs))
            fflush(nil)
        default:
            break
        }
    }

    /// "epoch 3/20  train loss 0.3012 acc 0.8921  test loss 0.3312 acc 0.8810  lr 0.05  4.1s"
    public static func summary(_ record: EpochRecord, epochs: Int) -> String {
        var line = String(format: "epoch %d/%d  train loss %.4f acc %.4f", record.epoch + 1, epochs,
                          record.train.loss, record.train.accuracy)
        if let e = record.evaluation { line += String(format: "  test loss %.4f acc %.4f", e.loss, e.accuracy) }
        line += String(format: "  lr %g  %.1fs", record.learningRate, record.seconds)
        return line
    }

    static func clock(_ seconds: Double) -> String {
        guard seconds.isFinite else { return "--:--" }
        let s = Int(seconds.rounded())
        return String(format: "%d:%02d", s / 60, s % 60)
    }
}
