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

public func sigmoid(_ x: Tensor) -> Tensor {
    let y = mapUnary(x, Sigmoid())
    return y.recorded("sigmoid", [x]) { g, _ in [mapBinary(g, y, SigmoidBackward(), op: "sigmoid")] }
}

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

public enum SELUConstants {
    public static let alpha: Float = 1.673_263_2
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
