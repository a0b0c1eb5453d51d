import AnnealTensor

/// Iterates mini-batches of a dataset, optionally shuffled.
///
/// An epoch's order depends on (seed, epoch) only, so runs reproduce and training
/// can resume at any epoch (or, through `Batches`' random access, any batch). Each
/// batch is assembled by copying its samples one by one from the dataset; nothing
/// copies the whole data set. Because batch `i` of epoch `e` is a pure function of
/// (dataset, seed, e, i), worker threads could prefetch batches ahead of the
/// training loop without changing results.
public struct DataLoader: Sendable {
    public let dataset: any Dataset
    public let batchSize: Int
    public let shuffle: Bool
    /// Skip the last batch when it is short (keeps batch statistics uniform).
    public let dropLast: Bool
    public let seed: UInt64

    public init(_ dataset: any Dataset, batchSize: Int, shuffle: Bool = false, dropLast: Bool = false, seed: UInt64 = 0) {
        precondition(batchSize >= 1, "DataLoader: batchSize must be at least 1, got \(batchSize)")
        self.dataset = dataset
        self.batchSize = batchSize
        self.shuffle = shuffle
        self.dropLast = dropLast
        self.seed = seed
    }

    /// Batches per epoch.
    public var count: Int {
        dropLast ? dataset.count / batchSize : (dataset.count + batchSize - 1) / batchSize
    }

    /// The order in which epoch `epoch` visits the samples: a permutation derived
    /// from (seed, epoch) when shuffling, else 0..<count.
    public func order(epoch: Int) -> [Int] {
        precondition(epoch >= 0, "DataLoader: negative epoch \(epoch)")
        guard shuffle else { return Array(0..<dataset.count) }
        var generator = RandomGenerator(seed: seed, stream: Self.shuffleStream).derived(stream: UInt64(epoch))
        return generator.permutation(dataset.count)
    }

    /// The batches of epoch `epoch`, built lazily as they are read.
    public func batches(epoch: Int = 0) -> Batches {
        Batches(loader: self, epoch: epoch, order: order(epoch: epoch))
    }

    /// Stacks the given samples into one batch, reading them for epoch `epoch`.
    public func makeBatch(indices: [Int], epoch: Int) -> Batch {
        let size = dataset.sampleSize
        var inputs = Tensor.zeros([indices.count] + dataset.sampleShape)
        inputs.withUnsafeMutableBufferPointer { buffer in
            for (row, index) in indices.enumerated() {
                let slot = UnsafeMutableBufferPointer(rebasing: buffer[row * size ..< (row + 1) * size])
                dataset.copySample(at: index, epoch: epoch, into: slot)
            }
        }
        return Batch(inputs: inputs, labels: indices.map { dataset.label(at: $0) }, indices: indices)
    }

    static let shuffleStream: UInt64 = 0x5348_5546   // "SHUF"

    /// One epoch's batches: a random-access collection whose elements are assembled
    /// on access (read each once; reading twice assembles twice).
    public struct Batches: RandomAccessCollection, Sendable {
        public let loader: DataLoader
        public let epoch: Int
        /// The epoch's sample order; batch `i` is `order[i * batchSize ..< …]`.
        public let order: [Int]

        public var startIndex: Int { 0 }
        public var endIndex: Int { loader.count }

        public subscript(position: Int) -> Batch {
            precondition(position >= 0 && position < endIndex, "DataLoader.Batches: batch \(position) out of range 0..<\(endIndex)")
            let start = position * loader.batchSize
            let end = Swift.min(start + loader.batchSize, order.count)
            return loader.makeBatch(indices: Array(order[start..<end]), epoch: epoch)
        }
    }
}
