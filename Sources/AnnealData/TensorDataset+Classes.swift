import AnnealTensor

/// Subsets by class, for transfer learning's protocol: a class split of a data set
/// (source classes 0–4, target classes 5–9) and few-shot subsets of N images per class.
extension TensorDataset {
    /// The samples of `classes` only, in their original order, relabelled 0..<k in
    /// the order `classes` lists them (`[5, 6, 7, 8, 9]` → 0…4).
    public func selectingClasses(_ classes: [Int]) throws(DatasetError) -> TensorDataset {
        guard let labels else { throw DatasetError("an unlabelled dataset has no classes to select") }
        guard !classes.isEmpty, Set(classes).count == classes.count else {
            throw DatasetError("classes \(classes) must be distinct and not empty")
        }
        if let bad = classes.first(where: { $0 < 0 || $0 >= classCount }) {
            throw DatasetError("class \(bad) is not in the dataset's 0..<\(classCount)")
        }
        let newLabel = Dictionary(uniqueKeysWithValues: classes.enumerated().map { ($0.element, $0.offset) })
        let indices = labels.indices.filter { newLabel[labels[$0]] != nil }
        let kept = subset(indices)
        return try TensorDataset(samples: kept.samples, labels: indices.map { newLabel[labels[$0]]! }, classCount: classes.count)
    }

    /// `perClass` samples of every class (all of a class that has fewer), drawn at
    /// random by `seed` and kept in their original order: a stratified few-shot subset.
    public func sampling(perClass: Int, seed: UInt64) throws(DatasetError) -> TensorDataset {
        guard let labels else { throw DatasetError("an unlabelled dataset has no classes to sample from") }
        guard perClass >= 1 else { throw DatasetError("samples per class must be at least 1, got \(perClass)") }
        var generator = RandomGenerator(seed: seed, stream: Self.perClassStream)
        let order = generator.permutation(count)
        var taken = [Int](repeating: 0, count: classCount)
        var chosen: [Int] = []
        for index in order where taken[labels[index]] < perClass {
            taken[labels[index]] += 1
            chosen.append(index)
        }
        return subset(chosen.sorted())
    }

    static let perClassStream: UInt64 = 0x5045_5243   // "PERC"
}
