import AnnealTensor

/// A network building block. Subclasses override `forward`; parameters, buffers
/// and submodules are found by reflection on stored properties (`Parameter`,
/// `Buffer`, `Module`, arrays and optionals of them), and named by property path
/// in PyTorch's state-dict convention (`layers.0.weight`, `bn.running_mean`).
/// A property whose Swift name differs from PyTorch's can be renamed by
/// overriding `stateName(forProperty:)`.
open class Module {
    /// Training mode (dropout active, batch statistics); `eval()` switches it off.
    public private(set) var isTraining = true

    /// A module in training mode.
    public init() {}

    /// The module's computation from input to output; every subclass overrides it
    /// (the base one stops the program). Call the module (`module(x)`) rather than
    /// `forward` so that `forwardHook` runs.
    open func forward(_ input: Tensor) -> Tensor {
        fatalError("\(type(of: self)) must override forward(_:)")
    }

    /// Called with this module's input and output after every forward pass
    /// (PyTorch's forward hook): how features are read from inside a network.
    public var forwardHook: ((_ input: Tensor, _ output: Tensor) -> Void)?

    /// Called with the output of an activation fused into this layer's pass
    /// (`ReLUFusing.callWithReLU`), which no module of its own computes: how
    /// `LayerProbe` sees it. While set, the layer runs unfused.
    public var fusedActivationHook: ((_ output: Tensor) -> Void)?

    /// Runs `forward(input)`, then calls `forwardHook` with the input and output;
    /// returns the output.
    public func callAsFunction(_ input: Tensor) -> Tensor {
        let output = forward(input)
        forwardHook?(input, output)
        return output
    }

    /// The state-dict name of a stored property (default: the property name,
    /// snake_cased, e.g. `runningMean` → `running_mean`).
    open func stateName(forProperty name: String) -> String { Module.snakeCased(name) }

    // MARK: Structure

    /// Direct children in declaration order, with their local names.
    public var children: [(name: String, module: Module)] {
        members().compactMap { name, value in (value as? Module).map { (name, $0) } }
    }

    /// Every parameter below this module, by dotted name, in declaration order.
    public func namedParameters() -> [(name: String, parameter: Parameter)] {
        walk().compactMap { name, value in (value as? Parameter).map { (name, $0) } }
    }

    /// Every buffer below this module, by dotted name.
    public func namedBuffers() -> [(name: String, buffer: Buffer)] {
        walk().compactMap { name, value in (value as? Buffer).map { (name, $0) } }
    }

    /// Every module below (and including) this one, by dotted name ("" for self).
    public func namedModules() -> [(name: String, module: Module)] {
        [("", self)] + walk().compactMap { name, value in (value as? Module).map { (name, $0) } }
    }

    /// Every parameter below this module, frozen ones included, in declaration order.
    public var parameters: [Parameter] { namedParameters().map(\.parameter) }

    /// Parameters that optimizers update (not frozen).
    public var trainableParameters: [Parameter] { parameters.filter { !$0.isFrozen } }

    // MARK: Modes

    /// Training mode for this module and all below it.
    public func train(_ on: Bool = true) {
        for (_, module) in namedModules() { module.isTraining = on }
    }

    /// Evaluation mode for this module and all below it.
    public func eval() { train(false) }

    /// Runs `body` with this module and all below it in training mode (`training`)
    /// or evaluation mode, then puts every module's own mode back, however `body` ends.
    public func withMode<R>(training: Bool, _ body: () throws -> R) rethrows -> R {
        let modes = namedModules().map { ($0.module, $0.module.isTraining) }
        train(training)
        defer { for (module, was) in modes { module.isTraining = was } }
        return try body()
    }

    /// Switches only the `StochasticLayer`s below (and including) this module
    /// to training mode (or back), leaving every other module — batch norm in
    /// particular — as it is: `model.eval(); model.trainStochasticLayers()`
    /// gives Monte-Carlo dropout's random passes with running statistics.
    /// `including` narrows the choice (e.g. `{ $0 is Dropout }`). Returns how
    /// many layers were switched.
    @discardableResult
    public func trainStochasticLayers(_ on: Bool = true, including: (Module) -> Bool = { _ in true }) -> Int {
        var switched = 0
        for (_, module) in namedModules() where module is StochasticLayer && including(module) {
            module.isTraining = on
            switched += 1
        }
        return switched
    }

    /// Freezes (or unfreezes) every parameter whose name starts with `prefix`
    /// (a raw text prefix: "1" also matches "12.weight"; end it with "." for a module);
    /// returns how many matched.
    @discardableResult
    public func freeze(prefix: String = "", _ frozen: Bool = true) -> Int {
        let matching = namedParameters().filter { $0.name.hasPrefix(prefix) }
        for (_, parameter) in matching { parameter.freeze(frozen) }
        return matching.count
    }

    /// Clears the accumulated gradient of every parameter below this module.
    public func zeroGrad() { for p in parameters { p.zeroGrad() } }

    // MARK: Reflection

    /// Direct members with their state names: parameters, buffers and modules.
    private func members() -> [(String, AnyObject)] {
        var result: [(String, AnyObject)] = []
        var mirror: Mirror? = Mirror(reflecting: self)
        var levels: [Mirror] = []
        while let m = mirror {
            levels.append(m)
            mirror = m.superclassMirror
        }
        // Superclass properties first, as declared.
        for level in levels.reversed() {
            for child in level.children {
                guard var label = child.label else { continue }
                if label.hasPrefix("_") { label.removeFirst() }
                collect(child.value, name: stateName(forProperty: label), into: &result)
            }
        }
        return result
    }

    private func collect(_ value: Any, name: String, into result: inout [(String, AnyObject)]) {
        switch value {
        case let p as Parameter: result.append((name, p))
        case let b as Buffer: result.append((name, b))
        case let m as Module: result.append((name, m))
        // An empty state name puts list items directly under the parent ("0.weight", as nn.Sequential).
        case let list as [Module]: for (i, m) in list.enumerated() { result.append((name.isEmpty ? "\(i)" : "\(name).\(i)", m)) }
        case let list as [Parameter]: for (i, p) in list.enumerated() { result.append((name.isEmpty ? "\(i)" : "\(name).\(i)", p)) }
        default:
            let mirror = Mirror(reflecting: value)
            if mirror.displayStyle == .optional, let wrapped = mirror.children.first?.value {
                collect(wrapped, name: name, into: &result)
            }
        }
    }

    /// Depth-first members of the whole tree with dotted names.
    private func walk(prefix: String = "") -> [(String, AnyObject)] {
        var result: [(String, AnyObject)] = []
        for (name, value) in members() {
            let full = prefix.isEmpty ? name : "\(prefix).\(name)"
            result.append((full, value))
            if let module = value as? Module { result += module.walk(prefix: full) }
        }
        return result
    }

    static func snakeCased(_ name: String) -> String {
        var result = ""
        for character in name {
            if character.isUppercase {
                if !result.isEmpty { result.append("_") }
                result.append(contentsOf: character.lowercased())
            } else {
                result.append(character)
            }
        }
        return result
    }
}

/// A layer whose training mode does nothing but draw random masks or regions
/// (dropout, Dropout2d, DropConnect in Linear/Conv2d, stochastic depth,
/// fractional pooling): what `trainStochasticLayers()` switches on for
/// Monte-Carlo averaging at test time. Layers with other training-mode
/// behaviour (batch norm's batch statistics) must not conform.
public protocol StochasticLayer: Module {}
