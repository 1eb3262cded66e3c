# Two-key sums behind the trade indicators (RCA, trade intensity, concentration, specialisation):
#     out[t, a[r] * n_b + b[r]] += values[r]
# e.g. a = exporter, b = product (country x product totals) or a = exporter, b = importer (the
# C x C bilateral totals). The key is formed in registers (no n-sized int64 key array), and a run
# of rows with the same key - BACI ships flows sorted by (exporter, importer, product) - is summed
# in a register and stored once, instead of one read-modify-write of `out` per row.
from cython.parallel cimport prange
from libc.stdint cimport int64_t
from _threads cimport index_t


def cell_sum(const index_t[::1] a, const index_t[::1] b, const double[::1] values, int64_t n_b,
             double[:, ::1] out, int n_threads):
    """out[t, a[r] * n_b + b[r]] += values[r]; thread t owns row t of `out` (zeroed by the
    caller, one row per thread) and a contiguous block of input rows. The caller sums `out` over
    its first axis. Ids must be in range (checked by the caller)."""
    cdef Py_ssize_t n = values.shape[0], chunk = (values.shape[0] + n_threads - 1) // n_threads
    cdef Py_ssize_t t, r, start, stop
    cdef int64_t key, prev
    cdef double run
    for t in prange(n_threads, nogil=True, schedule="static", num_threads=n_threads):
        start = t * chunk
        stop = start + chunk if start + chunk < n else n
        if start < stop:
            prev = a[start] * n_b + b[start]
            run = 0.0
            for r in range(start, stop):
                key = a[r] * n_b + b[r]
                if key != prev:
                    out[t, prev] = out[t, prev] + run
                    run = 0.0
                    prev = key
                run = run + values[r]
            out[t, prev] = out[t, prev] + run
