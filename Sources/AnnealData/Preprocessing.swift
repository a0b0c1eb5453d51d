import AnnealTensor
import Foundation

/// The input transform fitted on the training set and applied identically in
/// training, `anneal evaluate` and `anneal predict`. Pixels always arrive in
/// [0, 1] (after any augmentation); then, in order:
///
/// 1. mean/std normalization, over all values (one mean) or per channel;
/// 2. optionally a linear decorrelation fitted from the eigendecomposition of
///    the training covariance (LAPACK `ssyevd`): PCA projection onto the k
///    leading components, PCA whitening (projection scaled by 1/√(λ + ε)) or
///    ZCA whitening (PCA whitening rotated back into pixel space).
///
/// ZCA keeps the sample shape (still an image, fine for CNNs); PCA gives flat
/// `[N, k]` features, so an MLP's input width becomes k (`outputShape`).
///
/// Storage: the JSON form (weights file metadata) holds mean/std and the
/// whitening's description only. The whitening mean vector and matrix (784×784
/// for ZCA on Fashion-MNIST: ~10 MB as JSON text, 2.4 MB as float32) travel as
/// extra tensors in the safetensors file under reserved names (`tensors`,
/// `attach(tensors:)`), which also keeps them readable from Python. Files with
/// only mean/std (older ones) decode unchanged.
public struct Preprocessing: Codable, Sendable, Equatable {
    /// Per-channel (or one global) mean and standard deviation; empty = none.
    public var mean: [Float] = []
    /// The standard deviations matching `mean`, divided by after the mean is
    /// subtracted (`fit` stores 1 for a constant channel); empty = none.
    public var std: [Float] = []
    /// The fitted decorrelation, applied after normalization; nil = none.
    public var whitening: Whitening?

    /// A transform with the given statistics and whitening; the defaults apply nothing.
    public init(mean: [Float] = [], std: [Float] = [], whitening: Whitening? = nil) {
        self.mean = mean
        self.std = std
        self.whitening = whitening
    }

    /// No normalization and no whitening: pixels pass through in [0, 1].
    public static let none = Preprocessing()

    /// How `fit` normalizes.
    public enum Normalization: String, Sendable, CaseIterable, Codable {
        /// `none`: values unchanged; `global`: one mean and one standard deviation over all values.
        case none, global
        /// One mean and standard deviation per channel (axis 0 of the sample shape).
        case perChannel = "per-channel"
    }

    /// How `fit` whitens. `.none` with a component count is a plain PCA projection.
    public enum WhiteningMethod: String, Sendable, CaseIterable, Codable {
        /// `none`: no whitening (a plain projection when components are given); `pca`:
        /// PCA whitening onto the leading components; `zca`: ZCA whitening, all components.
        case none, pca, zca
    }

    /// A fitted linear map x ↦ (x − mean)·matrix on flattened, normalized samples.
    public struct Whitening: Codable, Sendable, Equatable {
        /// Which map `matrix` performs; the raw value is what the JSON form stores.
        public enum Kind: String, Codable, Sendable {
            /// Onto the leading eigenvectors, unscaled.
            case projection = "pca-projection"
            /// Onto the leading eigenvectors, each scaled to unit variance.
            case pca
            /// PCA whitening rotated back: U·diag(1/√(λ+ε))·Uᵀ.
            case zca
        }

        /// Which map `matrix` holds: plain projection, PCA or ZCA whitening.
        public var kind: Kind
        /// Floats per sample going in.
        public var inputSize: Int
        /// Floats per sample coming out (k).
        public var components: Int
        /// The ε added to every eigenvalue before scaling by 1/√(λ + ε); 0 for a plain projection.
        public var epsilon: Float
        /// Fraction of the training variance in the kept components.
        public var explainedVariance: Float
        /// Per-feature training mean `[inputSize]` (of the normalized data).
        public var mean: Tensor
        /// `[inputSize, components]`.
        public var matrix: Tensor

        /// A whitening from its fitted tensors, `mean` `[n]` and `matrix` `[n, k]`;
        /// `inputSize` and `components` come from `matrix`'s shape. Traps when the shapes do not fit.
        public init(kind: Kind, epsilon: Float, explainedVariance: Float, mean: Tensor, matrix: Tensor) {
            precondition(matrix.rank == 2 && mean.shape == [matrix.shape[0]],
                         "Preprocessing.Whitening: mean \(mean.shape) and matrix \(matrix.shape) do not fit")
            self.kind = kind
            inputSize = matrix.shape[0]
            components = matrix.shape[1]
            self.epsilon = epsilon
            self.explainedVariance = explainedVariance
            self.mean = mean
            self.matrix = matrix
        }

