import AnnealData
import AnnealDistributed
import AnnealIO
import AnnealNN
import AnnealReports
import AnnealTensor
import AnnealTraining
import CLinear
import Foundation

/// A linear classifier fitted on fixed features by liblinear (the solver behind
/// scikit-learn's `LogisticRegression(solver="liblinear")` and `LinearSVC`): L2-
/// regularized logistic regression or squared-hinge SVM, one class against the rest,
/// with a bias feature of 1 (regularized like the weights, as scikit-learn's
/// `intercept_scaling=1`). The result is a `Linear` layer, so a frozen backbone
/// followed by it is an ordinary model.
public struct LinearHead {
    /// The objective liblinear minimizes.
    public enum Loss: String, CaseIterable, Codable, Sendable {
        /// L2-regularized logistic regression (liblinear's L2R_LR, primal).
        case logistic
        /// L2-regularized squared-hinge linear SVM (L2R_L2LOSS_SVC_DUAL, `LinearSVC`'s default).
        case svm
    }

    /// [classes, features], as a `Linear` layer's weight.
    public var weight: Tensor
    /// The bias of each class, [classes].
    public var bias: Tensor

    /// A head from its weight `[classes, features]` and bias `[classes]`; traps when the shapes do not form a layer.
    public init(weight: Tensor, bias: Tensor) {
        precondition(weight.rank == 2 && bias.shape == [weight.shape[0]], "LinearHead: weight \(weight.shape) and bias \(bias.shape) do not form a layer")
        self.weight = weight
        self.bias = bias
    }

    /// Classes the head scores (its output width).
    public var classes: Int { weight.shape[0] }
    /// Inputs of the head (the feature width it was fitted on).
    public var features: Int { weight.shape[1] }

    /// Fits `loss` with inverse regularization strength `C` on `features` [N, D] and
    /// `labels` in 0..<classes, until liblinear's stopping tolerance `tolerance`.
    /// With `standardize`, features are scaled to zero mean and unit variance for the
    /// solver and the scaling is folded back into the weights and bias.
    public static func fit(features: Tensor, labels: [Int], classes: Int? = nil, loss: Loss, C: Double = 1,
                           tolerance: Double = 1e-4, standardize: Bool = false) throws -> LinearHead {
        guard features.rank == 2 else { throw LinearHeadError("features must be a matrix [samples, features], got shape \(features.shape)") }
        let (n, d) = (features.shape[0], features.shape[1])
        guard labels.count == n else { throw LinearHeadError("\(n) feature rows but \(labels.count) labels") }
        guard n > 0, d > 0 else { throw LinearHeadError("no features to fit (shape \(features.shape))") }
        let k = classes ?? (labels.max()! + 1)
        if let bad = labels.first(where: { $0 < 0 || $0 >= k }) { throw LinearHeadError("label \(bad) is outside 0..<\(k)") }
        guard Set(labels).count >= 2 else { throw LinearHeadError("the labels hold a single class; a classifier needs two") }
        guard C > 0 && C.isFinite, tolerance > 0 && tolerance.isFinite else {
            throw LinearHeadError("C and the tolerance must be positive, got C \(C), tolerance \(tolerance)")
        }
        var x = features.scalars.map(Double.init)
        guard x.allSatisfy(\.isFinite) else { throw LinearHeadError("the features hold NaN or infinite values") }

        // Standardization: x' = (x − μ)/σ, so w'·x' + b' = (w'/σ)·x + (b' − Σ w'μ/σ).
        var mean = [Double](repeating: 0, count: d), scale = [Double](repeating: 1, count: d)
        if standardize {
            for i in 0..<n { for j in 0..<d { mean[j] += x[i * d + j] } }
            mean = mean.map { $0 / Double(n) }
            var variance = [Double](repeating: 0, count: d)
            for i in 0..<n { for j in 0..<d { let v = x[i * d + j] - mean[j]; variance[j] += v * v } }
            scale = variance.map { let s = ($0 / Double(n)).squareRoot(); return s > 1e-12 ? s : 1 }
            for i in 0..<n { for j in 0..<d { x[i * d + j] = (x[i * d + j] - mean[j]) / scale[j] } }
        }

        // liblinear's sparse rows: D features (1-based), the bias feature, a terminator.
        var nodes = [feature_node](repeating: feature_node(index: -1, value: 0), count: n * (d + 2))
        for i in 0..<n {
            for j in 0..<d { nodes[i * (d + 2) + j] = feature_node(index: Int32(j + 1), value: x[i * d + j]) }
            nodes[i * (d + 2) + d] = feature_node(index: Int32(d + 1), value: 1)
        }
        var y = labels.map(Double.init)
        let (w, b) = try nodes.withUnsafeMutableBufferPointer { nodes in
            try y.withUnsafeMutableBufferPointer { y in
                var rows = (0..<n).map { Optional(nodes.baseAddress! + $0 * (d + 2)) }
                return try rows.withUnsafeMutableBufferPointer { rows in
                    var problem = problem(l: Int32(n), n: Int32(d + 1), y: y.baseAddress, x: rows.baseAddress, bias: 1)
                    var parameter = CLinear.parameter(solver_type: Int32(loss == .logistic ? L2R_LR : L2R_L2LOSS_SVC_DUAL), eps: tolerance, C: C,
                                                      nr_weight: 0, weight_label: nil, weight: nil, p: 0.1, init_sol: nil)
                    if let message = check_parameter(&problem, &parameter) { throw LinearHeadError("liblinear: \(String(cString: message))") }
                    set_print_string_function { _ in }   // liblinear prints its iterations otherwise
                    var model = CLinear.train(&problem, &parameter)
                    guard let fitted = model else { throw LinearHeadError("liblinear did not return a model") }
                    defer { free_and_destroy_model(&model) }
                    return Self.weights(of: fitted, features: d, classes: k)
                }
            }
        }
        // Fold the standardization back in. A class without training samples has no
        // decision function: its bias keeps it from ever scoring highest.
        let present = Set(labels)
        var weight = [Float](repeating: 0, count: k * d), bias = (0..<k).map { present.contains($0) ? Float(0) : -1e9 }
        for c in present {
            var shift = b[c]
            for j in 0..<d {
                weight[c * d + j] = Float(w[c * d + j] / scale[j])
                shift -= w[c * d + j] * mean[j] / scale[j]
            }
            bias[c] = Float(shift)
        }
        return LinearHead(weight: Tensor(weight, shape: [k, d]), bias: Tensor(bias, shape: [k]))
    }

