import AnnealTensor
import Foundation
import SwiftProtobuf

/// An ONNX graph under construction: nodes in order, weights as initializers, and
/// a fresh name for every value. The exporter's one way to emit ONNX.
final class ONNXGraph {
    private(set) var nodes: [Onnx_NodeProto] = []
    private(set) var initializers: [Onnx_TensorProto] = []
    private var used: [String: Int] = [:]

    /// A name not used before, from `base`.
    func name(_ base: String) -> String {
        let clean = base.isEmpty ? "value" : base
        let count = used[clean, default: 0]
        used[clean] = count + 1
        return count == 0 ? clean : "\(clean)_\(count)"
    }

    /// Adds `op` on `inputs` and returns its (first) output's name.
    @discardableResult
    func add(_ op: String, _ inputs: [String], name base: String, attributes: [Onnx_AttributeProto] = []) -> String {
        let output = name(base)
        var node = Onnx_NodeProto()
        node.opType = op
        node.name = output
        node.input = inputs
        node.output = [output]
        node.attribute = attributes
        nodes.append(node)
        return output
    }

    /// Splits `input` into two equal halves along the split attribute's axis.
    func splitInTwo(_ input: String, name base: String, attributes: [Onnx_AttributeProto]) -> [String] {
        let outputs = [name(base + ".first"), name(base + ".second")]
        var node = Onnx_NodeProto()
        node.opType = "Split"
        node.name = name(base)
        node.input = [input]
        node.output = outputs
        node.attribute = attributes
        nodes.append(node)
        return outputs
    }

    /// A float32 constant (weights, statistics) and its name.
    func constant(_ tensor: Tensor, name base: String) -> String {
        var proto = Onnx_TensorProto()
        proto.name = name(base)
        proto.dims = tensor.shape.map(Int64.init)
        proto.dataType = Int32(Onnx_TensorProto.DataType.float.rawValue)
        proto.rawData = tensor.withUnsafeBufferPointer { Data(buffer: $0) }
        initializers.append(proto)
        return proto.name
    }

    /// An int64 constant (shapes, axes, indices) and its name.
    func constant(int64 values: [Int], shape: [Int]? = nil, name base: String) -> String {
        var proto = Onnx_TensorProto()
        proto.name = name(base)
        proto.dims = (shape ?? [values.count]).map(Int64.init)
        proto.dataType = Int32(Onnx_TensorProto.DataType.int64.rawValue)
        proto.int64Data = values.map(Int64.init)
        initializers.append(proto)
        return proto.name
    }

    static func attribute(_ name: String, int value: Int) -> Onnx_AttributeProto {
        var a = Onnx_AttributeProto()
        a.name = name
        a.type = .int
        a.i = Int64(value)
        return a
    }

    static func attribute(_ name: String, ints values: [Int]) -> Onnx_AttributeProto {
        var a = Onnx_AttributeProto()
        a.name = name
        a.type = .ints
        a.ints = values.map(Int64.init)
        return a
    }

    static func attribute(_ name: String, float value: Float) -> Onnx_AttributeProto {
        var a = Onnx_AttributeProto()
        a.name = name
        a.type = .float
        a.f = value
        return a
    }

    /// A float32 tensor value with a dynamic batch axis and fixed other axes.
    static func valueInfo(_ name: String, shape: [Int], doc: String) -> Onnx_ValueInfoProto {
        var tensorType = Onnx_TypeProto.Tensor()
        tensorType.elemType = Int32(Onnx_TensorProto.DataType.float.rawValue)
        var batch = Onnx_TensorShapeProto.Dimension()
        batch.dimParam = "batch"
        tensorType.shape.dim = [batch] + shape.map { size in
            var d = Onnx_TensorShapeProto.Dimension()
            d.dimValue = Int64(size)
            return d
        }
        var info = Onnx_ValueInfoProto()
        info.name = name
        info.type.tensorType = tensorType
        info.docString = doc
        return info
    }
}
