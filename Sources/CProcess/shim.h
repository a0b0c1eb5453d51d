// prctl is variadic, so Swift cannot call it: one fixed-argument wrapper.
#include <signal.h>
#include <sys/prctl.h>

// Asks the kernel to send this process SIGKILL when its parent (the thread that started it) exits.
static inline int anneal_kill_me_with_parent(void) { return prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0); }
