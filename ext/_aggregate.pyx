# Grouped sums behind TradeFlows: per-country / per-cell totals, duplicate detection, and product
# recoding (HS6 -> HS4, HS -> SITC, duplicates summed) as one aggregation pass over flows in
# (year, exporter, importer) bucket order.
#
# cell_sum: out[t, a[r] * n_b + b[r]] += values[r], e.g. a = exporter, b = product (country x
# product totals) or a = exporter, b = importer (the C x C bilateral totals). The key is formed in
# registers (no n-sized int64 key array), and a run of rows with the same key - BACI ships flows
# sorted by (exporter, importer, product) - is summed in a register and stored once.
from cython.parallel cimport prange
from libc.stdint cimport int32_t, int64_t, uint8_t
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


def cell_sum(const index_t[::1] a, const index_t[::1] b, const double[::1] values, int64_t n_b,
             double[:, ::1] out, int n_threads, const index_t[::1] c=None, const index_t[::1] shift=None):
    """out[t, (a[r] + shift[c[r]]) * n_b + b[r]] += values[r] (shift and c optional: without them
    the row is a[r]); thread t owns row t of `out` (zeroed by the caller, one row per thread) and
    a contiguous block of input rows. The caller sums `out` over its first axis. Ids must be in
    range (checked by the caller). The shift lets a third column move a row into another block
    of rows - e.g. exports to a group's members below those to the rest - without an n-sized
    key array."""
    cdef Py_ssize_t n = values.shape[0], chunk = (values.shape[0] + n_threads - 1) // n_threads
    cdef Py_ssize_t t, r, start, stop
    cdef int64_t key, prev
    cdef double run
    cdef bint shifted = shift is not None
    for t in prange(n_threads, nogil=True, schedule="static", num_threads=n_threads):
        start = t * chunk
        stop = start + chunk if start + chunk < n else n
        if start < stop:
            prev = -1
            run = 0.0
            for r in range(start, stop):
                key = a[r]
                if shifted:
                    key = key + shift[c[r]]
                key = key * n_b + b[r]
                if key != prev:
                    if prev >= 0:
                        out[t, prev] = out[t, prev] + run
                    run = 0.0
                    prev = key
                run = run + values[r]
            out[t, prev] = out[t, prev] + run


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


cdef inline void _sort_small(int32_t* a, Py_ssize_t k) noexcept nogil:
    """Shell sort of k ints (Ciura's gaps; insertion sort for k <= 16)."""
    cdef int gaps[8]
    cdef Py_ssize_t g, i, j, h
    cdef int32_t v
    gaps[:] = [701, 301, 132, 57, 23, 10, 4, 1]
    for g in range(8):
        h = gaps[g]
        if h >= k:
            continue
        for i in range(h, k):
            v = a[i]
            j = i
            while j >= h and a[j - h] > v:
                a[j] = a[j - h]
                j -= h
            a[j] = v


def recode(const int64_t[::1] offsets, const index_t[::1] product, const double[::1] value,
           const double[::1] quantity, const int32_t[::1] new_id, Py_ssize_t n_countries,
           int32_t first_year, int64_t[::1] out_offsets, int32_t[::1] out_year,
           int32_t[::1] out_exporter, int32_t[::1] out_importer, int32_t[::1] out_product,
           double[::1] out_value, double[::1] out_quantity, int64_t[:, ::1] stamp,
           double[:, ::1] buf_v, double[:, ::1] buf_q, int32_t[:, ::1] touched, double[:, ::1] lost,
           bint write, int n_threads):
    """Sum the flows of each (year, exporter, importer) bucket b (rows offsets[b]..offsets[b+1]
    of product / value / quantity) by new product new_id[product] (-1: left out).

    write=False: out_offsets[b + 1] = the number of distinct new products of bucket b (the caller
    turns out_offsets into a prefix sum), and lost[t] (T x 2, zeroed) the number and value of
    the rows left out. write=True: bucket b's flows, sorted by new product,
    go to rows out_offsets[b].. of out_* (exporter, importer and year from b; out_year and the
    quantities only when not empty; a quantity sum is NaN when any part is). stamp (T x P_new,
    -1), buf_v / buf_q (T x P_new, zeroed) and touched (T x P_new + 1) are per-thread scratch, left
    as found. Each bucket is owned by one thread: the same result for any thread count."""
    cdef Py_ssize_t n_buckets = offsets.shape[0] - 1, C = n_countries, b, r, k, i
    cdef Py_ssize_t n_new = stamp.shape[1]
    if touched.shape[1] <= n_new:
        raise ValueError("recode: touched needs P_new + 1 columns")
    cdef int t
    cdef int32_t p
    cdef int64_t o
    cdef bint has_q = quantity.shape[0] > 0 and out_quantity.shape[0] > 0
    cdef bint has_year = out_year.shape[0] > 0
    for b in prange(n_buckets, nogil=True, schedule="static", chunksize=64, num_threads=n_threads):
        if offsets[b] == offsets[b + 1]:
            if not write:
                out_offsets[b + 1] = 0
            continue
        t = ti_thread_id()
        k = 0
        for r in range(offsets[b], offsets[b + 1]):
            p = new_id[product[r]]
            if p < 0:
                if not write:
                    lost[t, 0] += 1
                    lost[t, 1] += value[r]
                continue
            touched[t, k] = p  # kept when p is new to the bucket (branch-free: the test is
            k = k + (stamp[t, p] != b)  # a coin toss on BACI rows, a mispredicted branch)
            stamp[t, p] = b
            if write:
                buf_v[t, p] += value[r]
                if has_q:
                    buf_q[t, p] += quantity[r]
        if not write:
            out_offsets[b + 1] = k
            for i in range(k):
                stamp[t, touched[t, i]] = -1
            continue
        if 8 * k >= n_new:  # many products: one ordered sweep over the buffer
            k = 0
            for i in range(n_new):
                if stamp[t, i] == b:
                    touched[t, k] = <int32_t>i
                    k = k + 1
        else:
            _sort_small(&touched[t, 0], k)
        o = out_offsets[b]
        for i in range(k):
            p = touched[t, i]
            out_product[o + i] = p
            out_value[o + i] = buf_v[t, p]
            out_exporter[o + i] = <int32_t>((b // C) % C)
            out_importer[o + i] = <int32_t>(b % C)
            if has_year:
                out_year[o + i] = <int32_t>(first_year + b // (C * C))
            if has_q:
                out_quantity[o + i] = buf_q[t, p]
                buf_q[t, p] = 0.0
            buf_v[t, p] = 0.0
            stamp[t, p] = -1


def mark(const index_t[::1] ids, uint8_t[:, ::1] seen, int n_threads, Py_ssize_t low=0):
    """seen[t, ids[r] - low] = 1 for every row (thread t owns a row of `seen`, zeroed by the
    caller; every id in [low, low + seen.shape[1]))."""
    cdef Py_ssize_t r, n = ids.shape[0]
    for r in prange(n, nogil=True, schedule="static", num_threads=n_threads):
        seen[ti_thread_id(), ids[r] - low] = 1
