import AnnealData
import AnnealDistributed
import AnnealExperiments
import AnnealIO
import AnnealNN
import AnnealOptim
import AnnealReports
import AnnealTensor
import AnnealTestSupport
import AnnealTraining
import Foundation
import Testing

/// A nested schedule with every kind of state: warmup around a sequence whose
/// first part is a plateau.
private func makeNested() -> any LearningRateSchedule {
    ScheduleSequence([ReduceOnPlateau(initial: 0.1, mode: .min, factor: 0.5, patience: 1),
                      CosineDecay(initial: 0.05, totalSteps: 20)], milestones: [30])
        .withWarmup(steps: 6, clock: .shared)
}

/// Steps `range` of a run with 5 steps per epoch, feeding a scripted metric at epoch ends.
private func run(_ schedule: inout any LearningRateSchedule, _ range: Range<Int>) -> [Float] {
    let metrics: [Double] = [3, 2.5, 2.6, 2.7, 2.4, 2.4, 2.4, 2.3, 2.3, 2.3, 2.3, 2.3]
    var rates: [Float] = []
    for step in range {
        rates.append(schedule.lr(step))
        if (step + 1) % 5 == 0 { schedule.observe(metric: metrics[(step + 1) / 5 - 1], step: step + 1) }
    }
    return rates
}

@Suite struct ScheduleResumeTests {
    @Test func resumingMidScheduleReproducesTheSequence() throws {
        var whole = makeNested()
        let expected = run(&whole, 0..<55)
        #expect(Set(expected).count > 10, "the scripted run should warm up, reduce and anneal")

        for split in [3, 17, 31] {
            var first = makeNested()
            var rates = run(&first, 0..<split)
            // Checkpoint: the step and the state, through JSON.
            let saved = try JSONEncoder().encode(LearningRateScheduler.State(step: split, schedule: first.state))
            let loaded = try JSONDecoder().decode(LearningRateScheduler.State.self, from: saved)
            var second = makeNested()
            try second.restore(loaded.schedule)
            rates += run(&second, loaded.step..<55)
            #expect(rates == expected, "resumed at step \(split)")
        }
    }

    @Test func mismatchedStateIsRejected() {
        var plateau: any LearningRateSchedule = ReduceOnPlateau(initial: 0.1)
        #expect(throws: ScheduleStateMismatch.self) { try plateau.restore(.stateless) }
        var cosine: any LearningRateSchedule = CosineDecay(initial: 0.1, totalSteps: 10)
        #expect(throws: ScheduleStateMismatch.self) { try cosine.restore(.wrapping(.stateless)) }
    }

    /// Two `fit` calls with a checkpointed scheduler in between give the same rates
    /// (and weights) as one uninterrupted run.
    @Test func schedulerCallbackResumesAcrossTrainers() throws {
        let data = try TensorDataset(samples: randomTensor([8, 4], seed: 3), labels: [0, 1, 2, 0, 1, 2, 0, 1])
        let loader = DataLoader(data, batchSize: 4)   // 2 steps per epoch, fixed order
        // Mode max on a falling loss: "no improvement" every epoch, so the plateau reduces.
        func makeScheduler() -> LearningRateScheduler {
            LearningRateScheduler(ReduceOnPlateau(initial: 0.2, mode: .max, factor: 0.5, patience: 1)
                .withWarmup(steps: 3, startFactor: 0.25), monitor: .trainLoss)
        }
        func makeModel() -> Sequential {
            GlobalRandom.seed(7)
            return Sequential(Linear(4, 3))
        }
        let recorder = RateRecorder()

        let model = makeModel()
        let trainer = Trainer(model: model, optimizer: SGD(model.parameters, learningRate: 1),
                              callbacks: [makeScheduler(), recorder])
        try trainer.fit(loader, epochs: 6)
        let expected = recorder.rates

        recorder.rates = []
        let firstModel = makeModel(), firstScheduler = makeScheduler()
        let firstOptimizer = SGD(firstModel.parameters, learningRate: 1)
        try Trainer(model: firstModel, optimizer: firstOptimizer, callbacks: [firstScheduler, recorder]).fit(loader, epochs: 3)
        let checkpoint = try JSONEncoder().encode(firstScheduler.state)

        let secondModel = makeModel(), secondScheduler = makeScheduler()
        try secondModel.loadStateDict(firstModel.stateDict())
        try secondScheduler.restore(try JSONDecoder().decode(LearningRateScheduler.State.self, from: checkpoint))
        try Trainer(model: secondModel, optimizer: SGD(secondModel.parameters, learningRate: 1),
                    callbacks: [secondScheduler, recorder]).fit(loader, epochs: 3)

        #expect(expected.count == 12)
        #expect(recorder.rates == expected)
        #expect(Set(expected).count >= 4, "warmup and reductions: \(expected)")
        #expect(secondModel.stateDict() == model.stateDict())
    }
}

/// The learning rate the optimizer holds when each step's gradients are ready.
final class RateRecorder: TrainingCallback {
    var rates: [Float] = []
    func handle(_ event: TrainingEvent, trainer: Trainer) {
        if case .afterBackward = event { rates.append(trainer.optimizer.learningRate) }
    }
}
