/// Observes the training loop's events and may act on the trainer (change the
/// learning rate, request a stop, edit gradients in `afterBackward`).
public protocol TrainingCallback: AnyObject {
    func handle(_ event: TrainingEvent, trainer: Trainer) throws
}
