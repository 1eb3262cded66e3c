# Ingestion: one parallel pass over a batch of raw flow columns (Arrow buffers seen as NumPy
# arrays) that checks every row, marks which country and product keys occur and copies the
# columns into the flows' own arrays; then one pass mapping the keys to dense ids in place and
# one read-only pass checking the (year, exporter, importer, product) order.
#
# Keys are non-negative integers below the size of the `seen` arrays (the caller checks the
# range and maps text or large codes to small keys first). Each thread owns one row of every
# `seen` and `bad` array: no races, the same result for any thread count.
from cython.parallel cimport prange
from libc.float cimport DBL_MAX
from libc.stdint cimport int32_t, int64_t, uint8_t
from _threads cimport ti_thread_id

# Checks counted by `scan`, in the order of its `bad` columns.
cdef enum:
    BAD_VALUE = 0       # value NaN, infinite or negative
    BAD_QUANTITY = 1    # quantity infinite or negative (NaN = not reported, allowed)
    SELF_TRADE = 2      # exporter == importer
    N_CHECKS = 3


cdef inline int32_t _key(const int32_t[::1] col, const int32_t[::1] lut, Py_ssize_t r) noexcept nogil:
    return lut[col[r]] if lut.shape[0] > 0 else col[r]


def scan(const int32_t[::1] exporter, const int32_t[::1] importer, const int32_t[::1] product,
         const int32_t[::1] exporter_lut, const int32_t[::1] importer_lut,
         const int32_t[::1] product_lut, const double[::1] value, const double[::1] quantity,
         uint8_t[:, ::1] seen_country, uint8_t[:, ::1] seen_product, int32_t[::1] out_exporter,
         int32_t[::1] out_importer, int32_t[::1] out_product, double[::1] out_value,
         double[::1] out_quantity, int64_t[:, ::1] bad, int n_threads):
    """Check, mark and copy n rows. A column's key is col[r], or lut[col[r]] when its `lut` is
    not empty (dictionary indices). `quantity` and `out_quantity` may be empty (not read).

    bad (T x N_CHECKS, zeroed) counts the failing rows of each check. Failing rows are still
    copied: the caller raises after the pass, locating them with the checks of _validation on
    the copied columns (an error path only). seen_* (T x keys, zeroed) get 1 for every key
    present."""
    cdef Py_ssize_t n = exporter.shape[0], r, a, e
    cdef int t, nt = bad.shape[0]
    cdef bint has_q = quantity.shape[0] > 0 and out_quantity.shape[0] > 0
    cdef double v, q
    cdef int32_t x, m, p
    for t in prange(nt, nogil=True, schedule="static", num_threads=n_threads):
        a = n * t // nt
        e = n * (t + 1) // nt
        for r in range(a, e):
            x = _key(exporter, exporter_lut, r)
            m = _key(importer, importer_lut, r)
            p = _key(product, product_lut, r)
            v = value[r]
            seen_country[t, x] = 1
            seen_country[t, m] = 1
            seen_product[t, p] = 1
            out_exporter[r] = x
            out_importer[r] = m
            out_product[r] = p
            out_value[r] = v
            if not (v >= 0 and v <= DBL_MAX):
                bad[t, BAD_VALUE] += 1
            if x == m:
                bad[t, SELF_TRADE] += 1
            if has_q:
                q = quantity[r]
                out_quantity[r] = q
                if q == q and not (q >= 0 and q <= DBL_MAX):
                    bad[t, BAD_QUANTITY] += 1


def remap(int32_t[::1] exporter, int32_t[::1] importer, int32_t[::1] product,
          const int32_t[::1] country_id, const int32_t[::1] product_id, int n_threads):
    """In place: countries and products from keys to dense ids through the lookup tables."""
    cdef Py_ssize_t n = exporter.shape[0], r
    for r in prange(n, nogil=True, schedule="static", num_threads=n_threads):
        exporter[r] = country_id[exporter[r]]
        importer[r] = country_id[importer[r]]
        product[r] = product_id[product[r]]


cdef inline bint _after(const int32_t[::1] year, bint has_year, const int32_t[::1] exporter,
                        const int32_t[::1] importer, const int32_t[::1] product,
                        Py_ssize_t r) noexcept nogil:
    """Is row r strictly after row r - 1 in (year, exporter, importer, product) order?"""
    if has_year and year[r] != year[r - 1]:
        return year[r] > year[r - 1]
    if exporter[r] != exporter[r - 1]:
        return exporter[r] > exporter[r - 1]
    if importer[r] != importer[r - 1]:
        return importer[r] > importer[r - 1]
    return product[r] > product[r - 1]


def first_unsorted(const int32_t[::1] year, const int32_t[::1] exporter,
                   const int32_t[::1] importer, const int32_t[::1] product,
                   int64_t[::1] first, int n_threads):
    """First row r that is not strictly after row r - 1 in (year, exporter, importer, product)
    order; n when the rows are sorted and unique (as BACI files are). `year` may be empty (one
    year). first (T, filled with n by the caller) is per-thread scratch. Read-only, parallel."""
    cdef Py_ssize_t n = exporter.shape[0], r, a, e, best = n
    cdef int t, nt = first.shape[0]
    cdef bint has_year = year.shape[0] > 0
    for t in prange(nt, nogil=True, schedule="static", num_threads=n_threads):
        a = max(n * t // nt, 1)
        e = n * (t + 1) // nt
        for r in range(a, e):
            if not _after(year, has_year, exporter, importer, product, r):
                first[t] = r
                break
    for t in range(nt):
        best = min(best, first[t])
    return best