    /// liblinear's decision functions as rows by class label. With two classes it
    /// keeps one vector w (its first label against its second): the first label's row gets w and the other's zeros, so
    /// softmax gives logistic regression's probabilities and argmax its decision.
    private static func weights(of model: UnsafeMutablePointer<CLinear.model>, features d: Int, classes k: Int) -> (w: [Double], b: [Double]) {
        var w = [Double](repeating: 0, count: k * d), b = [Double](repeating: 0, count: k)
        let fitted = Int(get_nr_class(model))
        var labels = [Int32](repeating: 0, count: fitted)
        get_labels(model, &labels)
        for index in 0..<(fitted == 2 ? 1 : fitted) {
            let row = Int(labels[index])
            for j in 0..<d { w[row * d + j] = get_decfun_coef(model, Int32(j + 1), Int32(index)) }
            b[row] = get_decfun_bias(model, Int32(index))
        }
        return (w, b)
    }

    /// A `Linear` layer holding the head's weight and bias, to put on top of a backbone.
    public func makeLayer() -> Linear {
        let layer = Linear(features, classes)
        layer.weight.assign(weight)
        layer.bias!.assign(bias)
        return layer
    }
}

/// Features and labels that a linear head cannot be fitted on.
public struct LinearHeadError: Error, CustomStringConvertible {
    /// What is wrong, in one line.
    public let message: String
    /// An error that says `message`.
    public init(_ message: String) { self.message = message }
    /// The message, as printed by the command line.
    public var description: String { message }
}

extension LinearHead {
    static let layerKey = "anneal.head.layer"

    /// Writes the head as a safetensors file (`weight`, `bias`, as a `Linear` layer's
    /// state dict) that also names the backbone layer it reads (none: the penultimate).
    public func write(to path: String, layer: String?) throws {
        var file = SafeTensorsFile()
        file.tensors["weight"] = ShapedArray(shape: weight.shape, values: weight.scalars)
        file.tensors["bias"] = ShapedArray(shape: bias.shape, values: bias.scalars)
        if let layer { file.metadata[Self.layerKey] = layer }
        try file.write(to: path)
    }

    /// A head written by `write(to:layer:)` (or any file holding a `Linear`'s `weight` and `bias`).
    public static func read(_ path: String) throws -> (head: LinearHead, layer: String?) {
        let file = try SafeTensorsFile.read(path)
        guard let w = file.tensors["weight"], let b = file.tensors["bias"], w.shape.count == 2, b.shape == [w.shape[0]] else {
            throw AnnealIOError(path: path, "is not a linear head: it needs 'weight' [classes, features] and 'bias' [classes]; it holds "
                                + file.tensors.keys.sorted().joined(separator: ", "))
        }
        return (LinearHead(weight: Tensor(w.values, shape: w.shape), bias: Tensor(b.values, shape: b.shape)), file.metadata[layerKey])
    }
}

extension LinearHead {
    /// A head fitted on files: what `anneal fit-head` does.
    public struct Fitted {
        /// The fitted head.
        public let head: LinearHead
        /// Rows and width of the features.
        public let rows: Int, features: Int
        /// Accuracy of the head on the features it was fitted on.
        public let trainingAccuracy: Double
        /// Seconds of wall time the fit took (reading the files excluded).
        public let seconds: Double
    }

    /// Fits a head on the N×D features of an .npy file (`Features.extract`'s output)
    /// and the labels of an .npy or IDX label file, one per row; errors name the file.
    public static func fit(featuresFile: String, labelsFile: String, loss: Loss, C: Double = 1, tolerance: Double = 1e-4,
                           standardize: Bool = true) throws -> Fitted {
        let (shape, values) = try NPYFile.read(featuresFile)
        guard shape.count == 2 else { throw LinearHeadError("\(featuresFile): features must be a matrix [N, D], got shape \(shape)") }
        let labels = try LabelFile.read(labelsFile)
        guard labels.count == shape[0] else {
            throw LinearHeadError("\(labelsFile) holds \(labels.count) labels but \(featuresFile) holds \(shape[0]) feature rows")
        }
        let features = Tensor(values, shape: shape)
        let clock = ContinuousClock(), started = clock.now
        let head: LinearHead
        do { head = try fit(features: features, labels: labels, loss: loss, C: C, tolerance: tolerance, standardize: standardize) } catch {
            throw LinearHeadError("\(featuresFile): \(error)")
        }
        let seconds = (clock.now - started).seconds
        let predictions = withoutGrad { head.makeLayer()(features) }.argmax(axis: 1)
        let correct = zip(predictions, labels).filter { $0.0 == $0.1 }.count
        return Fitted(head: head, rows: shape[0], features: shape[1], trainingAccuracy: Double(correct) / Double(max(1, labels.count)),
                      seconds: seconds)
    }
}
