// Example (c): score saved weights as an ensemble with a `Predictor`.
//
//   swift run -c release evaluate-ensemble A.safetensors B.safetensors … [--csv classes.csv]
//
// Each weights file brings its model description and preprocessing; the
// predictor averages the members' probabilities (PyTorch- or Keras-style soft
// voting), uses their preset's test-time augmentation, and scores the
// Fashion-MNIST test set. Each member is scored alone too, to show the gain.
import Anneal
import Foundation

var paths = Array(CommandLine.arguments.dropFirst())
var csv: String?
if let i = paths.firstIndex(of: "--csv"), i + 1 < paths.count {
    csv = paths[i + 1]
    paths.removeSubrange(i...(i + 1))
}
guard !paths.isEmpty else {
    FileHandle.standardError.write(Data("usage: evaluate-ensemble WEIGHTS.safetensors… [--csv FILE]\n".utf8))
    exit(2)
}
do {
    let test = try FashionMNIST.load(.test)
    for path in paths {
        let member = try Predictor(weights: [path])
        print(String(format: "%@: test accuracy %.4f", path, try member.evaluate(test).accuracy))
    }
    let ensemble = try Predictor(weights: paths, combination: .probabilities)
    print(String(format: "ensemble of %d: test accuracy %.4f (%@)", paths.count, try ensemble.evaluate(test).accuracy, ensemble.scoreKind))
    if let csv {
        let scores = ensemble.scores(test)
        try ensemble.writeCSV(scores: scores, names: (0..<test.count).map { "test[\($0)]" }, to: csv)
        print("wrote \(csv)")
    }
} catch {
    FileHandle.standardError.write(Data("error: \(error)\n".utf8))
    exit(1)
}
