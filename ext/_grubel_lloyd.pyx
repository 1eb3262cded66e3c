# Grubel-Lloyd family: mirror matching of flows (y, i, j, p) with (y, j, i, p).
#
# 1. pair_count: one pass counts the flows of every bucket b = (y*C + i)*C + j (per thread) and
#    detects whether the rows already come sorted by b, and by product within b (BACI files do).
# 2. pair_scatter (only for unsorted input): a stable parallel two-pass counting sort of
#    (product, value, quantity) by bucket. No hash join, no comparison sort.
# 3. bilateral / reporter_groups: per pair (i < j) or per (reporter, partner group), the flows of
#    the X side and of the M side are added into a small dense per-thread buffer indexed by
#    product (duplicates add up), then every product present is classified once (an epoch stamp
#    per product marks it done) and the buffers are cleared by the same passes. Pairs whose runs
#    are sorted by product (BACI order) are merged directly instead.
# Each output cell is owned by one thread (static schedule): no races, and the same result for any
# thread count (the order of additions within a cell does not depend on the threads).
from cython.parallel cimport prange
from libc.float cimport DBL_MAX
from libc.math cimport fabs, fmin, fmax, NAN
from libc.stdint cimport int64_t
from _threads cimport TI_MAX_THREADS, index_t, ti_check_threads, ti_thread_id

# Modes (what is accumulated per product) and the number of outputs K of each.
cdef enum:
    GL = 0     # K = 2: sum 2*min(x, m); sum (x + m) (or the adjusted denominator)
    GHM = 1    # K = 5: one-way part; overlap 2*min horizontal / vertical up / down / unallocated
    FF = 2     # K = 5: whole flows: one-way; two-way horizontal / vertical up / down / unallocated
    MIIT = 3   # K = 3: sum |dx|+|dm|-|dx-dm|; sum |dx|+|dm|; sum dx-dm
    ADJ_NONE = 0
    ADJ_IMBALANCE = 1
    ADJ_AQUINO = 2


cdef inline void _product(double x, double m, double qx, double qm, int mode, double lo,
                          double hi, double* o) noexcept nogil:
    """Add one product's contribution (X = x, M = m; quantities qx, qm) to the outputs o."""
    cdef double small, share, ratio
    cdef int k
    if mode == GL:
        o[0] += 2.0 * fmin(x, m)
        o[1] += x + m
        return
    if mode == MIIT:
        o[0] += fabs(x) + fabs(m) - fabs(x - m)
        o[1] += fabs(x) + fabs(m)
        o[2] += x - m
        return
    small = fmin(x, m)
    if x + m <= 0:
        return
    if mode == GHM:
        share = 2.0 * small
        o[0] += x + m - share
        if share <= 0:
            return
    elif small <= 0.1 * fmax(x, m):  # FF: one-way when the minor flow is at most 10% of the major
        o[0] += x + m
        return
    else:
        share = x + m
    if qx > 0 and qm > 0:  # NaN (missing quantity) compares false: unallocated
        ratio = (x / qx) / (m / qm)
        k = 1 if ratio >= lo and ratio <= hi else (2 if ratio > hi else 3)
    else:
        k = 4
    o[k] += share


cdef inline double _add(const index_t* prod, const double* val, const double* qty, bint has_q,
                        int64_t a, int64_t b, double* bv, double* bq) noexcept nogil:
    """buffer[prod[r]] += val[r] (and quantities) for rows a..b; returns the sum of values."""
    cdef int64_t r
    cdef double s = 0.0
    for r in range(a, b):
        bv[prod[r]] += val[r]
        s += val[r]
        if has_q:
            bq[prod[r]] += qty[r]
    return s


