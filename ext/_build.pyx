# What this build of the kernels was compiled with (read by tradeindex.show_config).
from _threads cimport TI_MAX_THREADS, TI_OPENMP, TRADEINDEX_CFLAGS, TI_SIMD, ti_max_threads

openmp = bool(TI_OPENMP)
cflags = TRADEINDEX_CFLAGS.decode()
simd = TI_SIMD.decode()
thread_limit = TI_MAX_THREADS


def max_threads():
    """OpenMP's default team size (honours OMP_NUM_THREADS); 1 without OpenMP."""
    return ti_max_threads()
