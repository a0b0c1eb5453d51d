// Your own images: a folder per class, NumPy arrays, CIFAR-10's binary files, or a Dataset of your own.
import Anneal
import Foundation

// snippet.hide
// Small data sets of each kind, cut from Fashion-MNIST, so that this program runs anywhere.
let data = "runs/your-own-data/data"
try writeExampleData(to: data)
// snippet.show

// A folder per class, as torchvision's ImageFolder: ROOT/CLASS/NAME.png (or .jpg);
// the class names are the folders' names in sorted order.
let (folder, _) = try ImageFolder.load("\(data)/folder/train")
print("image folder: \(folder.count) images of \(folder.sampleShape), classes \(folder.classNames ?? [])")

// NumPy arrays: uint8 pixels are scaled to [0, 1], float32 taken as they are;
// NHWC or NCHW is read from the shape.
let arrays = try ArrayDataset.loadNPY(images: "\(data)/images.npy", labels: "\(data)/labels.npy")
print("arrays: \(arrays.count) images of \(arrays.sampleShape)")

// CIFAR-10's binary version: data_batch_1.bin … data_batch_5.bin and test_batch.bin.
let cifar = try CIFAR10.load(train: true, from: "\(data)/cifar")
print("CIFAR-10 files: \(cifar.count) images of \(cifar.sampleShape)")

// Anything else: a type that says how many samples it has, their shape and classes,
// and writes one sample into the loader's buffer.
struct Stripes: Dataset {
    let count: Int
    var sampleShape: [Int] { [1, 8, 8] }
    var classCount: Int { 2 }
    var classNames: [String]? { ["horizontal", "vertical"] }
    func label(at index: Int) -> Int { index % 2 }
    func copySample(at index: Int, into destination: UnsafeMutableBufferPointer<Float>) {
        for y in 0..<8 {
            for x in 0..<8 { destination[y * 8 + x] = (index % 2 == 0 ? y : x) % 2 == 0 ? 1 : 0 }
        }
    }
}

// A run reads its data from a source (what `anneal train --data` takes); an image
// folder with a sibling `test` folder brings its own test images.
var config = RunConfig(model: .cnn)
config.data.dataset = .imageFolder(path: "\(data)/folder/train")
config.epochs = 1
let outcome = try Run(config, directory: "runs/your-own-data/folder-run", overwrite: true).fit()
print(String(format: "cnn on the image folder: test accuracy %.4f", outcome.evaluation?.accuracy ?? .nan))

// A Trainer takes any Dataset through a DataLoader.
let model = MLP.make(inputs: 64, hidden: [32], classes: 2)
let trainer = Trainer(model: model, optimizer: SGD(model.parameters, learningRate: 0.1, momentum: 0.9))
try trainer.fit(DataLoader(Stripes(count: 512), batchSize: 64, shuffle: true, seed: 0),
                evaluation: DataLoader(Stripes(count: 128), batchSize: 128), epochs: 3)
print(String(format: "mlp on stripes: accuracy %.4f", trainer.history.last?.evaluation?.accuracy ?? .nan))

// snippet.hide
/// Writes 200 training and 100 test images of 3 classes as PNG folders, the same
/// training images as NumPy arrays, and 300 images as a CIFAR-10 file (grey copied
/// into three planes and padded to 32×32).
func writeExampleData(to directory: String) throws {
    let train = try FashionMNIST.load(.train), names = FashionMNIST.classNames.map { $0.replacingOccurrences(of: "/", with: " or ") }
    let picked = (0..<train.count).filter { train.label(at: $0) < 3 }
    var pixels = [Float](repeating: 0, count: 28 * 28)
    func image(_ i: Int) -> [UInt8] {
        pixels.withUnsafeMutableBufferPointer { train.copySample(at: i, into: $0) }
        return pixels.map { UInt8(($0 * 255).rounded()) }
    }
    for (split, range) in [("train", 0..<200), ("test", 200..<300)] {
        for i in range {
            let folder = "\(directory)/folder/\(split)/\(names[train.label(at: picked[i])])"
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            try Bitmap(width: 28, height: 28, channels: 1, pixels: image(picked[i])).write(to: "\(folder)/\(i).png")
        }
    }
    let first = picked.prefix(200)
    try NPYFile.write(first.flatMap { image($0).map(Float.init) }.map { $0 / 255 }, shape: [first.count, 28, 28, 1], to: "\(directory)/images.npy")
    try NPYFile.write(first.map { Float(train.label(at: $0)) }, shape: [first.count], to: "\(directory)/labels.npy")
    var records: [UInt8] = []
    for i in picked.prefix(300) {
        let grey = image(i)
        records.append(UInt8(train.label(at: i)))
        for _ in 0..<3 {
            for y in 0..<32 {
                for x in 0..<32 { records.append(y >= 2 && y < 30 && x >= 2 && x < 30 ? grey[(y - 2) * 28 + x - 2] : 0) }
            }
        }
    }
    try FileManager.default.createDirectory(atPath: "\(directory)/cifar", withIntermediateDirectories: true)
    try Data(records).write(to: URL(fileURLWithPath: "\(directory)/cifar/data_batch_1.bin"))
}
// snippet.show