cdef inline void _settle(const index_t* prod, int64_t a, int64_t b, int64_t epoch,
                         int64_t* stamp, double* bx, double* bm, double* qx, double* qm,
                         double sx, double sm, int mode, double lo, double hi, bint has_q,
                         double* o1, double* o2, double* xm) noexcept nogil:
    """Classify each product of rows a..b not yet done in this epoch (o1: X's side, o2: M's side,
    xm: per-product x, m when not NULL) and clear its buffer cells."""
    cdef int64_t r
    cdef index_t p
    cdef double nan = NAN
    for r in range(a, b):
        p = prod[r]
        if stamp[p] == epoch:
            continue
        stamp[p] = epoch
        if has_q:
            _product(bx[p] * sx, bm[p] * sm, qx[p], qm[p], mode, lo, hi, o1)
            if o2 != NULL:
                _product(bm[p] * sm, bx[p] * sx, qm[p], qx[p], mode, lo, hi, o2)
        else:
            _product(bx[p] * sx, bm[p] * sm, nan, nan, mode, lo, hi, o1)
            if o2 != NULL:
                _product(bm[p] * sm, bx[p] * sx, nan, nan, mode, lo, hi, o2)
        if xm != NULL:
            xm[2 * p] = bx[p]
            xm[2 * p + 1] = bm[p]
        bx[p] = 0.0
        bm[p] = 0.0
        qx[p] = 0.0
        qm[p] = 0.0


cdef inline void _finish(int adjust, int mode, double xt, double mt, double* o) noexcept nogil:
    """The Grubel-Lloyd denominator adjustments, once the pair's totals are known."""
    if mode != GL:
        return
    if adjust == ADJ_IMBALANCE:  # X + M - |X - M|, as 2 min(X, M): no cancellation when X << M
        o[1] = 2.0 * fmin(xt, mt)
    elif adjust == ADJ_AQUINO and (xt <= 0 or mt <= 0):
        o[1] = 0.0


cdef inline const double* _first(const double[::1] a) noexcept nogil:
    """Pointer to an optional column (quantities), NULL when it is empty."""
    return &a[0] if a.shape[0] > 0 else NULL


cdef inline double _total(const double* val, int64_t a, int64_t b) noexcept nogil:
    cdef double s = 0.0
    cdef int64_t r
    for r in range(a, b):
        s += val[r]
    return s


cdef inline (double, double) _aquino(int adjust, double xt, double mt) noexcept nogil:
    """Aquino's factors putting X and M at half of the total each (1, 1 without the adjustment)."""
    if adjust == ADJ_AQUINO and xt > 0 and mt > 0:
        return (xt + mt) / (2.0 * xt), (xt + mt) / (2.0 * mt)
    return 1.0, 1.0


cdef inline void _store(int adjust, int mode, double xt, double mt, double* o1, double* o2,
                        double[:, :, :, ::1] out, double[:, :, ::1] totals, Py_ssize_t y,
                        Py_ssize_t i, Py_ssize_t j, Py_ssize_t K) noexcept nogil:
    """Write pair (i, j)'s sums from both sides and its totals."""
    cdef Py_ssize_t k
    _finish(adjust, mode, xt, mt, o1)
    _finish(adjust, mode, mt, xt, o2)
    for k in range(K):
        out[y, i, j, k] = o1[k]
        out[y, j, i, k] = o2[k]
    totals[y, i, j] = xt
    totals[y, j, i] = mt


