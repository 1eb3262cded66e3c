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
    const char* TRADEINDEX_CFLAGS
    const char* TI_SIMD
    int ti_max_threads() nogil
    int ti_thread_id() nogil

from libc.stdint cimport int32_t, int64_t

# Index dtypes accepted by every kernel (ids, indptr, indices).
ctypedef fused index_t:
    int32_t
    int64_t
