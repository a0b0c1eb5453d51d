// liblinear (Debian liblinear-dev): L2-regularized logistic regression and linear SVMs.
#include <linear.h>
