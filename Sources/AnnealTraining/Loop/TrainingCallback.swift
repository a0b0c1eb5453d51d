/// Observes the training loop's events and may act on the trainer (change the
/// learning rate, request a stop, edit gradients in `afterBackward`).
public protocol TrainingCallback: AnyObject {
    /// Reacts to one event of `trainer`'s loop; callbacks are called in list order, and
    /// an error thrown here ends `fit` with it.
    func handle(_ event: TrainingEvent, trainer: Trainer) throws
}
