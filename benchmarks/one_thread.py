"""Import this first in a benchmark: numpy's BLAS then runs on ONE thread.

The environment variables are set before numpy is imported (they are read when its BLAS loads),
and threadpoolctl, if installed, limits the pools again once numpy is loaded, so every timing of
a run compares like with like.
"""
import os

for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"

import numpy  # noqa: E402,F401  (loads the BLAS with one thread)

try:
    from threadpoolctl import threadpool_limits
    threadpool_limits(1)
except ImportError:
    pass
