import AnnealTensor

/// Starts a network's first convolution as a whitening of its input patches
/// (the patch-PCA initialization of the fast CIFAR-10 trainers, Page 2018 and
/// Jordan 2024): filter pairs ±vᵢ/√(λᵢ + ε) for the leading eigenvectors vᵢ of the
/// covariance of the images' k×k patches. Its outputs are then decorrelated and of
/// unit variance from the first step, and each direction passes a ReLU in one sign
/// or the other. Filters beyond twice the patch size keep their initialization.
public enum PatchWhitening {
    /// Sets `convolution`'s filters (and zeroes its bias) from the patches of
    /// `images` ([N, C, H, W], as the network receives them: preprocessed).
    public static func initialize(_ convolution: Conv2d, images: Tensor, epsilon: Float = 0.01) throws {
        let shape = convolution.weight.shape   // [out, in, kh, kw]
        let (out, channels, kh, kw) = (shape[0], shape[1], shape[2], shape[3])
        precondition(convolution.groups == 1, "PatchWhitening: a grouped convolution has no patch covariance of its own")
        precondition(images.rank == 4 && images.shape[1] == channels && images.shape[2] >= kh && images.shape[3] >= kw,
                     "PatchWhitening: images of shape \(images.shape) for a \(kh)×\(kw) convolution over \(channels) channels")
        let d = channels * kh * kw
        let (values, vectors) = try SymmetricEigen.decompose(covariance(images, kh: kh, kw: kw))
        let ascending = values.scalars, u = vectors.scalars   // column j of u ↔ ascending value j
        var weights = convolution.weight.value.scalars
        for filter in 0..<min(out, 2 * d) {
            let component = d - 1 - filter / 2   // descending
            let scale = (filter % 2 == 0 ? 1 : -1) / (max(0, ascending[component]) + epsilon).squareRoot()
            for row in 0..<d { weights[filter * d + row] = u[row * d + component] * scale }
        }
        convolution.weight.assign(Tensor(weights, shape: shape))
        if let bias = convolution.bias { bias.assign(Tensor.zeros(bias.shape)) }
    }

    /// Covariance (d × d, d = C·kh·kw) of every kh×kw patch that lies inside an image.
    static func covariance(_ images: Tensor, kh: Int, kw: Int) -> Tensor {
        let (n, c, h, w) = (images.shape[0], images.shape[1], images.shape[2], images.shape[3])
        let d = c * kh * kw, x = images.scalars
        var sum = [Double](repeating: 0, count: d), products = [Double](repeating: 0, count: d * d)
        var patch = [Double](repeating: 0, count: d)
        for image in 0..<n {
            for y in 0...(h - kh) {
                for x0 in 0...(w - kw) {
                    var i = 0
                    for channel in 0..<c {
                        let plane = (image * c + channel) * h * w
                        for dy in 0..<kh { for dx in 0..<kw { patch[i] = Double(x[plane + (y + dy) * w + x0 + dx]); i += 1 } }
                    }
                    for a in 0..<d {
                        sum[a] += patch[a]
                        for b in a..<d { products[a * d + b] += patch[a] * patch[b] }
                    }
                }
            }
        }
        let count = Double(n * (h - kh + 1) * (w - kw + 1))
        var result = [Float](repeating: 0, count: d * d)
        for a in 0..<d {
            for b in a..<d {
                let value = Float((products[a * d + b] - sum[a] * sum[b] / count) / max(1, count - 1))
                result[a * d + b] = value
                result[b * d + a] = value
            }
        }
        return Tensor(result, shape: [d, d])
    }
}
