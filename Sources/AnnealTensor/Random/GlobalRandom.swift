import Foundation

/// The process-wide seed source, as `torch.manual_seed`: layers and initializers
/// that are not given a generator take a fresh, derived one from here, so a
/// program that calls `GlobalRandom.seed(s)` first builds the same model every run.
public enum GlobalRandom {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var root = RandomGenerator(seed: 0)
    nonisolated(unsafe) private static var handedOut: UInt64 = 0

    public static func seed(_ seed: UInt64) {
        lock.withLock {
            root = RandomGenerator(seed: seed)
            handedOut = 0
        }
    }

    /// A new independent generator (the n-th since the last `seed`).
    public static func makeGenerator() -> RandomGenerator {
        lock.withLock {
            handedOut += 1
            return root.derived(stream: handedOut)
        }
    }
}
