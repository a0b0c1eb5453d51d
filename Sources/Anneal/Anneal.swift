// One import for library users: every layer of Anneal but the MPI binding
// (import AnnealMPI as well for `MPIProcessGroup`).
@_exported import AnnealData
@_exported import AnnealDistributed
@_exported import AnnealExperiments
@_exported import AnnealExport
@_exported import AnnealIO
@_exported import AnnealNN
@_exported import AnnealOptim
@_exported import AnnealReports
@_exported import AnnealTensor
@_exported import AnnealTraining
