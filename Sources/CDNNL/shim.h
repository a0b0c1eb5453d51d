// oneDNN 2.x C API (Debian's libdnnl-dev), plus the pieces of libgomp that
// oneDNN already runs on, so Anneal's own loops share its one OpenMP pool
// instead of fighting it with a second thread runtime.
#include <dnnl.h>

// GCC's stable OpenMP entry point: runs fn(data) on num_threads threads.
void GOMP_parallel(void (*fn)(void *), void *data, unsigned num_threads, unsigned flags);
int omp_get_thread_num(void);
int omp_get_num_threads(void);
int omp_get_max_threads(void);
void omp_set_num_threads(int n);
