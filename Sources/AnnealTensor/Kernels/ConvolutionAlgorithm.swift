import Foundation

/// How 3×3 convolutions are computed. Winograd's F(4×4, 3×3) (oneDNN's
/// `jit_wino_4x3`, AVX-512 only) does the same convolution with 2.25× fewer
/// multiplications; on wide layers it runs up to 2× faster than the direct
/// kernel at its GEMM peak, but not on 16 channels, where its transforms dominate
/// (`anneal bench conv`, docs/benchmarks.md).
/// Its results differ from the direct kernel's by rounding only (relative 1e-6).
public enum ConvolutionAlgorithm: String, CaseIterable, Sendable {
    /// Winograd where it measured faster: 3×3, stride 1, at least 32 channels
    /// in and out; the direct kernel elsewhere.
    case auto
    /// oneDNN's direct kernel everywhere.
    case direct
    /// Winograd wherever oneDNN implements it, the direct kernel elsewhere.
    case winograd

    // Read once at start-up (`ANNEAL_CONVOLUTION`), or set from the main thread.
    nonisolated(unsafe) private static var configured: ConvolutionAlgorithm =
        ProcessInfo.processInfo.environment["ANNEAL_CONVOLUTION"].flatMap(ConvolutionAlgorithm.init) ?? .auto

    /// The algorithm for convolutions created from now on (kernels already built keep
    /// theirs). Defaults to `ANNEAL_CONVOLUTION`, else `auto`.
    public static var preferred: ConvolutionAlgorithm {
        get { configured }
        set { configured = newValue }
    }

    /// Whether to try Winograd for a convolution (oneDNN may still decline it).
    func triesWinograd(_ g: Convolution2DGeometry) -> Bool {
        let shapeFits = g.kernelHeight == 3 && g.kernelWidth == 3 && g.stride == (1, 1) && g.dilationH == 1 && g.dilationW == 1
            && g.groups == 1
        switch self {
        case .direct: return false
        case .winograd: return shapeFits
        case .auto: return shapeFits && min(g.inChannels, g.outChannels) >= 32
        }
    }
}
