import AnnealTensor

/// Subsets of any dataset, as views (`DatasetSubset`): `--train-subset`, the
/// validation split, and for transfer learning's protocol a class split (source
/// classes 0–4, target classes 5–9) and few-shot subsets of N images per class.
extension Dataset {
    /// The samples at `indices`, in that order (repeats allowed).
    public func subset(_ indices: [Int]) -> DatasetSubset { DatasetSubset(self, indices: indices) }

    /// The first `n` samples (all of them when `n >= count`), as `--train-subset N`.
    public func prefix(_ n: Int) -> DatasetSubset {
        precondition(n >= 0, "Dataset.prefix: negative count \(n)")
        return subset(Array(0..<Swift.min(n, count)))
    }

    /// Holds out a random `validationFraction` of the samples (rounded to whole
    /// samples). The choice depends on `seed` only; both parts keep the original order.
    public func split(validationFraction: Double, seed: UInt64) -> (train: DatasetSubset, validation: DatasetSubset) {
        precondition(validationFraction >= 0 && validationFraction <= 1,
                     "Dataset.split: validationFraction \(validationFraction) is outside 0...1")
        let held = Int((Double(count) * validationFraction).rounded())
        // Its own stream, so a loader seeded with the same value shuffles independently.
        var generator = RandomGenerator(seed: seed, stream: SelectionStreams.split)
        let order = generator.permutation(count)
        return (subset(order[held...].sorted()), subset(order[..<held].sorted()))
    }

    /// The samples of `classes` only, in their original order, relabelled 0..<k in
    /// the order `classes` lists them (`[5, 6, 7, 8, 9]` → 0…4).
    public func selectingClasses(_ classes: [Int]) throws(DatasetError) -> DatasetSubset {
        guard hasLabels else { throw DatasetError("an unlabelled dataset has no classes to select") }
        guard !classes.isEmpty, Set(classes).count == classes.count else {
            throw DatasetError("classes \(classes) must be distinct and not empty")
        }
        if let bad = classes.first(where: { $0 < 0 || $0 >= classCount }) {
            throw DatasetError("class \(bad) is not in the dataset's 0..<\(classCount)")
        }
        let wanted = Set(classes)
        return DatasetSubset(self, indices: (0..<count).filter { wanted.contains(label(at: $0)) }, classes: classes)
    }

    /// `perClass` samples of every class (all of a class that has fewer), drawn at
    /// random by `seed` and kept in their original order: a stratified few-shot subset.
    public func sampling(perClass: Int, seed: UInt64) throws(DatasetError) -> DatasetSubset {
        guard hasLabels else { throw DatasetError("an unlabelled dataset has no classes to sample from") }
        guard perClass >= 1 else { throw DatasetError("samples per class must be at least 1, got \(perClass)") }
        var generator = RandomGenerator(seed: seed, stream: SelectionStreams.perClass)
        let order = generator.permutation(count)
        var taken = [Int](repeating: 0, count: classCount)
        var chosen: [Int] = []
        for index in order where taken[label(at: index)] < perClass {
            taken[label(at: index)] += 1
            chosen.append(index)
        }
        return subset(chosen.sorted())
    }
}

/// The random streams of the selections, apart from the loader's shuffle.
enum SelectionStreams {
    static let split: UInt64 = 0x5350_4C54      // "SPLT"
    static let perClass: UInt64 = 0x5045_5243   // "PERC"
}
