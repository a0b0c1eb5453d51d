import AnnealIO
import AnnealTensor

/// CIFAR-10 in its binary version (Krizhevsky 2009): 32×32 colour images in 10
/// classes, 50,000 for training in `data_batch_1.bin` … `data_batch_5.bin` and
/// 10,000 for testing in `test_batch.bin`. Each record is one label byte and
/// 3,072 pixel bytes, the red, green and blue planes of 32 rows each.
public enum CIFAR10 {
    /// `[channels, height, width]` of one sample: red, green and blue planes of 32×32 pixels.
    public static let sampleShape = [3, 32, 32]
    /// Number of classes; labels lie in 0..<10.
    public static let classCount = 10
    /// Bytes per record in the binary files: 1 label byte and 3,072 pixel bytes (3,073).
    public static let recordSize = 1 + 3 * 32 * 32
    /// The names when the directory has no `batches.meta.txt`.
    public static let defaultClassNames = ["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"]

    /// The training split's files, or the test split's.
    public static func files(train: Bool, in directory: String) throws -> [String] {
        guard Directory.isDirectory(directory) else { throw AnnealIOError(path: directory, "no such CIFAR-10 directory") }
        let names = train ? (1...5).map { "data_batch_\($0).bin" } : ["test_batch.bin"]
        let present = names.map { directory + "/" + $0 }.filter(Directory.fileExists)
        guard !present.isEmpty else {
            throw AnnealIOError(path: directory, "no \(names.count > 1 ? "data_batch_1.bin … data_batch_5.bin" : names[0]) here (CIFAR-10's binary version)")
        }
        return present
    }

    /// Loads a split: samples `[N, 3, 32, 32]` in [0, 1]; the class names from
    /// `batches.meta.txt` when present.
    public static func load(train: Bool, from directory: String) throws -> TensorDataset {
        var images: [UInt8] = [], labels: [Int] = []
        for path in try files(train: train, in: directory) {
            let bytes = try FileBytes.read(path)
            guard !bytes.isEmpty, bytes.count % recordSize == 0 else {
                throw AnnealIOError(path: path, "holds \(bytes.count) bytes, not a whole number of \(recordSize)-byte CIFAR-10 records (truncated?)")
            }
            for record in stride(from: 0, to: bytes.count, by: recordSize) {
                guard Int(bytes[record]) < classCount else {
                    throw AnnealIOError(path: path, "record \(record / recordSize) has label \(bytes[record]), outside 0..<\(classCount)")
                }
                labels.append(Int(bytes[record]))
                images += bytes[(record + 1)..<(record + recordSize)]
            }
        }
        var samples = Tensor.zeros([labels.count] + sampleShape)
        samples.withUnsafeMutableBufferPointer { target in
            for i in images.indices { target[i] = Float(images[i]) / 255 }
        }
        var dataset = try TensorDataset(samples: samples, labels: labels, classCount: classCount)
        dataset.classNames = try classNames(in: directory)
        return dataset
    }

    private static func classNames(in directory: String) throws -> [String] {
        let path = directory + "/batches.meta.txt"
        guard Directory.fileExists(path) else { return defaultClassNames }
        let names = String(decoding: try FileBytes.read(path), as: UTF8.self).split(whereSeparator: \.isNewline)
            .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        guard names.count == classCount else {
            throw AnnealIOError(path: path, "lists \(names.count) class names, CIFAR-10 has \(classCount)")
        }
        return names
    }
}
