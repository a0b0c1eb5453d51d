@_exported import AnnealTensor
