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

@Suite struct ScheduleCompositionTests {
    func cosine(_ t: Double, a0: Double = 0.1, total: Double) -> Double { 0.5 * a0 * (1 + cos(Double.pi * min(t, total) / total)) }

    @Test func linearWarmupOnTheSharedClock() {
        let schedule = CosineDecay(initial: 0.1, totalSteps: 100).withWarmup(steps: 10, startFactor: 0.1)
        expectRates(schedule, closedForm([0, 1, 5, 9, 10, 50, 100]) { t in
            self.cosine(t, total: 100) * (t < 10 ? 0.1 + 0.9 * t / 10 : 1)
        })
    }

    @Test func linearWarmupThenCosineOverTheRest() {
        // The cosine starts when warmup ends and spans the remaining 90 steps.
        let schedule = CosineDecay(initial: 0.1, totalSteps: 90).withWarmup(steps: 10, clock: .afterWarmup)
        expectRates(schedule, closedForm([0, 3, 9, 10, 11, 55, 99, 100]) { t in
            t < 10 ? 0.1 * (0.01 + 0.99 * t / 10) : self.cosine(t - 10, total: 90)
        })
    }

    @Test func exponentialWarmup() {
        let schedule = ConstantSchedule(0.1).withWarmup(steps: 4, shape: .exponential, startFactor: 0.001)
        expectRates(schedule, closedForm([0, 1, 2, 3, 4, 10]) { t in 0.1 * (t < 4 ? pow(0.001, 1 - t / 4) : 1) })
    }

    /// Warmup ramps whatever rate the plateau has reached; metrics seen during
    /// warmup are not passed on, so patience counts from the end of warmup.
    @Test func warmupAroundPlateau() {
        var schedule = ReduceOnPlateau(initial: 0.1, factor: 0.5, patience: 0).withWarmup(steps: 4, startFactor: 0.5)
        #expect(schedule.monitorsMetric)
        expectRates(schedule, closedForm([0, 1, 2, 3, 4]) { t in 0.1 * (t < 4 ? 0.5 + 0.5 * t / 4 : 1) })
        schedule.observe(metric: 1.0, step: 2)   // during warmup: ignored
        schedule.observe(metric: 2.0, step: 3)   // worse, but ignored too
        #expect(schedule.state == .wrapping(.plateau(.init(rate: Double(Float(0.1))))))
        schedule.observe(metric: 2.0, step: 4)   // first metric after warmup: the baseline
        expectRates(schedule, [4: 0.1, 8: 0.1])
        schedule.observe(metric: 2.5, step: 8)   // no improvement, patience 0: halve
        expectRates(schedule, [8: 0.05, 100: 0.05])
        #expect(schedule.state == .wrapping(.plateau(.init(rate: Double(Float(0.1)) * 0.5, best: 2.0, reductions: 1))))
        // The ramp multiplies the plateau's current rate (e.g. after a resume into warmup).
        #expect(abs(schedule.lr(0) - 0.025) < 1e-9)
    }

    @Test func plateauPatienceAndThresholds() {
        var plateau = ReduceOnPlateau(initial: 1, factor: 0.5, patience: 2, threshold: 0, thresholdMode: .absolute)
        var rates: [Float] = []
        for metric in [1, 0.9, 0.9, 0.9, 0.9, 0.95, 0.8] {
            plateau.observe(metric: metric, step: 0)
            rates.append(plateau.lr(0))
        }
        #expect(rates == [1, 1, 1, 1, 0.5, 0.5, 0.5])

        // Relative 10 %: 0.95 is not better than 1·(1 − 0.1); absolute 0.01: it is.
        var relative = ReduceOnPlateau(initial: 1, patience: 5, threshold: 0.1, thresholdMode: .relative)
        relative.observe(metric: 1, step: 0); relative.observe(metric: 0.95, step: 0)
        #expect(relative.current.best == 1 && relative.current.badEpochs == 1)
        var absolute = ReduceOnPlateau(initial: 1, patience: 5, threshold: 0.01, thresholdMode: .absolute)
        absolute.observe(metric: 1, step: 0); absolute.observe(metric: 0.95, step: 0)
        #expect(absolute.current.best == 0.95 && absolute.current.badEpochs == 0)

        // Max mode, NaN never improves.
        var maximizing = ReduceOnPlateau(initial: 1, mode: .max, factor: 0.5, patience: 0)
        maximizing.observe(metric: 0.5, step: 0); maximizing.observe(metric: 0.6, step: 0)
        #expect(maximizing.lr(0) == 1)
        maximizing.observe(metric: .nan, step: 0)
        #expect(maximizing.lr(0) == 0.5)
    }

    @Test func plateauCooldownAndMinimum() {
        var plateau = ReduceOnPlateau(initial: 1, factor: 0.5, patience: 0, cooldown: 2)
        var rates: [Float] = []
        for _ in 0..<6 {
            plateau.observe(metric: 1, step: 0)
            rates.append(plateau.lr(0))
        }
        #expect(rates == [1, 0.5, 0.5, 0.5, 0.25, 0.25])

        var floored = ReduceOnPlateau(initial: 1, factor: 0.1, patience: 0, minRate: 0.05)
        for _ in 0..<5 { floored.observe(metric: 1, step: 0) }
        #expect(floored.lr(0) == 0.05)
        #expect(floored.current.reductions == 2)
    }

    @Test func linearScalingRuleWithGradualWarmup() {
        // Batch 1024: k = 4; the warmup starts from the unscaled rate (factor 1/4).
        #expect(LinearScalingRule.learningRate(base: 0.1, batchSize: 1024) == 0.4)
        let schedule = LinearScalingRule.schedule(StepDecay(initial: 0.1, milestones: [30]), batchSize: 1024, warmupSteps: 5)
        expectRates(schedule, [0: 0.1, 1: 0.1 * 4 * (0.25 + 0.75 / 5), 4: 0.1 * 4 * (0.25 + 0.75 * 4 / 5), 5: 0.4, 29: 0.4, 30: 0.04])
        // Small batches scale down and need no ramp.
        expectRates(LinearScalingRule.schedule(ConstantSchedule(0.1), batchSize: 64, warmupSteps: 5), [0: 0.025, 10: 0.025])
    }

    @Test func epochwiseAndSequences() {
        let epochwise = CosineDecay(initial: 0.1, totalSteps: 10).epochwise(stepsPerEpoch: 7)
        expectRates(epochwise, closedForm([0, 6, 7, 13, 20]) { t in self.cosine((t / 7).rounded(.down), total: 10) })

        let sequence = ScheduleSequence([ConstantSchedule(0.01), LinearDecay(initial: 0.1, totalSteps: 10)], milestones: [5])
        expectRates(sequence, [0: 0.01, 4: 0.01, 5: 0.1, 10: 0.05, 15: 0, 40: 0])
        expectRates(ConstantSchedule(0.1).scaled(by: 3), [0: 0.3, 7: 0.3])
    }
}
