// A network trained on one task as the start of another: fine-tuning, and a linear head
// on frozen features. The source task is Fashion-MNIST's classes 0–4 (tops, trousers,
// pullovers, dresses, coats), the target task classes 5–9 (sandals, shirts, sneakers,
// bags, ankle boots) from 50 images per class.
import Anneal
import Foundation

var source = RunConfig(model: .cnn)
source.epochs = 2
source.data.classes = [0, 1, 2, 3, 4]
source.data.trainSubset = 10000
source.control.tensorboard = false
_ = try Run(source, directory: "runs/transfer/source", overwrite: true).fit()
let sourceWeights = "runs/transfer/source/model.safetensors"

// Fine-tuning: start from the source's weights with a fresh head, freeze the first
// convolution stage, and let the rest of the backbone learn at a tenth of the head's rate.
var target = RunConfig(model: .cnn)
target.epochs = 5
target.data.classes = [5, 6, 7, 8, 9]
target.data.perClass = 50
target.transfer.initFrom = sourceWeights
target.transfer.resetHead = true
target.transfer.freezeUntil = "4"          // the cnn is a Sequential: 0–3 are the first conv–BN–ReLU–pool stage
target.transfer.backboneLearningRateScale = 0.1
target.control.tensorboard = false
let fineTuned = try Run(target, directory: "runs/transfer/fine-tuned", overwrite: true).fit()
print(String(format: "fine-tuned on 250 images: test accuracy %.4f", fineTuned.evaluation?.accuracy ?? .nan))

// Frozen features: the source network's penultimate features for every image, and a
// logistic-regression head fitted on them by liblinear.
let (model, _, preprocessing) = try WeightsFile.loadModel(sourceWeights)
let train = try FashionMNIST.load(.train).selectingClasses([5, 6, 7, 8, 9]).sampling(perClass: 50, seed: 0)
let test = try FashionMNIST.load(.test).selectingClasses([5, 6, 7, 8, 9])
let trainFeatures = try Features.extract(model, layer: nil, from: train, preprocessing: preprocessing)
let testFeatures = try Features.extract(model, layer: nil, from: test, preprocessing: preprocessing)
let head = try LinearHead.fit(features: trainFeatures, labels: (0..<train.count).map(train.label(at:)), loss: .logistic,
                              C: 1, standardize: true)
let predicted = head.makeLayer()(testFeatures).argmax(axis: 1)
let correct = (0..<test.count).filter { predicted[$0] == test.label(at: $0) }.count
print(String(format: "linear head on frozen features (%d wide): test accuracy %.4f", head.features, Double(correct) / Double(test.count)))