def pair_count(const index_t[::1] year, const index_t[::1] exporter, const index_t[::1] importer,
               const index_t[::1] product, const double[::1] value, Py_ssize_t y0,
               Py_ssize_t n_countries, Py_ssize_t n_products, bint check, int64_t[:, ::1] counts,
               int64_t[::1] offsets, int n_threads):
    """Count flows per bucket (y*C + i)*C + j (y = year - y0; `year` may be empty: one year).

    counts (T x B, zeroed; T row blocks of the input, one per thread) keep the per-thread counts;
    offsets (B + 1) get the bucket starts. Returns 2 when the rows are sorted by (bucket, product)
    without repeats (BACI's order: the runs are then merged as they are), 1 when sorted by bucket
    only (rows offsets[b]..offsets[b+1] of the input are bucket b), 0 otherwise (sort first).
    With `check`, returns -1 when a row has a country id outside [0, C), exporter == importer, a
    product id outside [0, P) or a value not finite and >= 0 (such rows are not counted).
    """
    cdef Py_ssize_t n = exporter.shape[0], nb = counts.shape[1], C = n_countries
    cdef Py_ssize_t t, r, b, a, e, prev
    cdef int nt = counts.shape[0]
    cdef bint has_year = year.shape[0] > 0
    cdef int unsorted = 0, unmerged = 0, bad = 0
    cdef int64_t run
    ti_check_threads(n_threads, TI_MAX_THREADS)
    for t in prange(nt, nogil=True, schedule="static", num_threads=n_threads):
        a = n * t // nt
        e = n * (t + 1) // nt
        prev = -1
        if a > 0 and a < e:
            prev = ((year[a - 1] - y0) * C if has_year else 0) * C + exporter[a - 1] * C + importer[a - 1]
        for r in range(a, e):
            if check and (exporter[r] < 0 or exporter[r] >= C or importer[r] < 0 or importer[r] >= C
                          or exporter[r] == importer[r] or product[r] < 0 or product[r] >= n_products
                          or not (value[r] >= 0 and value[r] <= DBL_MAX)):
                bad += 1
                continue
            b = ((year[r] - y0) * C if has_year else 0) * C + exporter[r] * C + importer[r]
            counts[t, b] += 1
            if b < prev:
                unsorted += 1
            elif b == prev and product[r] <= product[r - 1]:
                unmerged += 1
            prev = b
    run = 0
    for b in range(nb):
        offsets[b] = run
        for t in range(nt):
            run += counts[t, b]
    offsets[nb] = run
    return -1 if bad else (0 if unsorted else (1 if unmerged else 2))


def pair_scatter(const index_t[::1] year, const index_t[::1] exporter, const index_t[::1] importer,
                 const index_t[::1] product, const double[::1] value, const double[::1] quantity,
                 Py_ssize_t y0, Py_ssize_t n_countries, Py_ssize_t n_products,
                 const int64_t[:, ::1] counts, const int64_t[::1] offsets, int64_t[:, ::1] cursors,
                 index_t[::1] product_out, double[::1] value_out, double[::1] quantity_out,
                 index_t[:, ::1] key_scratch, double[:, ::1] value_scratch,
                 double[:, ::1] quantity_scratch, int n_threads):
    """Stable two-pass counting sort of (product, value[, quantity]) by bucket, with the counts
    and offsets of `pair_count`. Pass 1 moves rows to their (year, exporter) block of the outputs
    (importer * P + product packed in product_out); pass 2 orders each block by importer in
    place, through a per-thread scratch as long as the largest block. A few hundred write
    streams per pass instead of C*C; extra memory: the outputs and the scratch.
    cursors: T x Y*C; `quantity` may be empty (then not sorted)."""
    cdef Py_ssize_t n = exporter.shape[0], C = n_countries, P = n_products
    cdef Py_ssize_t nh = cursors.shape[1], t, r, h, j, a, e
    cdef int64_t pos, run
    cdef int nt = cursors.shape[0]
    cdef bint has_year = year.shape[0] > 0, has_q = quantity.shape[0] > 0
    cdef index_t packed
    ti_check_threads(n_threads, min(cursors.shape[0], key_scratch.shape[0], value_scratch.shape[0],
                                    quantity_scratch.shape[0] if has_q else TI_MAX_THREADS))
    for h in range(nh):  # cursors[t, h]: where thread t writes its first row of block h
        run = offsets[h * C]
        for t in range(nt):
            cursors[t, h] = run
            for j in range(C):
                run = run + counts[t, h * C + j]
    for t in prange(nt, nogil=True, schedule="static", num_threads=n_threads):
        a = n * t // nt
        e = n * (t + 1) // nt
        for r in range(a, e):
            h = ((year[r] - y0) * C if has_year else 0) + exporter[r]
            pos = cursors[t, h]
            cursors[t, h] = pos + 1
            product_out[pos] = importer[r] * P + product[r]
            value_out[pos] = value[r]
            if has_q:
                quantity_out[pos] = quantity[r]
    for h in prange(nh, nogil=True, schedule="static", chunksize=1, num_threads=n_threads):
        t = ti_thread_id()
        a = offsets[h * C]
        e = offsets[h * C + C]
        for r in range(a, e):
            key_scratch[t, r - a] = product_out[r]
            value_scratch[t, r - a] = value_out[r]
            if has_q:
                quantity_scratch[t, r - a] = quantity_out[r]
        for j in range(C):
            cursors[t, j] = offsets[h * C + j]
        for r in range(e - a):
            packed = key_scratch[t, r]
            j = packed // P
            pos = cursors[t, j]
            cursors[t, j] = pos + 1
            product_out[pos] = packed - j * P
            value_out[pos] = value_scratch[t, r]
            if has_q:
                quantity_out[pos] = quantity_scratch[t, r]


