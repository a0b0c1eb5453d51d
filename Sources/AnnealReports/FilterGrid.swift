import AnnealIO
import AnnealNN
import AnnealTensor

/// The first layer's filters as one picture, as the notes look at them: smooth,
/// varied filters are a healthy first layer; noisy ones mean too little training
/// or regularization. For a first convolution on grey or RGB images (each kernel a
/// tile) or a first dense layer on the pixels (each unit's weights as an image).
public enum FilterGrid {
    /// Filters shown at most (the first ones).
    public static let limit = 64

    /// The grid for `model` taking inputs of `inputShape` ([C, H, W]); nil when its
    /// first weight is not one of those.
    public static func image(of model: Module, inputShape: [Int]) -> Bitmap? {
        guard inputShape.count == 3, [1, 3].contains(inputShape[0]),
              let weight = model.namedParameters().first(where: { $0.name.hasSuffix("weight") && $0.parameter.shape.count >= 2 })?.parameter.value
        else { return nil }
        let shape: [Int]
        switch weight.rank {
        case 4 where weight.shape[1] == inputShape[0]: shape = Array(weight.shape.dropFirst())
        case 2 where weight.shape[1] == inputShape.reduce(1, *): shape = inputShape
        default: return nil
        }
        let size = shape.reduce(1, *), count = min(weight.shape[0], limit), values = weight.scalars
        // Each filter stretched to [0, 1] on its own, so the pattern shows whatever its scale.
        let filters = (0..<count).map { f -> [Float] in
            let w = values[f * size..<(f + 1) * size]
            let (low, high) = (w.min() ?? 0, w.max() ?? 0)
            return w.map { high > low ? ($0 - low) / (high - low) : 0.5 }
        }
        let columns = min(count, 16), gray = [Float](repeating: 110 / 255, count: size)
        let rows = stride(from: 0, to: count, by: columns).map { start in
            Tensor((start..<start + columns).flatMap { $0 < count ? filters[$0] : gray }, shape: [columns] + shape)
        }
        return ImageGrid.tile(rows, sampleShape: shape, zoom: max(1, 36 / shape[1]), gap: 2, firstRowApart: false)
    }
}
