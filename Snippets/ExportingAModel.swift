// A trained model as one ONNX file that ONNX Runtime, a C++ service or a browser runs
// on raw images, with the preprocessing inside the graph.
import Anneal
import Foundation

var config = RunConfig(model: .cnn)
config.epochs = 1
config.data.trainSubset = 6000
config.data.normalize = .global          // fitted on the training images; exported as the graph's first nodes
config.control.tensorboard = false
_ = try Run(config, directory: "runs/export", overwrite: true).fit()

// One weights file (or several: an ensemble exports as one graph that averages its members).
let predictor = try Predictor(weights: ["runs/export/model.safetensors"])
try ONNXExport.write(predictor, options: ONNXExport.Options(opset: 17, probabilities: true), to: "runs/export/model.onnx")
print("wrote runs/export/model.onnx: input 'images' [batch, \(predictor.sampleShape.map(String.init).joined(separator: ", "))] "
      + "with pixels in [0, 1], output 'scores': \(ONNXExport.outputDescription(predictor, options: ONNXExport.Options(probabilities: true)))")

// What the exported model must reproduce: Anneal's own probabilities for the same images.
let test = try FashionMNIST.load(.test).prefix(4)
let probabilities = predictor.scores(test).softmax(axis: 1)
for (i, c) in probabilities.argmax(axis: 1).enumerated() {
    print(String(format: "test image %d: class %d (%@) with probability %.4f", i, c, FashionMNIST.classNames[c], probabilities.scalars[i * 10 + c]))
}