cdef inline double _gl_buffer(const index_t* prod, const double* val, int64_t a, int64_t ae,
                              int64_t b, int64_t be, int adjust, int64_t epoch, int64_t* stamp,
                              double* bx, double* bm, double* xt, double* mt) noexcept nogil:
    """GL on runs in any order (repeats add up): the totals xt, mt of the runs and the sum over
    products of min(X_p, M_p) (Aquino-scaled when asked), each product once, using the dense
    buffers bx, bm (left zeroed). Faster than merging even product-sorted runs."""
    cdef double s = 0.0, sx = 0.0, sm = 0.0
    cdef int64_t r
    cdef index_t p
    for r in range(a, ae):
        bx[prod[r]] += val[r]
        sx += val[r]
    for r in range(b, be):
        bm[prod[r]] += val[r]
        sm += val[r]
    xt[0] = sx
    mt[0] = sm
    sx, sm = _aquino(adjust, sx, sm)
    for r in range(b, be):
        p = prod[r]
        if stamp[p] != epoch:
            stamp[p] = epoch
            s += fmin(bx[p] * sx, bm[p] * sm)
            bm[p] = 0.0
    for r in range(a, ae):
        bx[prod[r]] = 0.0
    return s


cdef inline double _gl_unique(const index_t* prod, const double* val, int64_t a, int64_t ae,
                              int64_t b, int64_t be, double* bx, double* xt,
                              double* mt) noexcept nogil:
    """_gl_buffer for runs without repeated products (BACI order): X into the buffer, one pass
    over M taking min(X_p, M_p), then X cleared; no stamps, no M buffer. Two accumulators per
    sum (even and odd rows) halve the floating-point add chains."""
    cdef double s0 = 0.0, s1 = 0.0, x0 = 0.0, x1 = 0.0, m0 = 0.0, m1 = 0.0
    cdef int64_t r
    for r in range(a, ae - 1, 2):
        bx[prod[r]] = val[r]
        bx[prod[r + 1]] = val[r + 1]
        x0 += val[r]
        x1 += val[r + 1]
    if (ae - a) % 2:
        bx[prod[ae - 1]] = val[ae - 1]
        x0 += val[ae - 1]
    for r in range(b, be - 1, 2):
        s0 += fmin(bx[prod[r]], val[r])
        s1 += fmin(bx[prod[r + 1]], val[r + 1])
        m0 += val[r]
        m1 += val[r + 1]
    if (be - b) % 2:
        s0 += fmin(bx[prod[be - 1]], val[be - 1])
        m0 += val[be - 1]
    for r in range(a, ae):
        bx[prod[r]] = 0.0
    xt[0] = x0 + x1
    mt[0] = m0 + m1
    return s0 + s1


cdef inline void _merge(const index_t* prod, const double* val, const double* qty, bint has_q,
                        int64_t a, int64_t ae, int64_t b, int64_t be, double sx, double sm,
                        int mode, double lo, double hi, double* o1, double* o2) noexcept nogil:
    """The product-sorted, repeat-free runs a..ae (X) and b..be (M) merged: each product once."""
    cdef double x, m, qx, qm
    cdef double nan = NAN
    while a < ae or b < be:
        qx = nan
        qm = nan
        if b >= be or (a < ae and prod[a] < prod[b]):
            x = val[a] * sx
            m = 0.0
            if has_q:
                qx = qty[a]
            a = a + 1
        elif a >= ae or prod[b] < prod[a]:
            x = 0.0
            m = val[b] * sm
            if has_q:
                qm = qty[b]
            b = b + 1
        else:
            x = val[a] * sx
            m = val[b] * sm
            if has_q:
                qx = qty[a]
                qm = qty[b]
            a = a + 1
            b = b + 1
        _product(x, m, qx, qm, mode, lo, hi, o1)
        _product(m, x, qm, qx, mode, lo, hi, o2)


