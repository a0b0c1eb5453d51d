// Train a preset on Fashion-MNIST, score its weights on the test set, and classify a few images.
import Anneal
import Foundation

do {
    // 1. A run as a value: the preset's recipe fills every setting left unset.
    var config = RunConfig(model: .mlp)
    config.epochs = 2
    config.data.trainSubset = 6000      // images; leave nil for all 60,000
    config.seed = 0

    // 2. Train. The directory gets run.json, checkpoints, metrics.csv, model.safetensors and report.html.
    let run = try Run(config, directory: "runs/getting-started", overwrite: true)
    let outcome = try run.fit()
    print(String(format: "test accuracy after training: %.4f", outcome.evaluation?.accuracy ?? .nan))

    // 3. Evaluate: the weights file carries the model and its preprocessing.
    let predictor = try Predictor(weights: ["runs/getting-started/model.safetensors"])
    let test = try FashionMNIST.load(.test)
    print(String(format: "test accuracy from the weights file: %.4f", try predictor.evaluate(test).accuracy))

    // 4. Predict: class probabilities for the first five test images.
    let images = test.subset(Array(0..<5))
    let probabilities = predictor.scores(images).softmax(axis: 1)
    let names = predictor.classNames ?? FashionMNIST.classNames
    for (i, predicted) in probabilities.argmax(axis: 1).enumerated() {
        let truth = FashionMNIST.classNames[images.label(at: i)]
        print(String(format: "image %d: %@ (%.2f), truly %@", i, names[predicted], probabilities.scalars[i * 10 + predicted], truth))
    }
} catch {
    print("error: \(error)")
    exit(1)
}
