# Grouped sums: the per-country / per-cell totals behind TradeFlows.
from cython.parallel cimport prange
from libc.stdint cimport int32_t
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


def first_unsorted(const int32_t[::1] year, const int32_t[::1] exporter,
                   const int32_t[::1] importer, const int32_t[::1] product):
    """First row r whose (year, exporter, importer, product) is not strictly greater than row
    r - 1's; n when the rows are sorted and unique (as BACI files are): one O(n) pass, no copies."""
    cdef Py_ssize_t r, n = year.shape[0], first = year.shape[0]
    with nogil:
        for r in range(1, n):
            if year[r] != year[r - 1]:
                if year[r] < year[r - 1]:
                    first = r
                    break
            elif exporter[r] != exporter[r - 1]:
                if exporter[r] < exporter[r - 1]:
                    first = r
                    break
            elif importer[r] != importer[r - 1]:
                if importer[r] < importer[r - 1]:
                    first = r
                    break
            elif product[r] <= product[r - 1]:
                first = r
                break
    return first
