import AnnealData
import AnnealDistributed
import AnnealExperiments
import AnnealIO
import AnnealNN
import AnnealOptim
import AnnealReports
import AnnealTensor
import AnnealTraining
import Foundation
import Testing

/// Rates against their closed forms, written out independently in Double.
func expectRates(_ schedule: some LearningRateSchedule, _ expected: [Int: Double], tolerance: Double = 1e-6,
                 sourceLocation: SourceLocation = #_sourceLocation) {
    for (step, value) in expected.sorted(by: { $0.key < $1.key }) {
        let rate = Double(schedule.lr(step))
        #expect(abs(rate - value) <= tolerance * max(1, abs(value)) + 1e-12,
                "step \(step): \(rate) vs closed form \(value)", sourceLocation: sourceLocation)
    }
}

func closedForm(_ steps: [Int], _ f: (Double) -> Double) -> [Int: Double] {
    Dictionary(uniqueKeysWithValues: steps.map { ($0, f(Double($0))) })
}

@Suite struct ScheduleFormulaTests {
    @Test func constant() {
        expectRates(ConstantSchedule(0.05), closedForm([0, 1, 1000]) { _ in 0.05 })
    }

    @Test func stepDecayAtMilestones() {
        let a0 = 0.2, g = 0.5
        expectRates(StepDecay(initial: 0.2, milestones: [7, 3], gamma: 0.5),
                    [0: a0, 2: a0, 3: a0 * g, 6: a0 * g, 7: a0 * g * g, 100: a0 * g * g])
        // Milestones in epochs: epoch 2 starts at step 10 with 5 steps per epoch.
        expectRates(StepDecay(initial: 0.2, milestoneEpochs: [2, 4], stepsPerEpoch: 5, gamma: 0.5),
                    [0: a0, 9: a0, 10: a0 * g, 19: a0 * g, 20: a0 * g * g])
        expectRates(StepDecay(initial: 0.2, every: 4, gamma: 0.5),
                    closedForm([0, 3, 4, 7, 8, 13]) { a0 * pow(g, ($0 / 4).rounded(.down)) })
    }

    @Test func exponential() {
        expectRates(ExponentialDecay(initial: 0.1, decayRate: 0.99),
                    closedForm([0, 1, 10, 500]) { 0.1 * pow(0.99, $0) })
        expectRates(ExponentialDecay.perEpoch(initial: 0.1, gamma: 0.9, stepsPerEpoch: 10),
                    closedForm([0, 5, 10, 25]) { 0.1 * pow(0.9, $0 / 10) })
        expectRates(ExponentialDecay.perEpoch(initial: 0.1, gamma: 0.9, stepsPerEpoch: 10, staircase: true),
                    closedForm([0, 5, 10, 25]) { 0.1 * pow(0.9, ($0 / 10).rounded(.down)) })
    }

    @Test func cosineWithAndWithoutFloor() {
        let steps = [0, 1, 25, 50, 75, 99, 100, 150]
        for floor in [0.0, 0.001] {
            expectRates(CosineDecay(initial: 0.1, totalSteps: 100, floor: Float(floor)),
                        closedForm(steps) { t in floor + 0.5 * (0.1 - floor) * (1 + cos(Double.pi * min(t, 100) / 100)) })
        }
    }

    @Test func cosineWarmRestarts() {
        // SGDR with T₀ = 4, T_mult = 2: cycles [0, 4), [4, 12), [12, 28), … Closed form of the
        // cycle: i = ⌊log₂(t/T₀ + 1)⌋, T_cur = t − T₀(2ⁱ − 1), T_i = T₀·2ⁱ.
        let steps = [0, 1, 3, 4, 8, 11, 12, 20, 27, 28, 100]
        expectRates(CosineWarmRestarts(initial: 0.1, firstCycle: 4, cycleMultiplier: 2, floor: 0.01), closedForm(steps) { t in
            let i = log2(t / 4 + 1).rounded(.down), current = t - 4 * (pow(2, i) - 1), length = 4 * pow(2, i)
            return 0.01 + 0.5 * (0.1 - 0.01) * (1 + cos(Double.pi * current / length))
        })
        expectRates(CosineWarmRestarts(initial: 0.1, firstCycle: 5), closedForm([0, 2, 4, 5, 7, 12]) { t in
            0.5 * 0.1 * (1 + cos(Double.pi * t.truncatingRemainder(dividingBy: 5) / 5))
        })
    }

    @Test func linearDecay() {
        expectRates(LinearDecay(initial: 0.1, final: 0.01, totalSteps: 40),
                    closedForm([0, 10, 20, 39, 40, 80]) { 0.1 + (0.01 - 0.1) * min($0, 40) / 40 })
    }

    @Test func inverseSqrt() {
        // τ = 1: a₀/√n for the n-th update counted from 1.
        expectRates(InverseSqrtDecay(initial: 0.1), closedForm([0, 1, 3, 8, 99, 9999]) { 0.1 / ($0 + 1).squareRoot() })
        expectRates(InverseSqrtDecay(initial: 0.1, timescale: 100),
                    closedForm([0, 50, 100, 300, 10_000]) { 0.1 * (100 / ($0 + 100)).squareRoot() })
    }

    @Test func polynomial() {
        for power in [0.9, 2.0] {
            expectRates(PolynomialDecay(initial: 0.1, final: 0.001, totalSteps: 50, power: Float(power)),
                        closedForm([0, 10, 25, 49, 50, 70]) { (0.1 - 0.001) * pow(1 - min($0, 50) / 50, power) + 0.001 })
        }
    }

    /// PyTorch OneCycleLR(max_lr=1, total_steps=100): 0.04 → 1 over steps 0…29, cosine
    /// down to 4e-6 over steps 29…99.
    @Test func oneCycleMatchesPyTorchLayout() {
        func cosine(_ a: Double, _ b: Double, _ pct: Double) -> Double { b + (a - b) / 2 * (1 + cos(Double.pi * pct)) }
        let initial = 1.0 / 25, final = initial / 1e4
        expectRates(OneCycle(maxRate: 1, totalSteps: 100), closedForm([0, 10, 29, 30, 64, 98, 99]) { t in
            t <= 29 ? cosine(initial, 1, t / 29) : cosine(1, final, (t - 29) / 70)
        })
        #expect(OneCycle(maxRate: 1, totalSteps: 100).lr(0) == 0.04)
        expectRates(OneCycle(maxRate: 1, totalSteps: 100, annealing: .linear, threePhase: true),
                    closedForm([0, 15, 29, 40, 58, 80, 99]) { t in
            if t <= 29 { return initial + (1 - initial) * t / 29 }
            if t <= 58 { return 1 + (initial - 1) * (t - 29) / 29 }
            return initial + (final - initial) * (t - 58) / 41
        })
    }
}
