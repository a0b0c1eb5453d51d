/// Some samples of another dataset, picked by index and optionally relabelled:
/// what class selection, few-shot sampling, prefixes and validation splits return.
/// Nothing is copied, so a subset of a streamed image folder streams too.
public struct DatasetSubset: Dataset {
    /// The dataset the samples are read from.
    public let base: any Dataset
    /// The base's index of each sample, in this dataset's order (repeats allowed).
    public let indices: [Int]
    /// New label of each base label (nil: labels unchanged).
    let relabel: [Int]?
    /// `classes.count` when relabelled, else the base's class count.
    public let classCount: Int
    /// The base's names of the selected classes in their new order (or all the
    /// base's names when not relabelled); nil when the base has none.
    public let classNames: [String]?

    /// The samples of `base` at `indices`; with `classes`, only those base classes
    /// occur and they are relabelled 0..<k in the order listed.
    public init(_ base: any Dataset, indices: [Int], classes: [Int]? = nil) {
        precondition(indices.allSatisfy { $0 >= 0 && $0 < base.count }, "DatasetSubset: an index lies outside 0..<\(base.count)")
        self.base = base
        self.indices = indices
        if let classes {
            var relabel = [Int](repeating: -1, count: base.classCount)
            for (new, old) in classes.enumerated() { relabel[old] = new }
            self.relabel = relabel
            classCount = classes.count
            classNames = base.classNames.map { names in classes.map { names[$0] } }
        } else {
            relabel = nil
            classCount = base.classCount
            classNames = base.classNames
        }
    }

    /// Number of picked samples (`indices.count`).
    public var count: Int { indices.count }
    /// The base's sample shape.
    public var sampleShape: [Int] { base.sampleShape }
    /// Whether the base has labels.
    public var hasLabels: Bool { base.hasLabels }

    /// The base's label of sample `indices[index]`, mapped to its new class when
    /// relabelled (-1 for unlabelled data or a base class not among `classes`).
    public func label(at index: Int) -> Int {
        let label = base.label(at: indices[index])
        guard let relabel, label >= 0 else { return label }
        return relabel[label]
    }

    /// Reads base sample `indices[index]`.
    public func copySample(at index: Int, into destination: UnsafeMutableBufferPointer<Float>) {
        base.copySample(at: indices[index], into: destination)
    }

    /// Reads base sample `indices[index]` for `epoch` (so the base's augmentation
    /// still draws anew each epoch).
    public func copySample(at index: Int, epoch: Int, into destination: UnsafeMutableBufferPointer<Float>) {
        base.copySample(at: indices[index], epoch: epoch, into: destination)
    }
}
