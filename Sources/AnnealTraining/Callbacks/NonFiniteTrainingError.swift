/// Why a `NaNGuard` stopped training, printed as one line that says where it
/// happened, at which learning rate, and where the last good weights are.
public struct NonFiniteTrainingError: Error, CustomStringConvertible {
    /// Updates completed before the failing one (0-based step of the failure).
    public let step: Int
    public let epoch: Int
    public let batch: Int
    /// Nil when the loss itself was not finite.
    public let parameter: String?
    /// The offending value (NaN or ±infinity).
    public let value: Float
    public let learningRate: Float
    /// Where the last good weights were written, and the step they came from;
    /// nil when the very first step failed and there was nothing good to save.
    public let savedPath: String?
    public let savedStep: Int?

    public var description: String {
        let what = parameter.map { "gradient of '\($0)' is \(value)" } ?? "loss is \(value)"
        let saved = savedPath.map { path in "last good weights (step \(savedStep ?? 0)) saved to \(path)" }
            ?? "no weights saved (no step had finished with finite values)"
        return "non-finite training: \(what) at step \(step) (epoch \(epoch + 1), batch \(batch + 1)) "
            + "with learning rate \(learningRate): learning rate too high? \(saved)"
    }
}
