// Fortran LAPACK symbols (Debian builds OpenBLAS/LAPACK without LAPACKE).
// Character arguments carry hidden trailing string lengths.
#include <stddef.h>

void ssyevd_(const char *jobz, const char *uplo, const int *n, float *a, const int *lda,
             float *w, float *work, const int *lwork, int *iwork, const int *liwork,
             int *info, size_t jobz_len, size_t uplo_len);
