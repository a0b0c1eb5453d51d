import AnnealData
import AnnealNN
import AnnealTensor

/// Test-time augmentation (fastai's `tta`, timm's `--tta`): the prediction for an
/// image is the mean softmax probability over fixed views of it — the image and,
/// with `flip`, its mirror image. A model trained with random flips has learned
/// both views; averaging them cancels part of its error.
///
/// The views act on the raw inputs, before the fitted preprocessing (a mirror
/// image commutes with normalization but not with PCA/ZCA whitening).
public enum TestTimeAugmentation: String, Sendable, CaseIterable, Codable {
    /// One view: the plain evaluation-mode output.
    case none
    /// The image and its horizontal mirror (width axis reversed).
    case flip

    /// Scores usable as logits (argmax, cross-entropy) for a batch of raw inputs
    /// [N, C, H, W]: the model's logits for `.none`, else the log of the views'
    /// mean probabilities, so cross-entropy is the loss of the averaged prediction.
    public func scores(_ model: Module, _ inputs: Tensor, preprocessing: Preprocessing = .none) -> Tensor {
        let views = views(of: inputs)
        if views.count == 1 { return model(preprocessing.apply(views[0])) }
        let probabilities = views.map { model(preprocessing.apply($0)).softmax(axis: 1) }
        let sum = probabilities.dropFirst().reduce(probabilities[0], +)
        return MonteCarloPrediction.logClamped(sum / Float(views.count))
    }

    /// The views of a batch of images [N, C, H, W], the batch itself first.
    public func views(of inputs: Tensor) -> [Tensor] {
        switch self {
        case .none: return [inputs]
        case .flip:
            precondition(inputs.rank == 4, "test-time flip: expects images [N, C, H, W], got shape \(inputs.shape)")
            let width = inputs.shape[3]
            return [inputs, inputs.indexSelect(axis: 3, indices: Array((0..<width).reversed()))]
        }
    }
}
