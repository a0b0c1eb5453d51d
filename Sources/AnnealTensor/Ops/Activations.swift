/// max(x, 0) elementwise; recorded for autodiff (the gradient passes where x > 0).
///
/// Activation functions as fused elementwise kernels with hand-written backward
/// kernels (one pass each way, no temporaries).
public func relu(_ x: Tensor) -> Tensor {
    mapUnary(x, ReLU()).recorded("relu", [x]) { g, _ in [mapBinary(g, x, ReLUBackward(), op: "relu")] }
}

/// max(x, 0) + slope·min(x, 0); PyTorch's default slope is 0.01.
public func leakyRelu(_ x: Tensor, slope: Float = 0.01) -> Tensor {
    mapUnary(x, LeakyReLU(slope: slope)).recorded("leakyRelu", [x]) { g, _ in
        [mapBinary(g, x, LeakyReLUBackward(slope: slope), op: "leakyRelu")]
    }
}

/// The logistic function σ(x) = 1 / (1 + e⁻ˣ) elementwise; differentiable, the
/// gradient σ(x)(1 − σ(x)) computed from the saved output.
public func sigmoid(_ x: Tensor) -> Tensor {
    let y = mapUnary(x, Sigmoid())
    return y.recorded("sigmoid", [x]) { g, _ in [mapBinary(g, y, SigmoidBackward(), op: "sigmoid")] }
}

/// Hyperbolic tangent elementwise; differentiable, the gradient 1 − tanh²(x)
/// computed from the saved output.
public func tanh(_ x: Tensor) -> Tensor {
    let y = mapUnary(x, Tanh())
    return y.recorded("tanh", [x]) { g, _ in [mapBinary(g, y, TanhBackward(), op: "tanh")] }
}

/// x for x > 0, α(eˣ − 1) otherwise.
public func elu(_ x: Tensor, alpha: Float = 1) -> Tensor {
    mapUnary(x, ELU(alpha: alpha, scale: 1)).recorded("elu", [x]) { g, _ in
        [mapBinary(g, x, ELUBackward(alpha: alpha, scale: 1), op: "elu")]
    }
}

/// Self-normalizing ELU (Klambauer et al. 2017): λ·elu(x, α).
public func selu(_ x: Tensor) -> Tensor {
    let kernel = ELU(alpha: SELUConstants.alpha, scale: SELUConstants.lambda)
    return mapUnary(x, kernel).recorded("selu", [x]) { g, _ in
        [mapBinary(g, x, ELUBackward(alpha: SELUConstants.alpha, scale: SELUConstants.lambda), op: "selu")]
    }
}

/// The fixed constants of SELU (Klambauer et al. 2017), which make zero mean and
/// unit variance a fixed point; alpha dropout reuses them.
public enum SELUConstants {
    /// α ≈ 1.6733: the negative branch is α(eˣ − 1).
    public static let alpha: Float = 1.673_263_2
    /// λ ≈ 1.0507: the scale of the whole output.
    public static let lambda: Float = 1.050_701
}

/// Exact (erf) GELU.
public func gelu(_ x: Tensor) -> Tensor {
    mapUnary(x, GELU()).recorded("gelu", [x]) { g, _ in [mapBinary(g, x, GELUBackward(), op: "gelu")] }
}

/// x·σ(x) (swish).
public func silu(_ x: Tensor) -> Tensor {
    mapUnary(x, SiLU()).recorded("silu", [x]) { g, _ in [mapBinary(g, x, SiLUBackward(), op: "silu")] }
}

/// log(1 + eˣ).
public func softplus(_ x: Tensor) -> Tensor {
    mapUnary(x, Softplus()).recorded("softplus", [x]) { g, _ in [mapBinary(g, x, SoftplusBackward(), op: "softplus")] }
}
