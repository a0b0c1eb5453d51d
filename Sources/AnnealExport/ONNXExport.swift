import AnnealData
import AnnealExperiments
import AnnealIO
import AnnealNN
import AnnealTensor
import AnnealTraining
import Foundation
import SwiftProtobuf

/// A predictor as one ONNX model that another runtime (ONNX Runtime, a C++
/// service, a browser) runs on the user's raw images: input `images`, float32
/// [batch, C, H, W] with pixels in [0, 1] at the training size; output `scores`,
/// [batch, classes], exactly what `Predictor.scores` (and `anneal predict`) give —
/// logits; the log of the mean probabilities under test-time flips or for an
/// ensemble of probabilities; the mean logits for an ensemble of logits — or, with
/// `probabilities`, their softmax. The fitted preprocessing (normalization, PCA or
/// ZCA whitening) is the graph's first nodes; class names and the Anneal version
/// are in the model's metadata.
public enum ONNXExport {
    /// The operator sets the exporter writes (ONNX Runtime reads them all).
    public static let supportedOpsets = 14...21
    /// The operator set written unless the options name another: 17.
    public static let defaultOpset = 17
    /// The producer version written into the model and its `anneal.version` metadata.
    public static let version = "Anneal 3"

    /// How to export: the operator set and what the output holds.
    public struct Options: Sendable {
        /// The ONNX operator set to write; must be in `supportedOpsets` (default 17).
        public var opset = ONNXExport.defaultOpset
        /// Softmax probabilities instead of scores.
        public var probabilities = false
        /// Options for `opset`, with scores as the output unless `probabilities`.
        public init(opset: Int = ONNXExport.defaultOpset, probabilities: Bool = false) {
            self.opset = opset
            self.probabilities = probabilities
        }
    }

    /// The serialized model.
    public static func data(_ predictor: Predictor, options: Options = Options()) throws -> Data {
        try model(predictor, options: options).serializedData()
    }

    /// Writes the model to `path` atomically (nothing is left behind on an error).
    public static func write(_ predictor: Predictor, options: Options = Options(), to path: String) throws {
        let bytes = try data(predictor, options: options)
        try AtomicFile.write(Array(bytes), to: path)
    }

    /// What the scores mean, for the model's doc string.
    public static func outputDescription(_ predictor: Predictor, options: Options) -> String {
        options.probabilities ? "probabilities (softmax of the \(predictor.scoreKind))" : predictor.scoreKind
    }

