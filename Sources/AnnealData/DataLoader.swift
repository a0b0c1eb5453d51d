import AnnealTensor

/// Iterates mini-batches of a dataset, optionally shuffled, optionally mixed by a
/// batch transform (Mixup, CutMix) and prefetched by background worker threads.
///
/// An epoch's order depends on (seed, epoch) only, so runs reproduce and training
/// can resume at any epoch (or, through `Batches`' random access, any batch). Each
/// batch is assembled by copying its samples one by one from the dataset; nothing
/// copies the whole data set. Batch `i` of epoch `e` is a pure function of
/// (dataset, seed, e, i), so the `workers` threads that build batches ahead of the
/// training loop cannot change results: any worker count gives the same batches.
public struct DataLoader: Sendable {
    /// The dataset the batches are read from.
    public let dataset: any Dataset
    /// Samples per batch (at least 1); the last batch of an epoch may hold fewer.
    public let batchSize: Int
    /// Whether each epoch visits the samples in a random order drawn from (seed,
    /// epoch) as `sampling` says; false visits them once each, in index order.
    public let shuffle: Bool
    /// Skip the last batch when it is short (keeps batch statistics uniform).
    public let dropLast: Bool
    /// Seed of the shuffle and of the batch transform's random draws.
    public let seed: UInt64
    /// Applied to every assembled batch (Mixup/CutMix); nil for none.
    public let batchTransform: (any BatchTransform)?
    /// Background threads that build upcoming batches while the caller trains
    /// on the current one; 0 builds each batch on the iterating thread.
    public let workers: Int
    /// Batches built ahead of the one being consumed (with workers).
    public let prefetch: Int
    /// Data parallelism: this rank's share of every epoch (nil: all samples).
    public private(set) var shard: Shard?
    /// How a shuffled epoch draws its samples.
    public var sampling: Sampling = .uniform

    /// How a shuffled epoch draws its samples (an unshuffled one visits each once, in order).
    public enum Sampling: String, Sendable, Equatable, Codable, CaseIterable {
        /// Each sample once, in a random order.
        case uniform
        /// As many samples as the data set has, an equal share from every class present:
        /// each class's samples in random order, again in a new order when a small class
        /// runs out (oversampling), the whole shuffled together.
        case balanced
    }

    /// Rank `rank` of `count` takes every `count`-th sample of the epoch's order,
    /// starting at its own (PyTorch's `DistributedSampler`). With `padded`, the order
    /// is first extended by its own start so every rank takes the same number of
    /// steps; batch b of the ranks together is then batch b of one process with
    /// `count` times the batch size. Without it (evaluation) nothing is counted twice.
    public struct Shard: Sendable, Equatable {
        /// This process's position among the ranks, in `0..<count`.
        public let rank: Int
        /// Number of ranks sharing each epoch (at least 1).
        public let count: Int
        /// Whether the order is extended so every rank takes the same number of
        /// samples (training), rather than each sample exactly once (evaluation).
        public let padded: Bool

        /// Rank `rank` of `count` ranks; traps unless `0 <= rank < count`.
        public init(rank: Int, count: Int, padded: Bool) {
            precondition(count >= 1 && rank >= 0 && rank < count, "DataLoader.Shard: rank \(rank) of \(count)")
            self.rank = rank
            self.count = count
            self.padded = padded
        }

        /// This rank's part of `order`.
        public func part(of order: [Int]) -> [Int] {
            var all = order
            if padded, !order.isEmpty, order.count % count != 0 {
                let total = (order.count + count - 1) / count * count
                for i in order.count..<total { all.append(order[(i - order.count) % order.count]) }
            }
            return Swift.stride(from: rank, to: all.count, by: count).map { all[$0] }
        }

        /// Samples this rank takes from a dataset of `n`.
        public func size(of n: Int) -> Int {
            padded ? (n + count - 1) / count : (n - rank + count - 1) / count
        }
    }

    /// A loader over `dataset`; traps when `batchSize` is below 1 or `workers` is negative.
    ///
    /// - Parameters:
    ///   - dataset: The samples to batch.
    ///   - batchSize: Samples per batch, at least 1.
    ///   - shuffle: Visit the samples in a new random order every epoch (default: index order).
    ///   - dropLast: Skip an epoch's final batch when it is short.
    ///   - seed: Seeds the shuffle and the batch transform.
    ///   - batchTransform: Applied to every batch (Mixup, CutMix); nil for none.
    ///   - workers: Background threads building batches ahead; 0 builds each on the iterating thread.
    ///   - prefetch: Batches built ahead of the one being consumed; nil means `2 * workers`. At least 1.
    ///   - shard: This rank's share of every epoch, for data parallelism; nil reads all samples.
    public init(_ dataset: any Dataset, batchSize: Int, shuffle: Bool = false, dropLast: Bool = false, seed: UInt64 = 0,
                batchTransform: (any BatchTransform)? = nil, workers: Int = 0, prefetch: Int? = nil, shard: Shard? = nil) {
        precondition(batchSize >= 1, "DataLoader: batchSize must be at least 1, got \(batchSize)")
        precondition(workers >= 0, "DataLoader: workers must not be negative, got \(workers)")
        self.dataset = dataset
        self.batchSize = batchSize
        self.shuffle = shuffle
        self.dropLast = dropLast
        self.seed = seed
        self.batchTransform = batchTransform
        self.workers = workers
        self.prefetch = max(1, prefetch ?? 2 * workers)
        self.shard = shard
    }

    /// The same loader reading only rank `rank`'s share (see `Shard`).
    public func sharded(rank: Int, of count: Int, padded: Bool) -> DataLoader {
        var loader = self
        loader.shard = Shard(rank: rank, count: count, padded: padded)
        return loader
    }

