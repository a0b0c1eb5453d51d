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
import Testing

@Suite struct TestTimeAugmentationTests {
    @Test func flipViewIsTheMirrorImage() {
        let images = randomTensor([2, 3, 4, 5], seed: 11)
        let views = TestTimeAugmentation.flip.views(of: images)
        #expect(views.count == 2 && views[0] == images)
        for idx in indices([2, 3, 4, 5]) {
            #expect(views[1].scalars[flat(idx, [2, 3, 4, 5])] == images.scalars[flat([idx[0], idx[1], idx[2], 4 - idx[3]], [2, 3, 4, 5])])
        }
        #expect(TestTimeAugmentation.flip.views(of: views[1])[1] == images)
        #expect(TestTimeAugmentation.none.views(of: images) == [images])
    }

    /// Flip scores are the log of the mean softmax of both views, with the
    /// preprocessing applied to each view; `.none` is the plain output.
    @Test func scoresAverageTheViewsProbabilities() {
        GlobalRandom.seed(4)
        let model = Sequential(Flatten(), Linear(12, 3))
        let images = randomTensor([5, 1, 3, 4], seed: 12)
        let preprocessing = Preprocessing(mean: [0.5], std: [2])
        let plain = model(preprocessing.apply(images))
        #expect(TestTimeAugmentation.none.scores(model, images, preprocessing: preprocessing) == plain)
        let mirrored = images.indexSelect(axis: 3, indices: [3, 2, 1, 0])
        let expected = log((plain.softmax(axis: 1) + model(preprocessing.apply(mirrored)).softmax(axis: 1)) / 2)
        expectClose(TestTimeAugmentation.flip.scores(model, images, preprocessing: preprocessing).scalars, expected.scalars)
        let metrics = Evaluator(preprocessing: preprocessing, testTimeAugmentation: .flip)
            .evaluate(model, on: DataLoader(try! TensorDataset(samples: images, labels: [0, 1, 2, 0, 1]), batchSize: 2))
        #expect(abs(metrics.loss - Double(crossEntropy(expected, labels: [0, 1, 2, 0, 1]).item())) < 1e-5)
    }
}