    static func model(_ predictor: Predictor, options: Options) throws -> Onnx_ModelProto {
        guard supportedOpsets.contains(options.opset) else {
            throw ONNXExportError("opset \(options.opset) is not supported; the exporter writes opsets \(supportedOpsets.lowerBound)...\(supportedOpsets.upperBound)")
        }
        guard predictor.monteCarloPasses == nil else { throw ONNXExportError("Monte-Carlo dropout averages random passes; it has no ONNX form") }
        let graph = ONNXGraph()
        let sampleShape = predictor.sampleShape
        guard sampleShape.count == 3 else { throw ONNXExportError("the model takes \(sampleShape) samples; the exporter writes image models [C, H, W]") }
        // The test-time views go through the network as one batch: [x; mirror(x)], split after.
        let views = predictor.testTimeAugmentation == .flip ? 2 : 1
        var input = "images"
        if views == 2 {
            let reversed = graph.constant(int64: Array((0..<sampleShape[2]).reversed()), name: "flip.indices")
            let mirror = graph.add("Gather", [input, reversed], name: "flip", attributes: [ONNXGraph.attribute("axis", int: 3)])
            input = graph.add("Concat", [input, mirror], name: "views", attributes: [ONNXGraph.attribute("axis", int: 0)])
        }
        var scores = try network(predictor, input, graph: graph, opset: options.opset)
        if views == 2 {
            var split = [ONNXGraph.attribute("axis", int: 0)]
            if options.opset >= 18 { split.append(ONNXGraph.attribute("num_outputs", int: 2)) }
            let halves = graph.splitInTwo(scores, name: "views.split", attributes: split)
            let probabilities = halves.map { graph.add("Softmax", [$0], name: $0 + ".softmax", attributes: [ONNXGraph.attribute("axis", int: 1)]) }
            let mean = graph.add("Mul", [graph.add("Add", probabilities, name: "views.sum"), graph.constant(Tensor([0.5], shape: []), name: "half")],
                                 name: "views.mean")
            scores = logClamped(mean, graph: graph, name: "views")
        }
        if options.probabilities { scores = graph.add("Softmax", [scores], name: "probabilities", attributes: [ONNXGraph.attribute("axis", int: 1)]) }
        scores = graph.add("Identity", [scores], name: "scores")

        var proto = Onnx_GraphProto()
        proto.name = "anneal"
        proto.node = graph.nodes
        proto.initializer = graph.initializers
        let classes = predictor.model is HeadOnFeatures ? nil : predictor.members[0].classes
        proto.input = [ONNXGraph.valueInfo("images", shape: sampleShape,
                                           doc: "float32 [batch, \(sampleShape.map(String.init).joined(separator: ", "))]: raw pixels in [0, 1], NCHW")]
        var output = ONNXGraph.valueInfo("scores", shape: [], doc: outputDescription(predictor, options: options))
        output.type.tensorType.shape.dim.append(classes.map { c in var d = Onnx_TensorShapeProto.Dimension(); d.dimValue = Int64(c); return d }
                                                ?? { var d = Onnx_TensorShapeProto.Dimension(); d.dimParam = "classes"; return d }())
        proto.output = [output]

        var model = Onnx_ModelProto()
        model.irVersion = irVersion(forOpset: options.opset)
        var opset = Onnx_OperatorSetIdProto()
        opset.domain = ""
        opset.version = Int64(options.opset)
        model.opsetImport = [opset]
        model.producerName = "Anneal"
        model.producerVersion = version
        model.graph = proto
        model.docString = "Input images: float32 [batch, \(sampleShape.map(String.init).joined(separator: ", "))], raw pixels in [0, 1] (NCHW). "
            + "Output scores: [batch, classes], \(outputDescription(predictor, options: options)). "
            + "Preprocessing, test-time augmentation (\(predictor.testTimeAugmentation.rawValue)) and the ensemble are inside the graph."
        var entries: [(String, String)] = [("anneal.version", version), ("anneal.output", outputDescription(predictor, options: options)),
                                           ("anneal.test_time_augmentation", predictor.testTimeAugmentation.rawValue),
                                           ("anneal.models", predictor.members.map(\.name.rawValue).joined(separator: ","))]
        if let names = predictor.classNames, let json = try? JSONEncoder().encode(names) {
            entries.append(("anneal.class_names", String(decoding: json, as: UTF8.self)))
        }
        model.metadataProps = entries.map { key, value in
            var entry = Onnx_StringStringEntryProto()
            entry.key = key
            entry.value = value
            return entry
        }
        return model
    }

