# OpenMP shim shared by every kernel: compiles with or without -fopenmp.
cdef extern from *:
    """
    #ifdef _OPENMP
    #include <omp.h>
    #define TI_OPENMP 1
    static inline int ti_max_threads(void) { return omp_get_max_threads(); }
    static inline int ti_thread_id(void) { return omp_get_thread_num(); }
    #else
    #define TI_OPENMP 0
    static inline int ti_max_threads(void) { return 1; }
    static inline int ti_thread_id(void) { return 0; }
    #endif
    /* The most threads a kernel accepts (tradeindex.config.MAX_THREADS reads it): a request
       above it is a mistake, not a machine, and OpenMP runtimes crash on absurd team sizes. */
    #define TI_MAX_THREADS 4096
    #ifndef TRADEINDEX_CFLAGS
    #define TRADEINDEX_CFLAGS ""
    #endif
    #if defined(__AVX512F__)
    #define TI_SIMD "AVX-512"
    #elif defined(__AVX2__)
    #define TI_SIMD "AVX2"
    #elif defined(__SSE2__)
    #define TI_SIMD "SSE2"
    #else
    #define TI_SIMD "scalar"
    #endif
    """
    const int TI_OPENMP
    const int TI_MAX_THREADS
    const char* TRADEINDEX_CFLAGS
    const char* TI_SIMD
    int ti_max_threads() nogil
    int ti_thread_id() nogil

from libc.stdint cimport int32_t, int64_t

# Index dtypes accepted by every kernel (ids, indptr, indices).
ctypedef fused index_t:
    int32_t
    int64_t


cdef inline int ti_check_threads(int n_threads, Py_ssize_t buffers) except -1:
    """Every kernel's first statement: 1 <= n_threads <= TI_MAX_THREADS, and no more threads than
    the rows of its per-thread buffers (`buffers`; TI_MAX_THREADS for a kernel without any), since
    thread t writes row t. A Python error before any nogil code, never an out-of-bounds write."""
    if n_threads < 1 or n_threads > TI_MAX_THREADS or n_threads > buffers:
        raise ValueError(f"tradeindex internal error: {n_threads} threads for a kernel with "
                         f"{min(buffers, TI_MAX_THREADS)} per-thread buffers (1 to {TI_MAX_THREADS})")
    return 0