    /// Samples per epoch (this rank's, when sharded).
    public var samplesPerEpoch: Int { shard?.size(of: dataset.count) ?? dataset.count }

    /// Batches per epoch.
    public var count: Int {
        dropLast ? samplesPerEpoch / batchSize : (samplesPerEpoch + batchSize - 1) / batchSize
    }

    /// The order in which epoch `epoch` visits the samples: a permutation derived
    /// from (seed, epoch) when shuffling, else 0..<count.
    public func order(epoch: Int) -> [Int] {
        precondition(epoch >= 0, "DataLoader: negative epoch \(epoch)")
        var all = Array(0..<dataset.count)
        if shuffle {
            var generator = RandomGenerator(seed: seed, stream: Self.shuffleStream).derived(stream: UInt64(epoch))
            all = sampling == .balanced ? balancedOrder(using: &generator) : generator.permutation(dataset.count)
        }
        // Every rank draws the same global order and takes its share, as for uniform sampling.
        return shard?.part(of: all) ?? all
    }

    /// `dataset.count` indices, an equal share (rounded up, the excess cut after the
    /// shuffle) from every class present.
    private func balancedOrder(using generator: inout RandomGenerator) -> [Int] {
        var byClass: [Int: [Int]] = [:]
        for i in 0..<dataset.count { byClass[dataset.label(at: i), default: []].append(i) }
        let classes = byClass.keys.sorted()
        guard !classes.isEmpty else { return [] }
        let share = (dataset.count + classes.count - 1) / classes.count
        var drawn: [Int] = []
        drawn.reserveCapacity(share * classes.count)
        for c in classes {
            let members = byClass[c]!
            var taken = 0
            while taken < share {
                let pass = generator.permutation(members.count).prefix(share - taken).map { members[$0] }
                drawn += pass
                taken += pass.count
            }
        }
        return Array(generator.permutation(drawn.count).prefix(dataset.count).map { drawn[$0] })
    }

    /// The batches of epoch `epoch`, built lazily as they are read (ahead of
    /// time on `workers` threads when iterated).
    public func batches(epoch: Int = 0) -> Batches {
        Batches(loader: self, epoch: epoch, order: order(epoch: epoch))
    }

    /// Stacks the given samples into one batch, reading them for epoch `epoch`
    /// (no batch transform: that depends on the batch's position, see `Batches`).
    ///
    /// Touches no thread pool (plain loops and one copy into the tensor), so worker
    /// threads may call it while oneDNN's OpenMP team runs the training step.
    public func makeBatch(indices: [Int], epoch: Int) -> Batch {
        let size = dataset.sampleSize
        let values = [Float](unsafeUninitializedCapacity: indices.count * size) { buffer, initialized in
            for (row, index) in indices.enumerated() {
                let slot = UnsafeMutableBufferPointer(rebasing: buffer[row * size ..< (row + 1) * size])
                dataset.copySample(at: index, epoch: epoch, into: slot)
            }
            initialized = indices.count * size
        }
        return Batch(inputs: Tensor(values, shape: [indices.count] + dataset.sampleShape),
                     labels: indices.map { dataset.label(at: $0) }, indices: indices)
    }

    static let shuffleStream: UInt64 = 0x5348_5546   // "SHUF"

    /// One epoch's batches: a random-access collection whose elements are assembled
    /// on access (read each once; reading twice assembles twice). Iterating with
    /// `for … in` prefetches on the loader's worker threads.
    public struct Batches: RandomAccessCollection, Sendable {
        /// The loader these batches come from (dataset, batch size, transform, workers).
        public let loader: DataLoader
        /// The epoch the batches belong to: samples are read for it (augmentation)
        /// and the batch transform draws from it.
        public let epoch: Int
        /// The epoch's sample order; batch `i` is `order[i * batchSize ..< …]`.
        public let order: [Int]

        /// Always 0.
        public var startIndex: Int { 0 }
        /// The number of batches in the epoch (`loader.count`).
        public var endIndex: Int { loader.count }

        /// Batch `position`, assembled now: its samples read for `epoch`, then the
        /// loader's batch transform applied. Traps when `position` is out of range.
        public subscript(position: Int) -> Batch {
            precondition(position >= 0 && position < endIndex, "DataLoader.Batches: batch \(position) out of range 0..<\(endIndex)")
            let start = position * loader.batchSize
            let end = Swift.min(start + loader.batchSize, order.count)
            var batch = loader.makeBatch(indices: Array(order[start..<end]), epoch: epoch)
            if let transform = loader.batchTransform {
                var random = SampleRandom(seed: loader.seed, domain: .batch, epoch: epoch, index: position, stage: 0)
                transform.apply(to: &batch, classCount: loader.dataset.classCount, random: &random)
            }
            return batch
        }

        /// Iterates from the first batch, prefetching on the loader's workers when it has any.
        public func makeIterator() -> Iterator { makeIterator(from: 0) }

        /// Iterates from batch `position` on (the rest of a resumed epoch).
        public func makeIterator(from position: Int) -> Iterator {
            precondition(position >= 0 && position <= endIndex, "DataLoader.Batches: start \(position) out of range 0...\(endIndex)")
            return Iterator(batches: self, prefetcher: loader.workers > 0 && position < endIndex ? Prefetcher(self, from: position) : nil,
                            position: position)
        }

        /// Yields the batches in order, taking them from the prefetching workers
        /// when the loader has any.
        public struct Iterator: IteratorProtocol {
            let batches: Batches
            let prefetcher: Prefetcher?
            var position = 0

            /// The next batch of the epoch, or nil after its last.
            public mutating func next() -> Batch? {
                guard position < batches.endIndex else { return nil }
                defer { position += 1 }
                return prefetcher?.take(position) ?? batches[position]
            }
        }
    }
}