def bilateral(const int64_t[::1] offsets, const index_t[::1] product, const double[::1] value,
              const double[::1] quantity, Py_ssize_t n_years, Py_ssize_t n_countries, bint merged,
              int mode, int adjust, double lo, double hi, double[:, :, ::1] buf, int64_t[:, ::1] stamp,
              double[:, ::1] work, double[:, :, :, ::1] out, double[:, :, ::1] totals,
              int n_threads):
    """Every pair i < j of every year: X = flows i -> j, M = flows j -> i, product by product.

    out (Y x C x C x K, zeroed) gets the mode's sums from i's side at [y, i, j] and from j's side
    at [y, j, i]; totals[y, i, j] the total of flows i -> j. `merged`: the runs are sorted by
    product without repeats (pair_count returned 2): the lighter paths apply. buf (T x 4 x P,
    zeroed), stamp (T x P, -1) and work (T x 10) are the per-thread product buffers and scratch.
    """
    cdef Py_ssize_t C = n_countries, q, i, j, y
    cdef int t, k
    cdef int64_t bx, bm, epoch
    cdef double xt, mt, sx, sm
    cdef double* o1
    cdef double* o2
    cdef const double* qptr = _first(quantity)
    cdef bint has_q = qptr != NULL
    cdef Py_ssize_t K = out.shape[3]
    ti_check_threads(n_threads, min(buf.shape[0], stamp.shape[0], work.shape[0]))
    if product.shape[0] == 0:
        return
    for q in prange(n_years * C, nogil=True, schedule="static", chunksize=1, num_threads=n_threads):
        t = ti_thread_id()
        o1 = &work[t, 0]
        o2 = &work[t, 5]
        y = q // C
        i = q % C
        for j in range(i + 1, C):
            bx = q * C + j
            bm = (y * C + j) * C + i
            if offsets[bx] == offsets[bx + 1] and offsets[bm] == offsets[bm + 1]:
                continue
            for k in range(5):
                o1[k] = 0.0
                o2[k] = 0.0
            if mode == GL:  # symmetric: min(x, m) summed once, from either side
                if merged and adjust != ADJ_AQUINO:
                    o1[0] = 2.0 * _gl_unique(&product[0], &value[0], offsets[bx], offsets[bx + 1],
                                             offsets[bm], offsets[bm + 1], &buf[t, 0, 0], &xt, &mt)
                else:
                    o1[0] = 2.0 * _gl_buffer(&product[0], &value[0], offsets[bx], offsets[bx + 1],
                                             offsets[bm], offsets[bm + 1], adjust, q * C + j,
                                             &stamp[t, 0], &buf[t, 0, 0], &buf[t, 1, 0], &xt, &mt)
                o1[1] = xt + mt
                o2[0] = o1[0]
                o2[1] = o1[1]
                _store(adjust, mode, xt, mt, o1, o2, out, totals, y, i, j, K)
                continue
            xt = _total(&value[0], offsets[bx], offsets[bx + 1])
            mt = _total(&value[0], offsets[bm], offsets[bm + 1])
            sx, sm = _aquino(adjust, xt, mt)
            if merged:
                _merge(&product[0], &value[0], qptr, has_q, offsets[bx], offsets[bx + 1], offsets[bm],
                       offsets[bm + 1], sx, sm, mode, lo, hi, o1, o2)
                _store(adjust, mode, xt, mt, o1, o2, out, totals, y, i, j, K)
                continue
            _add(&product[0], &value[0], qptr, has_q, offsets[bx], offsets[bx + 1], &buf[t, 0, 0],
                 &buf[t, 2, 0])
            _add(&product[0], &value[0], qptr, has_q, offsets[bm], offsets[bm + 1], &buf[t, 1, 0],
                 &buf[t, 3, 0])
            epoch = q * C + j
            _settle(&product[0], offsets[bm], offsets[bm + 1], epoch, &stamp[t, 0], &buf[t, 0, 0],
                    &buf[t, 1, 0], &buf[t, 2, 0], &buf[t, 3, 0], sx, sm, mode, lo, hi, has_q,
                    o1, o2, NULL)
            _settle(&product[0], offsets[bx], offsets[bx + 1], epoch, &stamp[t, 0], &buf[t, 0, 0],
                    &buf[t, 1, 0], &buf[t, 2, 0], &buf[t, 3, 0], sx, sm, mode, lo, hi, has_q,
                    o1, o2, NULL)
            _store(adjust, mode, xt, mt, o1, o2, out, totals, y, i, j, K)


