import AnnealNN

extension ParameterGroup {
    /// Splits a module's trainable parameters into a "decay" group and a
    /// "no_decay" group (weight decay 0), in that order, both always present.
    ///
    /// Decaying biases and normalization scales/shifts only pulls them toward 0,
    /// which hurts rather than regularizes, so by default they are exempt:
    /// - biases: 1-D parameters whose name ends in "bias";
    /// - normalization parameters: any other 1-D (or scalar) parameter.
    ///
    /// `weightDecay` nil leaves the decay group on the optimizer's default.
    public static func weightDecayGroups(
        of module: Module, weightDecay: Float? = nil,
        decayBiases: Bool = false, decayNormalization: Bool = false
    ) -> [ParameterGroup] {
        var decay: [Parameter] = [], noDecay: [Parameter] = []
        for (name, parameter) in module.namedParameters() where !parameter.isFrozen {
            let isVector = parameter.shape.count <= 1
            let isBias = isVector && name.hasSuffix("bias")
            let isNormalization = isVector && !isBias
            if (isBias && !decayBiases) || (isNormalization && !decayNormalization) {
                noDecay.append(parameter)
            } else {
                decay.append(parameter)
            }
        }
        return [ParameterGroup(decay, name: "decay", weightDecay: weightDecay),
                ParameterGroup(noDecay, name: "no_decay", weightDecay: 0)]
    }
}
