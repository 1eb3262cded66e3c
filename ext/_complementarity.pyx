# Overlap kernels behind trade complementarity and export/import similarity:
#     out[j, k] = sum_p min(X[j, p], M[k, p])
# for share matrices X (C1 x P) and M (C2 x P). Dense: 4 x 4 register tiles over product chunks;
# sparse: row-wise Gustavson (each exporter row of X meets the importer columns of M product by
# product). Every kernel parallelises over exporter rows: a thread owns whole output rows.
from cython.parallel cimport prange
cimport cython
from libc.math cimport INFINITY
from libc.stdint cimport int64_t
from _threads cimport TI_MAX_THREADS, index_t, ti_check_threads, ti_thread_id

cdef extern from *:
    """
    /* 4 x 4 register tile: out[r*4+c] += sum_{p<n} min(x_r[p], m_c[p]). The 16 sums are kept in
       T (float32 or float64) over the n products of one chunk and added to double `out`; the
       omp simd reduction lets gcc vectorise them without -ffast-math (NaN semantics kept). */
    #define TI_TILE(NAME, T)                                                                  \\
    static inline void NAME(const T* x0, const T* x1, const T* x2, const T* x3,               \\
                            const T* m0, const T* m1, const T* m2, const T* m3,               \\
                            Py_ssize_t n, double* out) {                                      \\
        T a00 = 0, a01 = 0, a02 = 0, a03 = 0, a10 = 0, a11 = 0, a12 = 0, a13 = 0;             \\
        T a20 = 0, a21 = 0, a22 = 0, a23 = 0, a30 = 0, a31 = 0, a32 = 0, a33 = 0;             \\
        _Pragma("omp simd reduction(+:a00,a01,a02,a03,a10,a11,a12,a13,a20,a21,a22,a23,a30,a31,a32,a33)") \\
        for (Py_ssize_t p = 0; p < n; p++) {                                                  \\
            T v0 = x0[p], v1 = x1[p], v2 = x2[p], v3 = x3[p];                                 \\
            T w0 = m0[p], w1 = m1[p], w2 = m2[p], w3 = m3[p];                                 \\
            a00 += v0 < w0 ? v0 : w0; a01 += v0 < w1 ? v0 : w1;                               \\
            a02 += v0 < w2 ? v0 : w2; a03 += v0 < w3 ? v0 : w3;                               \\
            a10 += v1 < w0 ? v1 : w0; a11 += v1 < w1 ? v1 : w1;                               \\
            a12 += v1 < w2 ? v1 : w2; a13 += v1 < w3 ? v1 : w3;                               \\
            a20 += v2 < w0 ? v2 : w0; a21 += v2 < w1 ? v2 : w1;                               \\
            a22 += v2 < w2 ? v2 : w2; a23 += v2 < w3 ? v2 : w3;                               \\
            a30 += v3 < w0 ? v3 : w0; a31 += v3 < w1 ? v3 : w1;                               \\
            a32 += v3 < w2 ? v3 : w2; a33 += v3 < w3 ? v3 : w3;                               \\
        }                                                                                     \\
        out[0] += a00; out[1] += a01; out[2] += a02; out[3] += a03;                           \\
        out[4] += a10; out[5] += a11; out[6] += a12; out[7] += a13;                           \\
        out[8] += a20; out[9] += a21; out[10] += a22; out[11] += a23;                         \\
        out[12] += a30; out[13] += a31; out[14] += a32; out[15] += a33;                       \\
    }
    TI_TILE(ti_tile_d, double)
    TI_TILE(ti_tile_f, float)
    """
    void ti_tile_d(const double* x0, const double* x1, const double* x2, const double* x3,
                   const double* m0, const double* m1, const double* m2, const double* m3,
                   Py_ssize_t n, double* out) noexcept nogil
    void ti_tile_f(const float* x0, const float* x1, const float* x2, const float* x3,
                   const float* m0, const float* m1, const float* m2, const float* m3,
                   Py_ssize_t n, double* out) noexcept nogil

# Cache blocking. A thread computes a block of exporter rows: for each chunk of products, every
# 4-importer tile of M (4 rows x chunk, in L1) meets every 4-exporter tile of the block (block x
# chunk, in L2); M is streamed once per block. Blocks of at most BLOCK_TILES tiles of 4 rows.
# Products per chunk: CHUNK in float64 (longer chunks amortise the 16 horizontal sums per tile:
# 2,048 ~10% faster than 512 at 240 x 5,000); CHUNK_F32 in float32, whose sums never run over
# more than one chunk: 32 terms per AVX-512 lane, 128 per SSE lane, 512 in a build that does not
# vectorise (-O0), which keeps float32 results within ~1e-6 relative in every build.
cdef enum:
    CHUNK = 2048
    CHUNK_F32 = 512
    BLOCK_TILES = 16


