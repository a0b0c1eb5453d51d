import AnnealTensor

/// One parameter's update, as an optimizer's `update(_:)` sees it: raw storage
/// of the value, its gradient and its state slots, so the update runs in place
/// with no tensor temporaries and no autodiff recording.
public struct ParameterUpdate {
    /// Elements in the parameter (and in its gradient and every slot).
    public let count: Int
    /// The parameter's values, updated in place.
    public let value: UnsafeMutablePointer<Float>
    /// The parameter's gradient, read-only.
    public let gradient: UnsafePointer<Float>
    /// The group's settings for this step.
    public let hyperparameters: Hyperparameters
    /// This parameter's update count, 1 on its first update (PyTorch's per-parameter
    /// `state["step"]`: it only advances on steps where the parameter had a gradient).
    public let step: Int
    /// True when the slots were created for this update (SGD seeds its momentum
    /// buffer with the gradient then, as PyTorch does).
    public let slotsAreNew: Bool
    let slotNames: [String]
    let slotPointers: [UnsafeMutablePointer<Float>]

    /// The storage of a state slot declared by `Optimizer.slotNames(for:)`.
    public func slot(_ name: String) -> UnsafeMutablePointer<Float> {
        guard let index = slotNames.firstIndex(of: name) else {
            preconditionFailure("ParameterUpdate.slot: no slot '\(name)' (declared: \(slotNames))")
        }
        return slotPointers[index]
    }

    /// Elements per thread below which an update stays on one thread: an
    /// elementwise update is memory-bound, so threads only pay off on large tensors.
    public static let grain = 32768

    /// Runs `body` over `0..<count` in contiguous chunks, across threads when large.
    @inlinable
    public func forEachChunk(_ body: (Range<Int>) -> Void) {
        Threads.parallelFor(count, grain: ParameterUpdate.grain, body)
    }
}
