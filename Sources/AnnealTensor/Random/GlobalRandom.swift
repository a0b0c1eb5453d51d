import Foundation

/// The seed source, as `torch.manual_seed`: layers and initializers that are not
/// given a generator take a fresh, derived one from here, so a program that calls
/// `GlobalRandom.seed(s)` first builds the same model every run.
///
/// `withSeed(s) { … }` gives the code inside (and the tasks it starts) a source
/// of its own, untouched by other threads reseeding the process-wide one: a
/// `Run` builds its model that way, so runs side by side (tests, trials) stay
/// reproducible.
public enum GlobalRandom {
    /// A seeded counter of handed-out generators.
    final class Source: @unchecked Sendable {
        // @unchecked: `root` and `handedOut` are only touched under `lock`.
        private let lock = NSLock()
        private var root: RandomGenerator
        private var handedOut: UInt64 = 0

        init(seed: UInt64) { root = RandomGenerator(seed: seed) }

        func reseed(_ seed: UInt64) {
            lock.withLock {
                root = RandomGenerator(seed: seed)
                handedOut = 0
            }
        }

        func next() -> RandomGenerator {
            lock.withLock {
                handedOut += 1
                return root.derived(stream: handedOut)
            }
        }
    }

    private static let processWide = Source(seed: 0)
    @TaskLocal static var scoped: Source?

    /// Reseeds the process-wide source (not a `withSeed` scope's).
    public static func seed(_ seed: UInt64) { processWide.reseed(seed) }

    /// Runs `body` with a source of its own seeded with `seed`.
    public static func withSeed<R>(_ seed: UInt64, _ body: () throws -> R) rethrows -> R {
        try $scoped.withValue(Source(seed: seed)) { try body() }
    }

    /// A new independent generator (the n-th since the last `seed`, in this scope).
    public static func makeGenerator() -> RandomGenerator { (scoped ?? processWide).next() }
}
