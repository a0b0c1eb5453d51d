// One import for library users: every layer of Anneal.
@_exported import AnnealData
@_exported import AnnealIO
@_exported import AnnealNN
@_exported import AnnealOptim
@_exported import AnnealTensor
@_exported import AnnealTrain
@_exported import AnnealDistributed
