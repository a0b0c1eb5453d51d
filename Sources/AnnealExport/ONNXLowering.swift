import AnnealNN
import AnnealTensor

/// A model the exporter cannot write: one line naming the layer or setting.
public struct ONNXExportError: Error, CustomStringConvertible {
    /// The message: what cannot be exported, naming the layer or setting.
    public let description: String
    /// An error whose message is `description`.
    public init(_ description: String) { self.description = description }
}

/// A network in evaluation mode as ONNX nodes, layer by layer, each as Anneal
/// computes it in evaluation mode (dropout and DropConnect leave the graph;
/// batch norm uses its running statistics and stays a `BatchNormalization` node,
/// which runtimes fold into the convolution themselves).
struct ONNXLowering {
    let graph: ONNXGraph
    let opset: Int
    /// Each module's input and output shape without the batch axis, from one pass.
    let shapes: [ObjectIdentifier: (input: [Int], output: [Int])]
    /// The values entering and leaving every module lowered (a head reads them).
    private(set) var values: [ObjectIdentifier: (input: String, output: String)] = [:]

    init(graph: ONNXGraph, opset: Int, model: Module, sampleShape: [Int]) {
        self.graph = graph
        self.opset = opset
        shapes = Self.shapes(of: model, sampleShape: sampleShape)
    }

    /// The shapes every module sees, from one evaluation-mode pass over a zero batch.
    static func shapes(of model: Module, sampleShape: [Int]) -> [ObjectIdentifier: (input: [Int], output: [Int])] {
        var shapes: [ObjectIdentifier: (input: [Int], output: [Int])] = [:]
        let modules = model.namedModules().map(\.module)
        let hooks = modules.map(\.forwardHook)
        for module in modules {
            let id = ObjectIdentifier(module)
            module.forwardHook = { input, output in shapes[id] = (Array(input.shape.dropFirst()), Array(output.shape.dropFirst())) }
        }
        defer { for (module, hook) in zip(modules, hooks) { module.forwardHook = hook } }
        model.withMode(training: false) { withoutGrad { _ = model(Tensor.zeros([1] + sampleShape)) } }
        return shapes
    }

    mutating func lower(_ module: Module, _ x: String, name: String) throws -> String {
        let output = try lowerModule(module, x, name: name)
        values[ObjectIdentifier(module)] = (x, output)
        return output
    }

    private mutating func lowerModule(_ module: Module, _ x: String, name: String) throws -> String {
        let base = name.isEmpty ? "model" : name
        switch module {
        case let sequential as Sequential:
            var value = x
            for (i, layer) in sequential.layers.enumerated() { value = try lower(layer, value, name: join(name, "\(i)")) }
            return value
        case let resnet as ResNet:
            var value = relu(try lower(resnet.bn1, try lower(resnet.conv1, x, name: join(name, "conv1")), name: join(name, "bn1")))
            for (stage, layer) in [("layer1", resnet.layer1), ("layer2", resnet.layer2), ("layer3", resnet.layer3)] {
                value = try lower(layer, value, name: join(name, stage))
            }
            let pooled = graph.add("GlobalAveragePool", [value], name: join(name, "pool"))
            let flat = graph.add("Flatten", [pooled], name: join(name, "flatten"), attributes: [ONNXGraph.attribute("axis", int: 1)])
            return try lower(resnet.fc, flat, name: join(name, "fc"))
        case let block as BasicBlock:
            let hidden = relu(try lower(block.bn1, try lower(block.conv1, x, name: join(name, "conv1")), name: join(name, "bn1")))
            let branch = try lower(block.bn2, try lower(block.conv2, hidden, name: join(name, "conv2")), name: join(name, "bn2"))
            let shortcut = try block.shortcut.map { try lower($0, x, name: join(name, "shortcut")) } ?? x
            return relu(graph.add("Add", [shortcut, branch], name: join(name, "add")))
        case let conv as Conv2d:
            let kernel = [conv.weight.shape[2], conv.weight.shape[3]]
            let inputs = [x, graph.constant(conv.weight.value, name: join(base, "weight"))]
                + (conv.bias.map { [graph.constant($0.value, name: join(base, "bias"))] } ?? [])
            return graph.add("Conv", inputs, name: base, attributes: [
                ONNXGraph.attribute("kernel_shape", ints: kernel), ONNXGraph.attribute("strides", ints: [conv.stride.0, conv.stride.1]),
                ONNXGraph.attribute("pads", ints: [conv.padding.0, conv.padding.1, conv.padding.0, conv.padding.1]),
                ONNXGraph.attribute("dilations", ints: [conv.dilation.0, conv.dilation.1]), ONNXGraph.attribute("group", int: conv.groups),
            ])
        case let linear as Linear:
            guard shape(of: module).input.count == 1 else {
                throw ONNXExportError("\(base): a Linear layer on \(shape(of: module).input.count + 1)-D inputs is not exported (only [N, features])")
            }
            let bias = linear.bias?.value ?? Tensor.zeros([linear.outFeatures])
            return graph.add("Gemm", [x, graph.constant(linear.weight.value, name: join(base, "weight")), graph.constant(bias, name: join(base, "bias"))],
                             name: base, attributes: [ONNXGraph.attribute("transB", int: 1)])
        case let norm as BatchNorm:
            return graph.add("BatchNormalization", [x, graph.constant(norm.weight.value, name: join(base, "weight")),
                                                    graph.constant(norm.bias.value, name: join(base, "bias")),
                                                    graph.constant(norm.runningMean.value, name: join(base, "running_mean")),
                                                    graph.constant(norm.runningVar.value, name: join(base, "running_var"))],
                             name: base, attributes: [ONNXGraph.attribute("epsilon", float: norm.epsilon)])
        case let pool as MaxPool2d:
            return graph.add("MaxPool", [x], name: base, attributes: [
                ONNXGraph.attribute("kernel_shape", ints: [pool.kernelSize.0, pool.kernelSize.1]),
                ONNXGraph.attribute("strides", ints: [pool.stride.0, pool.stride.1]),
                ONNXGraph.attribute("pads", ints: [pool.padding.0, pool.padding.1, pool.padding.0, pool.padding.1]),
            ])
        case let pool as FractionalMaxPool2d:
            return try fractionalMaxPool(pool, x, name: base)
        case let flatten as Flatten:
            return graph.add("Flatten", [x], name: base, attributes: [ONNXGraph.attribute("axis", int: flatten.startAxis)])
        case is DropoutLayer, is Identity:
            return x
        case is ReLU: return graph.add("Relu", [x], name: base)
        case is Sigmoid: return graph.add("Sigmoid", [x], name: base)
        case is Tanh: return graph.add("Tanh", [x], name: base)
        case is Softplus: return graph.add("Softplus", [x], name: base)
        case let leaky as LeakyReLU:
            return graph.add("LeakyRelu", [x], name: base, attributes: [ONNXGraph.attribute("alpha", float: leaky.slope)])
        case let elu as ELU:
            return graph.add("Elu", [x], name: base, attributes: [ONNXGraph.attribute("alpha", float: elu.alpha)])
        case is SELU:
            return graph.add("Selu", [x], name: base, attributes: [ONNXGraph.attribute("alpha", float: SELUConstants.alpha),
                                                                    ONNXGraph.attribute("gamma", float: SELUConstants.lambda)])
        case is SiLU:
            return graph.add("Mul", [x, graph.add("Sigmoid", [x], name: join(base, "sigmoid"))], name: base)
        case is GELU:
            if opset >= 20 { return graph.add("Gelu", [x], name: base) }
            // 0.5·x·(1 + erf(x/√2)), as Anneal computes it.
            let scaled = graph.add("Mul", [x, scalar(0.707_106_781, base + ".rsqrt2")], name: join(base, "scaled"))
            let erf = graph.add("Erf", [scaled], name: join(base, "erf"))
            let onePlus = graph.add("Add", [erf, scalar(1, base + ".one")], name: join(base, "one_plus"))
            return graph.add("Mul", [graph.add("Mul", [x, scalar(0.5, base + ".half")], name: join(base, "half_x")), onePlus], name: base)
        case let prelu as PReLU:
            let rank = shape(of: module).input.count
            let channels = prelu.weight.shape[0]
            let slope = channels > 1 && rank > 1 ? prelu.weight.value.reshape([channels] + Array(repeating: 1, count: rank - 1)) : prelu.weight.value
            return graph.add("PRelu", [x, graph.constant(slope, name: join(base, "weight"))], name: base)
        default:
            throw ONNXExportError("\(base): the exporter does not know \(type(of: module)) layers; nothing was written")
        }
    }