    /// The network on a batch of raw images: preprocessing and model, an ensemble's
    /// members each with its own, or a backbone with a linear head.
    static func network(_ predictor: Predictor, _ input: String, graph: ONNXGraph, opset: Int) throws -> String {
        if let ensemble = predictor.model as? Ensemble {
            let outputs = try ensemble.members.enumerated().map { i, member -> String in
                guard let member = member as? Preprocessed else { throw ONNXExportError("ensemble member \(i + 1) has no preprocessing wrapper") }
                let x = preprocess(member.preprocessing, input, sampleShape: predictor.sampleShape, graph: graph, name: "member\(i + 1).preprocessing")
                var lowering = ONNXLowering(graph: graph, opset: opset, model: member.model,
                                            sampleShape: member.preprocessing.outputShape(for: predictor.sampleShape))
                return try lowering.lower(member.model, x, name: "member\(i + 1)")
            }
            switch ensemble.combination {
            case .logits:
                return graph.add("Mean", outputs, name: "ensemble")
            case .probabilities:
                let probabilities = outputs.map { graph.add("Softmax", [$0], name: $0 + ".softmax", attributes: [ONNXGraph.attribute("axis", int: 1)]) }
                return logClamped(graph.add("Mean", probabilities, name: "ensemble.mean"), graph: graph, name: "ensemble")
            case .vote:
                throw ONNXExportError("a majority vote has no gradient-free ONNX form here; export with --combine probs or logits")
            }
        }
        let x = preprocess(predictor.preprocessing, input, sampleShape: predictor.sampleShape, graph: graph, name: "preprocessing")
        let inner = predictor.preprocessing.outputShape(for: predictor.sampleShape)
        if let head = predictor.model as? HeadOnFeatures {
            var lowering = ONNXLowering(graph: graph, opset: opset, model: head.backbone, sampleShape: inner)
            _ = try lowering.lower(head.backbone, x, name: "backbone")
            let layerName = head.layer ?? head.backbone.headName
            guard let layerName, let module = head.backbone.namedModules().first(where: { $0.name == layerName })?.module,
                  let values = lowering.values[ObjectIdentifier(module)] else {
                throw ONNXExportError("the head's layer \(head.layer ?? "(the backbone's head)") is not a layer the exporter reached")
            }
            let features = graph.add("Flatten", [head.layer == nil ? values.input : values.output], name: "features",
                                     attributes: [ONNXGraph.attribute("axis", int: 1)])
            var headLowering = ONNXLowering(graph: graph, opset: opset, model: head.head, sampleShape: [head.head.inFeatures])
            return try headLowering.lower(head.head, features, name: "head")
        }
        var lowering = ONNXLowering(graph: graph, opset: opset, model: predictor.model, sampleShape: inner)
        return try lowering.lower(predictor.model, x, name: "")
    }

    /// The fitted normalization, then whitening, as nodes (as `Preprocessing.apply`).
    static func preprocess(_ p: Preprocessing, _ x: String, sampleShape: [Int], graph: ONNXGraph, name: String) -> String {
        var value = x
        if !p.mean.isEmpty {
            let shape = p.mean.count > 1 ? [p.mean.count, 1, 1] : []
            value = graph.add("Sub", [value, graph.constant(Tensor(p.mean, shape: shape), name: name + ".mean")], name: name + ".centered")
            value = graph.add("Div", [value, graph.constant(Tensor(p.std, shape: shape), name: name + ".std")], name: name + ".normalized")
        }
        guard let whitening = p.whitening else { return value }
        let flat = graph.add("Flatten", [value], name: name + ".flat", attributes: [ONNXGraph.attribute("axis", int: 1)])
        let centered = graph.add("Sub", [flat, graph.constant(whitening.mean.reshape([1, whitening.inputSize]), name: name + ".whitening_mean")],
                                 name: name + ".whitening_centered")
        let out = graph.add("MatMul", [centered, graph.constant(whitening.matrix, name: name + ".whitening_matrix")], name: name + ".whitened")
        guard whitening.kind == .zca else { return out }
        return graph.add("Reshape", [out, graph.constant(int64: [-1] + sampleShape, name: name + ".shape")],
                         name: name + ".zca")
    }

    /// log(max(p, smallest normal float)): `MonteCarloPrediction.logClamped`.
    static func logClamped(_ p: String, graph: ONNXGraph, name: String) -> String {
        let floor = graph.constant(Tensor([Float.leastNormalMagnitude], shape: []), name: name + ".floor")
        return graph.add("Log", [graph.add("Max", [p, floor], name: name + ".clamped")], name: name + ".log")
    }

    /// ONNX's IR version for an operator set (onnx.helper's table).
    static func irVersion(forOpset opset: Int) -> Int64 {
        switch opset {
        case ...14: 7
        case 15...18: 8
        case 19, 20: 9
        default: 10
        }
    }
}
