/// Why a `NaNGuard` stopped training, printed as one line that says where it
/// happened, at which learning rate, and where the last good weights are.
public struct NonFiniteTrainingError: Error, CustomStringConvertible {
    /// Updates completed before the failing one (0-based step of the failure).
    public let step: Int
    /// The epoch of the failure, 0-based.
    public let epoch: Int
    /// The failing optimizer step within its epoch, 0-based.
    public let batch: Int
    /// The dotted name of the parameter whose gradient held the bad value.
    /// Nil when the loss itself was not finite.
    public let parameter: String?
    /// The offending value (NaN or ±infinity).
    public let value: Float
    /// The optimizer's learning rate at the failing step.
    public let learningRate: Float
    /// Where the last good weights were written, and the step they came from;
    /// nil when the very first step failed and there was nothing good to save.
    public let savedPath: String?
    /// Updates the saved weights had had (`NaNGuard.lastGoodStep`); nil when no snapshot was taken.
    public let savedStep: Int?

    /// "non-finite training: WHAT at step S (epoch E, batch B) with learning rate R:
    /// learning rate too high? …", with epoch and batch 1-based.
    public var description: String {
        let what = parameter.map { "gradient of '\($0)' is \(value)" } ?? "loss is \(value)"
        let saved = savedPath.map { path in "last good weights (step \(savedStep ?? 0)) saved to \(path)" }
            ?? "no weights saved (no step had finished with finite values)"
        return "non-finite training: \(what) at step \(step) (epoch \(epoch + 1), batch \(batch + 1)) "
            + "with learning rate \(learningRate): learning rate too high? \(saved)"
    }
}
