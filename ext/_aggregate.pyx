# Grouped sums: the per-country / per-cell totals behind TradeFlows.
from cython.parallel cimport prange
from _threads cimport index_t, ti_thread_id


def group_sum(const index_t[::1] key, const double[::1] values, double[:, ::1] out,
              int n_threads):
    """out[t, key[r]] += values[r], each thread t owning one row of `out` (zeroed by the caller).

    The caller sums `out` over its first axis; a thread's rows are contiguous (static schedule).
    """
    cdef Py_ssize_t r, n = key.shape[0]
    cdef int t
    for r in prange(n, nogil=True, schedule="static", num_threads=n_threads):
        t = ti_thread_id()
        out[t, key[r]] += values[r]
