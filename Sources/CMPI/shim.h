// OpenMPI's handles (MPI_COMM_WORLD, MPI_FLOAT, MPI_SUM, MPI_IN_PLACE …) are C
// macros over globals, which Swift cannot import: these functions name them.
#include <mpi.h>

static inline int anneal_mpi_init(int *provided) { return MPI_Init_thread(NULL, NULL, MPI_THREAD_MULTIPLE, provided); }
static inline int anneal_mpi_thread_multiple(void) { return MPI_THREAD_MULTIPLE; }
static inline int anneal_mpi_initialized(void) { int flag = 0; MPI_Initialized(&flag); return flag; }
static inline int anneal_mpi_finalized(void) { int flag = 0; MPI_Finalized(&flag); return flag; }
static inline int anneal_mpi_finalize(void) { return MPI_Finalize(); }
static inline int anneal_mpi_abort(int code) { return MPI_Abort(MPI_COMM_WORLD, code); }
// Errors come back as codes instead of aborting the job, so they can be reported.
static inline int anneal_mpi_errors_return(void) { return MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN); }
static inline int anneal_mpi_rank(void) { int rank = 0; MPI_Comm_rank(MPI_COMM_WORLD, &rank); return rank; }
static inline int anneal_mpi_size(void) { int size = 1; MPI_Comm_size(MPI_COMM_WORLD, &size); return size; }
static inline int anneal_mpi_error_string(int code, char *text, int *length) { return MPI_Error_string(code, text, length); }

static inline int anneal_mpi_allreduce_float_sum(float *values, int count) {
    return MPI_Allreduce(MPI_IN_PLACE, values, count, MPI_FLOAT, MPI_SUM, MPI_COMM_WORLD);
}
static inline int anneal_mpi_iallreduce_float_sum(float *values, int count, MPI_Request *request) {
    return MPI_Iallreduce(MPI_IN_PLACE, values, count, MPI_FLOAT, MPI_SUM, MPI_COMM_WORLD, request);
}
static inline int anneal_mpi_allreduce_double_sum(double *values, int count) {
    return MPI_Allreduce(MPI_IN_PLACE, values, count, MPI_DOUBLE, MPI_SUM, MPI_COMM_WORLD);
}
static inline int anneal_mpi_broadcast_float(float *values, int count, int root) {
    return MPI_Bcast(values, count, MPI_FLOAT, root, MPI_COMM_WORLD);
}
static inline int anneal_mpi_barrier(void) { return MPI_Barrier(MPI_COMM_WORLD); }
static inline int anneal_mpi_isend_float(const float *values, int count, int destination, int tag, MPI_Request *request) {
    return MPI_Isend(values, count, MPI_FLOAT, destination, tag, MPI_COMM_WORLD, request);
}
static inline int anneal_mpi_test(MPI_Request *request, int *done) { return MPI_Test(request, done, MPI_STATUS_IGNORE); }
static inline int anneal_mpi_wait(MPI_Request *request) { return MPI_Wait(request, MPI_STATUS_IGNORE); }
static inline int anneal_mpi_receive_float(float *values, int count, int source, int tag) {
    return MPI_Recv(values, count, MPI_FLOAT, source, tag, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
}
