import AnnealTensor

/// What transfer learning needs from a network: its head (the classifier that a new
/// task replaces), its layer groups from input to output (what `freeze(until:)` and
/// gradual unfreezing count in), and the features a named layer produces.
extension Module {
    /// The name of the classifier: the last `Linear` module (`fc` for the ResNets,
    /// the last index of a `Sequential`); nil for a network without one.
    public var headName: String? {
        namedModules().last { $0.module is Linear }?.name
    }

    /// Whether the parameter named `name` belongs to the head.
    public func isHeadParameter(_ name: String) -> Bool {
        guard let head = headName else { return false }
        return name.hasPrefix(head + ".")
    }

    /// The top-level children that hold parameters, input side first (for a
    /// `Sequential`, its layers; for a ResNet, conv1, bn1, layer1 … fc).
    public var layerGroups: [String] {
        let parameterNames = namedParameters().map(\.name)
        var groups: [String] = []
        for name in parameterNames {
            let group = String(name.split(separator: ".").first!)
            if groups.last != group { groups.append(group) }
        }
        return groups
    }

    /// Freezes every parameter of the layer groups before `layer` (the name of a
    /// top-level child), so that `layer` and everything after it train. Returns the
    /// number of parameters frozen; throws when no group is called `layer`.
    @discardableResult
    public func freeze(until layer: String) throws(LayerNotFound) -> Int {
        let groups = layerGroups
        guard let index = groups.firstIndex(of: layer) else { throw LayerNotFound(layer: layer, known: groups) }
        return groups[..<index].reduce(0) { $0 + freeze(prefix: $1 + ".") }
    }

    /// Runs `forward` on `input` and returns what the module named `layer` put out,
    /// or with `layer` nil the input of the head (the penultimate features).
    public func features(_ input: Tensor, at layer: String?) throws(LayerNotFound) -> Tensor {
        let modules = namedModules().filter { !$0.name.isEmpty }
        let name = layer ?? headName
        guard let name, let module = modules.first(where: { $0.name == name })?.module else {
            throw LayerNotFound(layer: layer ?? "(the head)", known: modules.map(\.name))
        }
        var captured: Tensor?
        let previous = module.forwardHook
        module.forwardHook = { input, output in captured = layer == nil ? input : output }
        defer { module.forwardHook = previous }
        _ = self(input)
        return captured!
    }
}

/// A layer name that the network does not have.
public struct LayerNotFound: Error, CustomStringConvertible {
    /// The name that was asked for.
    public let layer: String
    /// The names it does have.
    public let known: [String]

    /// A failed lookup of `layer` among the `known` names.
    public init(layer: String, known: [String]) {
        self.layer = layer
        self.known = known
    }

    /// The missing name and every name the model does have.
    public var description: String {
        "the model has no layer '\(layer)'; its layers: \(known.joined(separator: ", "))"
    }
}
