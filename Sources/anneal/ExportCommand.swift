import Anneal
import ArgumentParser

struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export", abstract: "Saved weights as an ONNX model: raw images in, what `anneal predict` writes out (docs/export.md).",
        discussion: "Preprocessing, the preset's test-time augmentation (or --tta), an ensemble (several --weights) and a --head go into the graph.")

    @OptionGroup var saved: PredictorOptions
    @Option(help: "Output file (default: the weights file's name with .onnx).") var out: String?
    @Option(help: "ONNX operator set, \(ONNXExport.supportedOpsets.lowerBound)…\(ONNXExport.supportedOpsets.upperBound).") var opset = ONNXExport.defaultOpset
    @Flag(help: "Output probabilities (the scores' softmax).") var probabilities = false

    func run() throws {
        let predictor = try saved.predictor()
        let first = saved.weights.flatMap { $0.split(separator: ",") }.first.map(String.init) ?? "model"
        let path = out ?? (first.hasSuffix(".safetensors") ? String(first.dropLast(".safetensors".count)) : first) + ".onnx"
        let options = ONNXExport.Options(opset: opset, probabilities: probabilities)
        try ONNXExport.write(predictor, options: options, to: path)
        print("wrote \(path): images [batch, \(predictor.sampleShape.map(String.init).joined(separator: ", "))] in [0, 1] → \(ONNXExport.outputDescription(predictor, options: options)), opset \(opset)")
    }
}
