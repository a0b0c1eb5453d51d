import AnnealIO
import Foundation

/// Writes `metrics.csv` (epoch, train_loss, train_acc, test_loss, test_acc, lr,
/// seconds) after every epoch from the trainer's whole history (so a resumed run
/// writes the rows of the epochs before its restart too), replacing the file
/// atomically so a crash never leaves a half-written table.
public final class MetricsCSVWriter: TrainingCallback {
    public let path: String
    public static let header = "epoch,train_loss,train_acc,test_loss,test_acc,lr,seconds"

    public init(path: String) { self.path = path }

    public func handle(_ event: TrainingEvent, trainer: Trainer) throws {
        guard case .epochEnd = event else { return }
        func number(_ x: Double?) -> String { x.map { String(format: "%.6g", $0) } ?? "" }
        let rows = trainer.history.map { r in
            [String(r.epoch + 1), number(r.train.loss), number(r.train.accuracy),
             number(r.evaluation?.loss), number(r.evaluation?.accuracy),
             String(format: "%g", r.learningRate), String(format: "%.3f", r.seconds)].joined(separator: ",")
        }
        try AtomicFile.write(Array(([MetricsCSVWriter.header] + rows).joined(separator: "\n").utf8) + [10], to: path)
    }
}