cdef inline void _dense_block(const cython.floating[:, ::1] X, const cython.floating[:, ::1] M,
                              Py_ssize_t j0, Py_ssize_t j1, double* dest,
                              Py_ssize_t ld) noexcept nogil:
    """dest[(j - j0) * ld + k] = sum_p min(X[j, p], M[k, p]) for exporters j0 <= j < j1 and
    every importer k. Rows past j1 and importers past the end of M repeat the last one in a tile:
    computed, not stored."""
    cdef Py_ssize_t C2 = M.shape[0], P = X.shape[1]
    cdef Py_ssize_t chunk = CHUNK if cython.floating is double else CHUNK_F32
    cdef Py_ssize_t r, c, j, k0, nr, nc, p0, n, t
    cdef double acc[16]
    cdef const cython.floating* x[4]
    cdef const cython.floating* m[4]
    for r in range((j1 - j0) * ld):
        dest[r] = 0.0
    for t in range((P + chunk - 1) // chunk):
        p0 = t * chunk
        n = min(chunk, P - p0)
        for k0 in range(0, C2, 4):
            nc = min(4, C2 - k0)
            for c in range(4):
                m[c] = &M[k0 + min(c, nc - 1), p0]
            for j in range(j0, j1, 4):
                nr = min(4, j1 - j)
                for r in range(4):
                    x[r] = &X[j + min(r, nr - 1), p0]
                for c in range(16):
                    acc[c] = 0.0
                if cython.floating is double:
                    ti_tile_d(x[0], x[1], x[2], x[3], m[0], m[1], m[2], m[3], n, acc)
                else:
                    ti_tile_f(x[0], x[1], x[2], x[3], m[0], m[1], m[2], m[3], n, acc)
                for r in range(nr):
                    for c in range(nc):
                        dest[(j - j0 + r) * ld + k0 + c] += acc[r * 4 + c]


def overlap_dense(const cython.floating[:, ::1] X, const cython.floating[:, ::1] M,
                  double[:, ::1] out, int n_threads):
    """out[j, k] = sum_p min(X[j, p], M[k, p]); X (C1 x P), M (C2 x P), out (C1 x C2).

    Blocks of whole 4-row tiles, at most BLOCK_TILES, and at least n_threads blocks."""
    cdef Py_ssize_t C1 = X.shape[0], b, n_tiles = (X.shape[0] + 3) // 4
    cdef Py_ssize_t n_blocks = max((n_tiles + BLOCK_TILES - 1) // BLOCK_TILES, min(<Py_ssize_t>n_threads, n_tiles))
    cdef Py_ssize_t rows = 4 * ((n_tiles + n_blocks - 1) // max(n_blocks, 1))
    ti_check_threads(n_threads, TI_MAX_THREADS)
    if M.shape[0] == 0 or C1 == 0:
        return
    for b in prange((C1 + rows - 1) // rows, nogil=True, schedule="static", num_threads=n_threads):
        _dense_block(X, M, b * rows, min(C1, (b + 1) * rows), &out[b * rows, 0], out.shape[1])


cdef inline void _sparse_row(const index_t[::1] xptr, const index_t[::1] xidx,
                             const cython.floating[::1] xval, const index_t[::1] mptr,
                             const index_t[::1] midx, const cython.floating[::1] mval,
                             Py_ssize_t j, double* dest) noexcept nogil:
    """dest[k] += sum over products p of row j of X of min(X[j, p], M[k, p]) (M by columns)."""
    cdef index_t a, b, p
    cdef cython.floating v, w
    for a in range(xptr[j], xptr[j + 1]):
        p = xidx[a]
        v = xval[a]
        for b in range(mptr[p], mptr[p + 1]):
            w = mval[b]
            dest[midx[b]] += v if v < w else w


def overlap_sparse(const index_t[::1] xptr, const index_t[::1] xidx,
                   const cython.floating[::1] xval, const index_t[::1] mptr,
                   const index_t[::1] midx, const cython.floating[::1] mval,
                   double[:, ::1] out, int n_threads):
    """out[j, k] = sum_p min(X[j, p], M[k, p]) with X in CSR (xptr, xidx, xval) and M in CSC
    (mptr over products, midx importer rows, mval); out (C1 x C2) zeroed by the caller."""
    cdef Py_ssize_t j, C1 = out.shape[0]
    ti_check_threads(n_threads, TI_MAX_THREADS)
    if out.shape[1] == 0:
        return
    for j in prange(C1, nogil=True, schedule="static", num_threads=n_threads):
        _sparse_row(xptr, xidx, xval, mptr, midx, mval, j, &out[j, 0])


cdef inline void _keep_best(double v, Py_ssize_t k, double* best_v, index_t* best_k,
                            Py_ssize_t K) noexcept nogil:
    """Insert (v, k) into the sorted top list (higher value first, then lower index)."""
    cdef Py_ssize_t i = K - 1
    if v < best_v[i] or (v == best_v[i] and k >= best_k[i]):
        return
    while i > 0 and (v > best_v[i - 1] or (v == best_v[i - 1] and k < best_k[i - 1])):
        best_v[i] = best_v[i - 1]
        best_k[i] = best_k[i - 1]
        i -= 1
    best_v[i] = v
    best_k[i] = <index_t>k


cdef inline void _reset_best(double* best_v, index_t* best_k, Py_ssize_t K,
                             Py_ssize_t C2) noexcept nogil:
    cdef Py_ssize_t i
    for i in range(K):
        best_v[i] = -INFINITY
        best_k[i] = <index_t>C2


def top_k_dense(const cython.floating[:, ::1] X, const cython.floating[:, ::1] M,
                const int64_t[::1] skip, double[:, :, ::1] scratch, double[:, ::1] top_v,
                index_t[:, ::1] top_k, int n_threads):
    """For each row j of X, the K = top_v.shape[1] importers k with the largest
    sum_p min(X[j, p], M[k, p]) (ties: lower k first), into top_v / top_k (C1 x K), leaving
    out importer skip[j] (a self-pair; -1: none; `skip` may be empty: none anywhere).
    scratch: (n_threads, 4, C2) per-thread rows; the C1 x C2 matrix is never formed."""
    cdef Py_ssize_t t, r, k, j, C2 = M.shape[0], K = top_v.shape[1]
    cdef Py_ssize_t n_tiles = (X.shape[0] + 3) // 4
    cdef bint has_skip = skip.shape[0] > 0
    cdef double* buf
    ti_check_threads(n_threads, scratch.shape[0])
    if C2 == 0 or K == 0:
        return
    for t in prange(n_tiles, nogil=True, schedule="static", num_threads=n_threads):
        buf = &scratch[ti_thread_id(), 0, 0]
        _dense_block(X, M, 4 * t, min(X.shape[0], 4 * t + 4), buf, C2)
        for r in range(min(4, X.shape[0] - 4 * t)):
            j = 4 * t + r
            _reset_best(&top_v[j, 0], &top_k[j, 0], K, C2)
            for k in range(C2):
                if has_skip and k == skip[j]:
                    continue
                _keep_best(buf[r * C2 + k], k, &top_v[j, 0], &top_k[j, 0], K)


cdef inline void _best_of_row(const index_t[::1] xptr, const index_t[::1] xidx,
                              const index_t[::1] mptr, const index_t[::1] midx, Py_ssize_t j,
                              double* buf, Py_ssize_t C2, Py_ssize_t skip, double* best_v,
                              index_t* best_k, Py_ssize_t K) noexcept nogil:
    """Top K of row j's accumulator `buf` (length C2), leaving `buf` zeroed and importer `skip`
    out (-1: none). When the row visited many importers, one pass over all of `buf` in index
    order; otherwise only the visited ones, then importers sharing no product (value 0) in
    index order if fewer than K overlap."""
    cdef Py_ssize_t k, i, n_fill, visits = 0
    cdef index_t a, b
    if skip >= 0:
        buf[skip] = -buf[skip] if buf[skip] > 0 else -1.0  # marked: never chosen, reset below
    _reset_best(best_v, best_k, K, C2)
    for a in range(xptr[j], xptr[j + 1]):
        visits += mptr[xidx[a] + 1] - mptr[xidx[a]]
    if 4 * visits >= C2:  # a sequential pass is cheaper than revisiting twice
        for k in range(C2):
            if k != skip:
                _keep_best(buf[k], k, best_v, best_k, K)
            buf[k] = 0.0
        return
    for a in range(xptr[j], xptr[j + 1]):
        for b in range(mptr[xidx[a]], mptr[xidx[a] + 1]):
            k = midx[b]
            if buf[k] > 0:
                _keep_best(buf[k], k, best_v, best_k, K)
                buf[k] = -buf[k]  # visited: each importer enters the list once
    n_fill = 0
    for i in range(K):
        n_fill += best_v[i] == -INFINITY
    k = 0
    while n_fill > 0 and k < C2:
        if buf[k] == 0:
            _keep_best(0.0, k, best_v, best_k, K)
            n_fill -= 1
        k += 1
    for a in range(xptr[j], xptr[j + 1]):
        for b in range(mptr[xidx[a]], mptr[xidx[a] + 1]):
            buf[midx[b]] = 0.0
    if skip >= 0:
        buf[skip] = 0.0


def top_k_sparse(const index_t[::1] xptr, const index_t[::1] xidx,
                 const cython.floating[::1] xval, const index_t[::1] mptr,
                 const index_t[::1] midx, const cython.floating[::1] mval,
                 const int64_t[::1] skip, double[:, ::1] scratch, double[:, ::1] top_v,
                 index_t[:, ::1] top_k, int n_threads):
    """top_k_dense for X in CSR and M in CSC (stored values must be positive). scratch:
    (n_threads, C2) zeroed by the caller, zero again on return."""
    cdef Py_ssize_t j, C1 = top_v.shape[0], C2 = scratch.shape[1], K = top_v.shape[1]
    cdef bint has_skip = skip.shape[0] > 0
    cdef double* buf
    ti_check_threads(n_threads, scratch.shape[0])
    if C2 == 0 or K == 0:
        return
    for j in prange(C1, nogil=True, schedule="static", num_threads=n_threads):
        buf = &scratch[ti_thread_id(), 0]
        _sparse_row(xptr, xidx, xval, mptr, midx, mval, j, buf)
        _best_of_row(xptr, xidx, mptr, midx, j, buf, C2, skip[j] if has_skip else -1,
                     &top_v[j, 0], &top_k[j, 0], K)
