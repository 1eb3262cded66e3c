# Grouped sums: the per-country / per-cell totals behind TradeFlows.
from cython.parallel cimport prange
from libc.stdint cimport int32_t, int64_t
from _threads cimport index_t, ti_check_threads, ti_thread_id


def group_sum(const index_t[::1] key, const double[::1] values, double[:, ::1] out,
              int n_threads):
    """out[t, key[r]] += values[r], each thread t owning one row of `out` (zeroed by the caller).

    The caller sums `out` over its first axis; a thread's rows are contiguous (static schedule).
    """
    cdef Py_ssize_t r, n = key.shape[0]
    cdef int t
    ti_check_threads(n_threads, out.shape[0])
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


def count_duplicates(const int32_t[::1] year, const int32_t[::1] exporter,
                     const int32_t[::1] importer, const int32_t[::1] product, int32_t first_year,
                     int64_t n_countries, int64_t[::1] offsets, int64_t[::1] rows, int64_t[::1] stamp):
    """Rows repeating an earlier (year, exporter, importer, product), in O(n) without sorting:
    a counting sort of rows by (year, exporter, importer) bucket, then, bucket by bucket, a mark
    per product in `stamp`. Work arrays from the caller: `offsets` (buckets + 1, zeroed), `rows`
    (n), `stamp` (products, filled with -1)."""
    cdef Py_ssize_t r, n = year.shape[0], b, n_buckets = offsets.shape[0] - 1
    cdef int64_t dup = 0, s
    with nogil:
        for r in range(n):
            b = ((year[r] - first_year) * n_countries + exporter[r]) * n_countries + importer[r]
            offsets[b + 1] += 1
        for b in range(n_buckets):
            offsets[b + 1] += offsets[b]
        for r in range(n):
            b = ((year[r] - first_year) * n_countries + exporter[r]) * n_countries + importer[r]
            rows[offsets[b]] = r
            offsets[b] += 1
        # offsets[b] is now the end of bucket b (the start of b + 1)
        s = 0
        for b in range(n_buckets):
            for r in range(s, offsets[b]):
                if stamp[product[rows[r]]] == b:
                    dup += 1
                stamp[product[rows[r]]] = b
            s = offsets[b]
    return dup
