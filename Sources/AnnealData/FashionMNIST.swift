import AnnealIO
import Glibc

/// Fashion-MNIST (Xiao et al. 2017): 28×28 grey images of clothing in 10 classes,
/// 60,000 for training and 10,000 for testing, in MNIST's IDX format.
///
/// The files are looked up in a given directory or, by default, where Debian's
/// `dataset-fashion-mnist` package installs them; each may be raw or gzipped.
public enum FashionMNIST {
    /// Which part of the data to load; the raw value is the split's name.
    public enum Split: String, Sendable, CaseIterable {
        /// `train`: the 60,000 training images (`train-*` files); `test`: the 10,000
        /// test images (`t10k-*` files).
        case train, test

        /// The file-name prefix the original distribution uses.
        var filePrefix: String { self == .train ? "train" : "t10k" }
    }

    /// Where `apt-get install dataset-fashion-mnist` puts the files.
    public static let defaultDirectory = "/usr/share/datasets/fashion-mnist"
    /// `[channels, height, width]` of one sample: one grey channel of 28×28 pixels.
    public static let sampleShape = [1, 28, 28]
    /// Number of classes; labels lie in 0..<10.
    public static let classCount = 10
    /// The names of labels 0 to 9, as the dataset's authors give them.
    public static let classNames = [
        "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
        "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot",
    ]

    /// Loads a split: samples `[N, 1, 28, 28]` in [0, 1], labels in 0..<10.
    /// Throws `AnnealIOError` when the files are missing (with the install hint),
    /// unreadable or corrupt, or do not hold 28×28 images with matching labels.
    public static func load(_ split: Split, from directory: String? = nil) throws -> TensorDataset {
        let files = try locate(split, in: directory)
        var dataset = try IDXDataset.load(images: files.images, labels: files.labels, classCount: classCount)
        dataset.classNames = classNames
        guard dataset.sampleShape == sampleShape else {
            throw AnnealIOError(path: files.images, "expected 28×28 Fashion-MNIST images, got \(dataset.sampleShape[1])×\(dataset.sampleShape[2])")
        }
        return dataset
    }

    /// The image and label files of a split, each `<name>` or `<name>.gz`.
    public static func locate(_ split: Split, in directory: String? = nil) throws -> (images: String, labels: String) {
        let directory = directory ?? defaultDirectory
        let hint = "install it with `apt-get install dataset-fashion-mnist` or name the directory that holds the files"
        guard isDirectory(directory) else {
            throw AnnealIOError(path: directory, "Fashion-MNIST not found: no such directory; \(hint)")
        }
        func find(_ name: String) throws -> String {
            for candidate in [name, name + ".gz"] where exists(directory + "/" + candidate) {
                return directory + "/" + candidate
            }
            throw AnnealIOError(path: directory, "Fashion-MNIST not found: no \(name) or \(name).gz; \(hint)")
        }
        return (try find("\(split.filePrefix)-images-idx3-ubyte"), try find("\(split.filePrefix)-labels-idx1-ubyte"))
    }

    private static func exists(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0
    }

    private static func isDirectory(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
    }
}
