import AnnealIO
import Foundation

/// Writes `metrics.csv` (epoch, train_loss, train_acc, test_loss, test_acc, lr,
/// seconds) after every epoch from the trainer's whole history (so a resumed run
/// writes the rows of the epochs before its restart too), replacing the file
/// atomically so a crash never leaves a half-written table.
public final class MetricsCSVWriter: TrainingCallback {
    /// The CSV file, rewritten whole after every epoch.
    public let path: String
    /// The table's first line. Rows: the epoch (1-based), mean losses, accuracies as
    /// fractions (test columns empty for an epoch not evaluated), the rate of the
    /// epoch's first step, and the epoch's training seconds.
    public static let header = "epoch,train_loss,train_acc,test_loss,test_acc,lr,seconds"

    /// Writes the table to `path`.
    public init(path: String) { self.path = path }

    /// Rewrites the file from `trainer.history` at every `epochEnd`.
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
