import AnnealData
import AnnealTensor

/// A subset's samples and labels copied out, so tests can compare them whole.
extension DatasetSubset {
    var samples: Tensor { TensorDataset(copying: self).samples }
    var labels: [Int]? { TensorDataset(copying: self).labels }
}
