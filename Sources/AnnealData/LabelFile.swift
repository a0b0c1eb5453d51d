import AnnealIO

/// Class labels on their own, one per image: an .npy vector of non-negative whole
/// numbers (any dtype NumPy writes) or an IDX label file.
public enum LabelFile {
    /// The labels in `path`, in file order: from a `.npy` vector `[N]` of whole numbers
    /// in 0..<1,000,000 (integers of any width, or floats) when the name ends in `.npy`,
    /// else from a 1-dimensional IDX file (raw or gzipped) of bytes 0–255.
    ///
    /// - Throws: `AnnealIOError` when the file cannot be read or parsed; `DatasetError`
    ///   for a shape other than one dimension or a value that is not a class number.
    public static func read(_ path: String) throws -> [Int] {
        if path.hasSuffix(".npy") {
            let contents = try NPYFile.readArray(path)
            let (shape, values) = (contents.shape, contents.values)
            guard shape.count == 1 else { throw DatasetError("\(path): labels must be a vector [N], got shape \(shape)") }
            guard let bad = values.firstIndex(where: { !($0 >= 0 && $0 < 1_000_000 && $0 == $0.rounded()) }) else { return values.map { Int($0) } }
            throw DatasetError("\(path): label \(values[bad]) at row \(bad) is not a class number")
        }
        let array = try IDXFile.read(path)
        guard array.dims.count == 1 else { throw DatasetError("\(path): not a label file (expected 1 dimension, got \(array.dims.count))") }
        return array.bytes.map(Int.init)
    }
}