def reporter_groups(const int64_t[::1] offsets, const index_t[::1] product,
                    const double[::1] value, const double[::1] quantity, Py_ssize_t n_years,
                    Py_ssize_t n_countries, const index_t[::1] reporters,
                    const index_t[::1] group_ptr, const index_t[::1] members, int mode,
                    int adjust, double lo, double hi, double[:, :, ::1] buf,
                    int64_t[:, ::1] stamp, double[:, ::1] work, double[:, :, :, ::1] out,
                    double[:, :, :, ::1] totals, double[:, :, :, :, ::1] xm, bint want_xm,
                    int n_threads):
    """Each reporter r against each partner group g (members[group_ptr[g]:group_ptr[g+1]]; r
    itself skipped): X = r's exports to the group, M = r's imports from it, summed over partners
    per product before the per-product classification.

    out (Y x R x G x K, zeroed) gets the mode's sums; totals (Y x R x G x 2) X and M; xm
    (Y x R x G x P x 2, zeroed) the per-product X and M when `want_xm` (else any shape).
    """
    cdef Py_ssize_t C = n_countries, R = reporters.shape[0], G = group_ptr.shape[0] - 1
    cdef Py_ssize_t q, y, ri, g, c, s, k
    cdef int t
    cdef int64_t bx, bm
    cdef index_t r, jc
    cdef double xt, mt, sx, sm
    cdef double* o1
    cdef const double* qptr = _first(quantity)
    cdef bint has_q = qptr != NULL
    cdef double* xmp
    cdef Py_ssize_t K = out.shape[3]
    ti_check_threads(n_threads, min(buf.shape[0], stamp.shape[0], work.shape[0]))
    if product.shape[0] == 0:
        return
    for q in prange(n_years * R, nogil=True, schedule="static", chunksize=1, num_threads=n_threads):
        t = ti_thread_id()
        o1 = &work[t, 0]
        y = q // R
        ri = q % R
        r = reporters[ri]
        for g in range(G):
            for k in range(5):
                o1[k] = 0.0
            xt = 0.0
            mt = 0.0
            for s in range(group_ptr[g], group_ptr[g + 1]):
                jc = members[s]
                if jc == r:
                    continue
                bx = (y * C + r) * C + jc
                bm = (y * C + jc) * C + r
                xt = xt + _add(&product[0], &value[0], qptr, has_q, offsets[bx], offsets[bx + 1],
                               &buf[t, 0, 0], &buf[t, 2, 0])
                mt = mt + _add(&product[0], &value[0], qptr, has_q, offsets[bm], offsets[bm + 1],
                               &buf[t, 1, 0], &buf[t, 3, 0])
            sx, sm = _aquino(adjust, xt, mt)
            xmp = &xm[y, ri, g, 0, 0] if want_xm else NULL
            for s in range(group_ptr[g], group_ptr[g + 1]):
                jc = members[s]
                if jc == r:
                    continue
                bx = (y * C + r) * C + jc
                bm = (y * C + jc) * C + r
                _settle(&product[0], offsets[bm], offsets[bm + 1], q * G + g, &stamp[t, 0],
                        &buf[t, 0, 0], &buf[t, 1, 0], &buf[t, 2, 0], &buf[t, 3, 0], sx, sm, mode,
                        lo, hi, has_q, o1, NULL, xmp)
                _settle(&product[0], offsets[bx], offsets[bx + 1], q * G + g, &stamp[t, 0],
                        &buf[t, 0, 0], &buf[t, 1, 0], &buf[t, 2, 0], &buf[t, 3, 0], sx, sm, mode,
                        lo, hi, has_q, o1, NULL, xmp)
            _finish(adjust, mode, xt, mt, o1)
            for k in range(K):
                out[y, ri, g, k] = o1[k]
            totals[y, ri, g, 0] = xt
            totals[y, ri, g, 1] = mt