        enum CodingKeys: String, CodingKey { case kind, inputSize, components, epsilon, explainedVariance }

        /// The description only; `mean` and `matrix` come from `attach(tensors:)`.
        public init(from decoder: Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            kind = try container.decode(Kind.self, forKey: .kind)
            inputSize = try container.decode(Int.self, forKey: .inputSize)
            components = try container.decode(Int.self, forKey: .components)
            epsilon = try container.decode(Float.self, forKey: .epsilon)
            explainedVariance = try container.decode(Float.self, forKey: .explainedVariance)
            mean = Tensor([Float]())
            matrix = Tensor([Float]())
        }

        /// Encodes the description only (kind, sizes, ε, explained variance); `mean` and
        /// `matrix` are stored as tensors beside the weights (`Preprocessing.tensors`).
        public func encode(to encoder: Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(kind, forKey: .kind)
            try container.encode(inputSize, forKey: .inputSize)
            try container.encode(components, forKey: .components)
            try container.encode(epsilon, forKey: .epsilon)
            try container.encode(explainedVariance, forKey: .explainedVariance)
        }

        /// False after decoding JSON until the tensors are attached.
        public var hasTensors: Bool { matrix.shape == [inputSize, components] && mean.shape == [inputSize] }
    }

    enum CodingKeys: String, CodingKey { case mean, std, whitening }