    private func relu(_ x: String) -> String { graph.add("Relu", [x], name: x + ".relu") }

    private func scalar(_ value: Float, _ name: String) -> String { graph.constant(Tensor([value], shape: []), name: name) }

    private func shape(of module: Module) -> (input: [Int], output: [Int]) { shapes[ObjectIdentifier(module)] ?? ([], []) }

    private func join(_ a: String, _ b: String) -> String { a.isEmpty ? b : "\(a).\(b)" }

    /// Evaluation mode's fixed regions: the maximum over each band of rows, then
    /// over each band of columns (regions overlap by one when `overlapping`).
    private func fractionalMaxPool(_ pool: FractionalMaxPool2d, _ x: String, name: String) throws -> String {
        let input = shape(of: pool).input
        guard input.count == 3 else { throw ONNXExportError("\(name): fractional max pooling of \(input) is not exported") }
        let (height, width) = (input[1], input[2])
        let (rows, columns) = pool.evaluationRegions(height: height, width: width)
        let extra = pool.overlapping ? 1 : 0
        func bands(_ value: String, _ bounds: [Int], axis: Int, size: Int, label: String) -> String {
            let parts = (0..<(bounds.count - 1)).map { i -> String in
                let (start, end) = (bounds[i], min(bounds[i + 1] + extra, size))
                let slice = graph.add("Slice", [value, graph.constant(int64: [start], name: "\(name).\(label)\(i).start"),
                                                graph.constant(int64: [end], name: "\(name).\(label)\(i).end"),
                                                graph.constant(int64: [axis], name: "\(name).\(label)\(i).axis")], name: "\(name).\(label)\(i)")
                // From opset 18 the axes are an input, before an attribute.
                return opset >= 18
                    ? graph.add("ReduceMax", [slice, graph.constant(int64: [axis], name: "\(name).\(label)\(i).axes")], name: "\(name).\(label)\(i).max",
                                attributes: [ONNXGraph.attribute("keepdims", int: 1)])
                    : graph.add("ReduceMax", [slice], name: "\(name).\(label)\(i).max",
                                attributes: [ONNXGraph.attribute("axes", ints: [axis]), ONNXGraph.attribute("keepdims", int: 1)])
            }
            return graph.add("Concat", parts, name: "\(name).\(label)", attributes: [ONNXGraph.attribute("axis", int: axis)])
        }
        return bands(bands(x, rows, axis: 2, size: height, label: "rows"), columns, axis: 3, size: width, label: "columns")
    }
}
