import AnnealTensor

/// How per-example losses combine.
public enum Reduction: Sendable {
    /// `mean`: the average over the examples (over every element for the elementwise
    /// losses); `sum`: their total; `none`: the unreduced losses.
    case mean, sum, none

    func apply(_ losses: Tensor) -> Tensor {
        switch self {
        case .mean: losses.mean()
        case .sum: losses.sum()
        case .none: losses
        }
    }
}

/// Softmax cross-entropy of logits [N, C] against integer labels, with optional
/// label smoothing ε (targets (1−ε)·onehot + ε/C, as PyTorch).
public func crossEntropy(_ logits: Tensor, labels: [Int], labelSmoothing: Float = 0, reduction: Reduction = .mean) -> Tensor {
    checkLogits(logits, labels.count, "crossEntropy")
    let logProbabilities = logits.logSoftmax(axis: 1)
    var losses = -logProbabilities.gather(axis: 1, indices: labels, indexShape: [labels.count, 1]).reshape([labels.count])
    if labelSmoothing > 0 {
        losses = (1 - labelSmoothing) * losses - labelSmoothing * logProbabilities.mean(axis: 1)
    }
    return reduction.apply(losses)
}

/// Cross-entropy with a weight per class (`torch.nn.CrossEntropyLoss(weight:)`): each
/// sample's loss (label smoothing included) times its class's weight; `.mean` divides
/// by the sum of the batch's weights. For imbalanced classes: `balancedClassWeights`.
public func crossEntropy(_ logits: Tensor, labels: [Int], classWeights: [Float], labelSmoothing: Float = 0,
                         reduction: Reduction = .mean) -> Tensor {
    precondition(classWeights.count == logits.shape[1], "crossEntropy: \(classWeights.count) class weights for \(logits.shape[1]) classes")
    let weights = labels.map { classWeights[$0] }
    let weighted = crossEntropy(logits, labels: labels, labelSmoothing: labelSmoothing, reduction: .none) * Tensor(weights)
    switch reduction {
    case .mean: return weighted.sum() / weights.reduce(0, +)
    case .sum: return weighted.sum()
    case .none: return weighted
    }
}

/// Cross-entropy against probability targets [N, C] with a weight per class:
/// −Σ_c w_c·t_c·log p_c per sample; `.mean` divides by N (as PyTorch for soft targets).
public func crossEntropy(_ logits: Tensor, targets: Tensor, classWeights: [Float], reduction: Reduction = .mean) -> Tensor {
    precondition(classWeights.count == logits.shape[1], "crossEntropy: \(classWeights.count) class weights for \(logits.shape[1]) classes")
    return crossEntropy(logits, targets: targets * Tensor(classWeights, shape: [1, classWeights.count]), reduction: reduction)
}

/// Weights inversely proportional to class frequency, n / (k · n_c) over the k classes
/// present (scikit-learn's "balanced"): every class weighs as much in the loss as if
/// the classes were equally frequent. A class without samples gets weight 0.
public func balancedClassWeights(counts: [Int]) -> [Float] {
    let total = counts.reduce(0, +), present = counts.filter { $0 > 0 }.count
    return counts.map { $0 > 0 ? Float(Double(total) / (Double(present) * Double($0))) : 0 }
}

/// Softmax cross-entropy against probability targets [N, C] (Mixup, CutMix, distillation).
public func crossEntropy(_ logits: Tensor, targets: Tensor, reduction: Reduction = .mean) -> Tensor {
    precondition(logits.shape == targets.shape, "crossEntropy: logits \(logits.shape) and targets \(targets.shape) differ")
    return reduction.apply(-(targets * logits.logSoftmax(axis: 1)).sum(axis: 1))
}

/// Negative log-likelihood of log-probabilities [N, C] at the labels.
public func nllLoss(_ logProbabilities: Tensor, labels: [Int], reduction: Reduction = .mean) -> Tensor {
    checkLogits(logProbabilities, labels.count, "nllLoss")
    return reduction.apply(-logProbabilities.gather(axis: 1, indices: labels, indexShape: [labels.count, 1]).reshape([labels.count]))
}

/// Multiclass SVM (CS231n) loss: Σ_{j≠y} max(0, s_j − s_y + margin) per example.
public func multiclassHingeLoss(_ scores: Tensor, labels: [Int], margin: Float = 1, reduction: Reduction = .mean) -> Tensor {
    checkLogits(scores, labels.count, "multiclassHingeLoss")
    let correct = scores.gather(axis: 1, indices: labels, indexShape: [labels.count, 1])
    // The j = y term is exactly max(0, margin) = margin; remove it.
    return reduction.apply(relu(scores - correct + margin).sum(axis: 1) - margin)
}

/// Mean squared error.
public func mseLoss(_ predictions: Tensor, _ targets: Tensor, reduction: Reduction = .mean) -> Tensor {
    let difference = predictions - targets
    return reduction.apply(difference * difference)
}

/// Binary cross-entropy on logits, stable for large |x|: max(x,0) − x·t + log(1 + e^−|x|).
public func binaryCrossEntropyWithLogits(_ logits: Tensor, _ targets: Tensor, reduction: Reduction = .mean) -> Tensor {
    reduction.apply(relu(logits) - logits * targets + softplus(-abs(logits)))
}

private func checkLogits(_ logits: Tensor, _ count: Int, _ op: String) {
    precondition(logits.rank == 2 && logits.shape[0] == count,
                 "\(op): expects scores [N, C] and N labels, got shape \(logits.shape) and \(count) labels")
}