    /// Decodes mean, std and the whitening's description (a missing key means none);
    /// whitening needs `attach(tensors:)` before `apply`.
    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        mean = try container.decodeIfPresent([Float].self, forKey: .mean) ?? []
        std = try container.decodeIfPresent([Float].self, forKey: .std) ?? []
        whitening = try container.decodeIfPresent(Whitening.self, forKey: .whitening)
    }

    /// Encodes `mean` and `std` (always, even when empty) and the whitening's
    /// description when there is one; its tensors go in `tensors`.
    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(mean, forKey: .mean)   // always: older readers require both keys
        try container.encode(std, forKey: .std)
        try container.encodeIfPresent(whitening, forKey: .whitening)
    }

    // MARK: Tensors stored beside the model's weights

    /// Names starting with this are preprocessing data, not model weights.
    public static let reservedTensorPrefix = "__preprocessing."
    static let whiteningMeanName = "__preprocessing.whitening.mean"
    static let whiteningMatrixName = "__preprocessing.whitening.matrix"

    /// The tensors to store beside the weights (empty without whitening).
    public var tensors: [String: Tensor] {
        guard let whitening else { return [:] }
        return [Self.whiteningMeanName: whitening.mean, Self.whiteningMatrixName: whitening.matrix]
    }

    /// Restores the whitening tensors after decoding the JSON description;
    /// throws when they are missing or do not match it.
    public mutating func attach(tensors: [String: Tensor]) throws {
        guard var whitening else { return }
        guard let mean = tensors[Self.whiteningMeanName], let matrix = tensors[Self.whiteningMatrixName] else {
            throw PreprocessingError("preprocessing has \(whitening.kind.rawValue) whitening but the file lacks the tensors \(Self.whiteningMeanName) and \(Self.whiteningMatrixName)")
        }
        guard mean.shape == [whitening.inputSize], matrix.shape == [whitening.inputSize, whitening.components] else {
            throw PreprocessingError("preprocessing whitening tensors have shapes \(mean.shape) and \(matrix.shape), expected [\(whitening.inputSize)] and [\(whitening.inputSize), \(whitening.components)]")
        }
        whitening.mean = mean
        whitening.matrix = matrix
        self.whitening = whitening
    }

    // MARK: Applying

    /// The shape of one sample after `apply`: the input shape, except PCA's `[k]`.
    public func outputShape(for sampleShape: [Int]) -> [Int] {
        guard let whitening, whitening.kind != .zca else { return sampleShape }
        return [whitening.components]
    }

    /// Applies the transform to a batch [N, …]: [N, C, …] in, the same shape out,
    /// or [N, k] for PCA.
    public func apply(_ batch: Tensor) -> Tensor {
        var x = batch
        if !mean.isEmpty {
            var shape = [Int](repeating: 1, count: batch.rank)
            if mean.count > 1 { shape[1] = mean.count }
            x = (x - Tensor(mean).reshape(shape)) / Tensor(std).reshape(shape)
        }
        guard let whitening else { return x }
        precondition(whitening.hasTensors, "Preprocessing.apply: whitening tensors were never attached (decoded JSON without the weights file's tensors)")
        let n = batch.shape.first ?? 0
        let width = n == 0 ? whitening.inputSize : batch.count / n
        precondition(width == whitening.inputSize,
                     "Preprocessing.apply: samples of \(width) values, whitening was fitted on \(whitening.inputSize)")
        let flat = x.reshape([n, width]) - whitening.mean.reshape([1, width])
        let out = flat.matmul(whitening.matrix)
        return whitening.kind == .zca ? out.reshape(batch.shape) : out
    }

    /// One line for logs: what is applied and, for PCA, the variance kept.
    public var summary: String {
        var parts: [String] = []
        if mean.count == 1 {
            parts.append(String(format: "normalize (mean %.4f, std %.4f)", mean[0], std[0]))
        } else if !mean.isEmpty {
            parts.append("normalize per channel (mean " + mean.map { String(format: "%.4f", $0) }.joined(separator: "/")
                         + ", std " + std.map { String(format: "%.4f", $0) }.joined(separator: "/") + ")")
        }
        if let w = whitening {
            let variance = String(format: "%.2f %% of the variance", 100 * w.explainedVariance)
            switch w.kind {
            case .projection: parts.append("PCA projection onto \(w.components) of \(w.inputSize) components (\(variance))")
            case .pca: parts.append("PCA whitening onto \(w.components) of \(w.inputSize) components, ε \(w.epsilon) (\(variance))")
            case .zca: parts.append("ZCA whitening, ε \(w.epsilon)")
            }
        }
        return parts.isEmpty ? "no preprocessing (pixels in [0, 1])" : parts.joined(separator: "; ")
    }

    // MARK: Fitting

    /// Fits the transform on a training set.
    ///
    /// - `normalize`: `.global` subtracts one mean and divides by one standard
    ///   deviation over all values; `.perChannel` does so per channel (axis 0 of
    ///   the sample shape). Population statistics, accumulated in Double.
    /// - `whiten` / `components`: `.pca` and `.zca` whiten with `epsilon` added to
    ///   the eigenvalues; `components` k keeps the k leading eigenvectors (PCA
    ///   only; with `.none` a plain, unscaled projection). ZCA keeps all.
    ///
    /// The statistics come from every sample while they fit in `fittingBudget`
    /// bytes, else from evenly spaced samples that do (a large streamed folder).
    ///
    /// Throws `PreprocessingError` for impossible settings, and when LAPACK fails.
    public static func fit(on dataset: any Dataset, normalize: Normalization = .none, whiten: WhiteningMethod = .none,
                           components: Int? = nil, epsilon: Float = 0.01) throws -> Preprocessing {
        guard normalize != .none || whiten != .none || components != nil else { return Preprocessing() }
        let samples = fittingSamples(dataset)
        let n = samples.shape[0], size = dataset.sampleSize
        guard n >= 2, size >= 1 else { throw PreprocessingError("preprocessing needs at least 2 non-empty training samples, got \(n)") }
        var result = Preprocessing()
        switch normalize {
        case .none: break
        case .global: (result.mean, result.std) = statistics(samples, groups: 1)
        case .perChannel:
            guard dataset.sampleShape.count >= 2 else {
                throw PreprocessingError("per-channel normalization needs samples [C, …], got shape \(dataset.sampleShape)")
            }
            (result.mean, result.std) = statistics(samples, groups: dataset.sampleShape[0])
        }
        guard whiten != .none || components != nil else { return result }
        let k = components ?? size
        guard k >= 1 && k <= size else { throw PreprocessingError("PCA components \(k) must lie in 1...\(size)") }
        guard whiten != .zca || k == size else {
            throw PreprocessingError("ZCA whitening keeps all \(size) components; whiten with pca to reduce to \(k)")
        }
        guard epsilon >= 0 && epsilon.isFinite else { throw PreprocessingError("whitening epsilon \(epsilon) must be ≥ 0") }

        // Covariance of the normalized training data (oneDNN GEMM), then its eigenvectors.
        let x = result.apply(samples).reshape([n, size])
        let featureMean = x.mean(axis: 0)
        let centered = x - featureMean.reshape([1, size])
        let covariance = centered.matmul(centered, transposeA: true) / Float(n - 1)
        let (ascending, vectors) = try SymmetricEigen.decompose(covariance)
        let eigenvalues = ascending.scalars.reversed().map { max(0, $0) }   // descending; clamp rounding below 0
        let u = vectors.scalars   // row-major [size, size], column j ↔ ascending value j
        let total = eigenvalues.reduce(0, +)
        let kept = eigenvalues.prefix(k).reduce(0, +)
        // Column c of the descending basis is column size−1−c of `vectors`.
        func basis(_ row: Int, _ c: Int) -> Float { u[row * size + (size - 1 - c)] }
        let scales = eigenvalues.map { whiten == .none ? Float(1) : 1 / ($0 + epsilon).squareRoot() }
        var matrix = [Float](repeating: 0, count: size * k)
        if whiten == .zca {
            // U·diag(s)·Uᵀ, symmetric.
            var scaled = [Float](repeating: 0, count: size * size)
            for row in 0..<size { for c in 0..<size { scaled[row * size + c] = basis(row, c) * scales[c] } }
            let scaledTensor = Tensor(scaled, shape: [size, size])
            var basisValues = [Float](repeating: 0, count: size * size)
            for row in 0..<size { for c in 0..<size { basisValues[row * size + c] = basis(row, c) } }
            matrix = scaledTensor.matmul(Tensor(basisValues, shape: [size, size]), transposeB: true).scalars
        } else {
            for row in 0..<size { for c in 0..<k { matrix[row * k + c] = basis(row, c) * scales[c] } }
        }
        let kind: Whitening.Kind = whiten == .zca ? .zca : whiten == .pca ? .pca : .projection
        result.whitening = Whitening(kind: kind, epsilon: whiten == .none ? 0 : epsilon,
                                     explainedVariance: total > 0 ? kept / total : 1,
                                     mean: featureMean, matrix: Tensor(matrix, shape: [size, k]))
        return result
    }

    /// Bytes of samples the statistics are fitted on at most (a whole CIFAR-10 fits).
    public static let fittingBudget = 1 << 30

    /// The samples to fit on: all of them (without a copy for an in-memory set)
    /// while they fit in `fittingBudget`, else evenly spaced ones that do.
    static func fittingSamples(_ dataset: any Dataset) -> Tensor {
        let limit = max(2, fittingBudget / max(1, 4 * dataset.sampleSize))
        if dataset.count <= limit, let memory = dataset as? TensorDataset { return memory.samples }
        guard dataset.count > limit else { return TensorDataset(copying: dataset).samples }
        let indices = (0..<limit).map { $0 * dataset.count / limit }
        return TensorDataset(copying: dataset.subset(indices)).samples
    }

    /// Population mean and standard deviation of `groups` equal contiguous parts
    /// of every sample (1: all values; C: channels), in Double.
    static func statistics(_ samples: Tensor, groups: Int) -> (mean: [Float], std: [Float]) {
        let n = samples.shape[0], size = samples.count / max(n, 1), part = size / groups
        var sums = [Double](repeating: 0, count: groups), squares = [Double](repeating: 0, count: groups)
        samples.withUnsafeBufferPointer { values in
            for sample in 0..<n {
                for g in 0..<groups {
                    let base = sample * size + g * part
                    var s: Double = 0
                    for i in base..<(base + part) { s += Double(values[i]) }
                    sums[g] += s
                }
            }
            let counts = Double(n * part)
            for sample in 0..<n {
                for g in 0..<groups {
                    let base = sample * size + g * part, m = sums[g] / counts
                    var s: Double = 0
                    for i in base..<(base + part) {
                        let d = Double(values[i]) - m
                        s += d * d
                    }
                    squares[g] += s
                }
            }
        }
        let counts = Double(n * part)
        let mean = sums.map { Float($0 / counts) }
        // A constant channel would divide by zero: leave its scale alone.
        let std = squares.map { v -> Float in
            let s = Float((v / counts).squareRoot())
            return s > 1e-12 ? s : 1
        }
        return (mean, std)
    }
}
