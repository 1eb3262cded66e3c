"""naive formulas, written differently from the kernels.

Each function follows the published formula literally (pair by pair, with the textbook form of
the index) so that the tests compare two independent computations. The Grubel-Lloyd family uses
plain pandas: outer merges of the flows with their mirror, groupby sums, Python loops over
reporters. Slow and obvious on purpose; those functions work in id space (rows and columns of a
returned matrix are country ids 0..C-1).
"""
import numpy as np
import pandas as pd



def shares_or_nan(values):
    """Row shares in extended precision (np.longdouble); a row without trade is all NaN.

    Each row is first scaled by the power of two of its largest value (exact), so no sum
    overflows and subnormal values count in full even where longdouble is plain double."""
    v = np.asarray(values, dtype=np.float64).astype(np.longdouble)
    if v.shape[1] == 0:
        return np.full(v.shape, np.nan, dtype=np.longdouble)
    exponent = np.frexp(v.max(axis=1, keepdims=True))[1]   # row max = f * 2**exponent
    v = np.ldexp(v, -exponent)
    total = v.sum(axis=1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(total > 0, v / total, np.nan)


def trade_complementarity(X, M, scale=100.0):
    """Michaely (1996): TC_jk = scale * (1 - sum_p |m_kp - x_jp| / 2), exporter by exporter
    (the L1 form, not the min form of the kernels), in extended precision; float64 out."""
    x, m = shares_or_nan(X), shares_or_nan(M)
    out = np.empty((len(x), len(m)))
    for j in range(len(x)):
        out[j] = scale * (1 - 0.5 * np.abs(m - x[j]).sum(axis=1))
    return out


def top_k(values, k):
    """The k largest entries of each row (NaN never chosen; ties to the lower column), padded
    with (NaN, -1)."""
    vals = np.full((len(values), k), np.nan)
    idx = np.full((len(values), k), -1, dtype=np.int64)
    for j, row in enumerate(values):
        ranked = sorted((c for c in range(len(row)) if not np.isnan(row[c])), key=lambda c: (-row[c], c))[:k]
        vals[j, :len(ranked)] = row[ranked]
        idx[j, :len(ranked)] = ranked
    return vals, idx


def gl_arrays(exporter, importer, product, value, n, n_products, adjust=None, scale=1.0):
    """Bilateral Grubel-Lloyd from flow arrays through a dense n x n x P tensor of flows
    (repeated rows added), in extended precision: GL = scale * sum_p ((x + m) - |x - m|) / den
    with den = X + M (imbalance: X + M - |X - M|; Aquino: x and m rescaled to (X + M) / 2 each,
    den 0 where X or M is 0); NaN where den is 0 (the diagonal, pairs that do not trade).
    (a + b) - |a - b| is evaluated as its exact value 2 min(a, b): the subtraction cancels
    catastrophically when a << b (1e-300 beside 1e300), even in extended precision."""
    T = np.zeros((n, n, n_products), dtype=np.longdouble)
    np.add.at(T, (np.asarray(exporter), np.asarray(importer), np.asarray(product)),
              np.asarray(value, dtype=np.float64).astype(np.longdouble))
    x, m = T, T.transpose(1, 0, 2)          # x: i -> j, m: j -> i, product by product
    X, M = x.sum(axis=2), m.sum(axis=2)
    den = X + M
    with np.errstate(invalid="ignore", divide="ignore"):
        if adjust == "aquino":
            x = x * np.where(X > 0, (X + M) / (2 * X), 0)[..., None]
            m = m * np.where(M > 0, (X + M) / (2 * M), 0)[..., None]
            den = np.where((X > 0) & (M > 0), den, 0)
        elif adjust == "imbalance":
            den = 2 * np.minimum(X, M)
        num = (2 * np.minimum(x, m)).sum(axis=2)
        return np.where(den > 0, scale * num / den, np.nan).astype(np.float64)


def frame(flows, year=None):
    """The flows as a DataFrame of ids: t, i, j, k, v, q."""
    df = pd.DataFrame({"t": flows.year, "i": flows.exporter, "j": flows.importer,
                       "k": flows.product, "v": flows.value, "q": flows.quantity})
    return df if year is None else df[df.t == year]


def mirror_merge(df):
    """One row per (i, j, k) traded either way: x = flows i -> j, m = flows j -> i (0 if none)."""
    x = df.groupby(["i", "j", "k"], as_index=False).agg(x=("v", "sum"), qx=("q", "sum"))
    m = x.rename(columns={"i": "j", "j": "i", "x": "m", "qx": "qm"})
    out = x.merge(m, on=["i", "j", "k"], how="outer")
    out[["x", "m"]] = out[["x", "m"]].fillna(0.0)
    return out


def _matrix(n, i, j, values):
    out = np.full((n, n), np.nan)
    out[np.asarray(i, int), np.asarray(j, int)] = values
    return out


def gl_pairs(df, n, adjust=None, scale=100.0):
    """Bilateral Grubel-Lloyd, C x C (NaN where no trade)."""
    mg = mirror_merge(df)
    tot = mg.groupby(["i", "j"]).agg(X=("x", "sum"), M=("m", "sum")).reset_index()
    mg = mg.merge(tot, on=["i", "j"])
    if adjust == "aquino":
        mg["x"] = mg.x * (mg.X + mg.M) / (2 * mg.X)
        mg["m"] = mg.m * (mg.X + mg.M) / (2 * mg.M)
    mg["overlap"] = (mg.x + mg.m) - (mg.x - mg.m).abs()
    g = mg.groupby(["i", "j"]).agg(num=("overlap", "sum"), X=("X", "first"), M=("M", "first")).reset_index()
    den = g.X + g.M
    if adjust == "imbalance":
        den = den - (g.X - g.M).abs()
    if adjust == "aquino":
        den = den.where((g.X > 0) & (g.M > 0), 0.0)
    value = np.where(den > 0, scale * g.num / den.where(den > 0, 1.0), np.nan)
    return _matrix(n, g.i, g.j, value)


def partner_sums(df, reporter, members):
    """Per product X (reporter's exports to members) and M (imports from members), outer-joined."""
    members = [c for c in members if c != reporter]
    ex = df[(df.i == reporter) & df.j.isin(members)].groupby("k").agg(x=("v", "sum"), qx=("q", "sum"))
    im = df[(df.j == reporter) & df.i.isin(members)].groupby("k").agg(m=("v", "sum"), qm=("q", "sum"))
    # a quantity sum is missing (NaN) when any partner's flow lacks one
    ex["qx"] = df[(df.i == reporter) & df.j.isin(members)].groupby("k").q.apply(lambda s: s.sum(skipna=False))
    im["qm"] = df[(df.j == reporter) & df.i.isin(members)].groupby("k").q.apply(lambda s: s.sum(skipna=False))
    out = ex.join(im, how="outer")
    out[["x", "m"]] = out[["x", "m"]].fillna(0.0)
    return out


def gl_groups(df, reporters, groups, adjust=None, scale=100.0):
    """Reporter x group Grubel-Lloyd, with a loop over reporters."""
    out = np.full((len(reporters), len(groups)), np.nan)
    for a, r in enumerate(reporters):
        for b, members in enumerate(groups):
            s = partner_sums(df, r, members)
            X, M = s.x.sum(), s.m.sum()
            x, m = s.x, s.m
            if adjust == "aquino":
                if X == 0 or M == 0:
                    continue
                x, m = x * (X + M) / (2 * X), m * (X + M) / (2 * M)
            den = X + M - (abs(X - M) if adjust == "imbalance" else 0.0)
            if den > 0:
                out[a, b] = scale * ((x + m) - (x - m).abs()).sum() / den
    return out


def gl_product(df, reporter, members, scale=100.0):
    """Per product (x, m, GL) of a reporter against a group, indexed by product id."""
    s = partner_sums(df, reporter, members)
    s["gl"] = scale * (1 - (s.x - s.m).abs() / (s.x + s.m))
    return s[["x", "m", "gl"]]


def marginal(df, start, end, n, scale=100.0):
    """(A, B) C x C matrices of Brulhart's marginal IIT between two years."""
    a = mirror_merge(df[df.t == start])[["i", "j", "k", "x", "m"]]
    b = mirror_merge(df[df.t == end])[["i", "j", "k", "x", "m"]]
    mg = a.merge(b, on=["i", "j", "k"], how="outer", suffixes=("0", "1")).fillna(0.0)
    mg["dx"], mg["dm"] = mg.x1 - mg.x0, mg.m1 - mg.m0
    mg["w"] = mg.dx.abs() + mg.dm.abs()
    mg["a"] = mg.w - (mg.dx - mg.dm).abs()
    mg["b"] = mg.dx - mg.dm
    g = mg.groupby(["i", "j"])[["a", "b", "w"]].sum().reset_index()
    g = g[g.w > 0]
    return (_matrix(n, g.i, g.j, scale * g.a / g.w), _matrix(n, g.i, g.j, scale * g.b / g.w))


def classify(x, m, qx, qm, alpha, method):
    """Trade-type parts (one_way, horizontal, up, down, unallocated) of one product, by if/else."""
    parts = dict.fromkeys(("one_way", "horizontal", "vertical_up", "vertical_down", "unallocated"), 0.0)
    if x + m == 0:
        return parts
    if method == "ghm":
        two_way = 2 * min(x, m)
        parts["one_way"] = abs(x - m)
        lo = 1 - alpha
    else:
        two_way = x + m if min(x, m) > 0.1 * max(x, m) else 0.0
        parts["one_way"] = x + m - two_way
        lo = 1 / (1 + alpha)
    if two_way == 0:
        return parts
    usable = (qx is not None and qm is not None and not np.isnan(qx) and not np.isnan(qm)
              and qx > 0 and qm > 0)
    if not usable:
        parts["unallocated"] += two_way
        return parts
    r = (x / qx) / (m / qm)
    key = "horizontal" if lo <= r <= 1 + alpha else ("vertical_up" if r > 1 + alpha else "vertical_down")
    parts[key] += two_way
    return parts


def trade_types_pairs(df, n, alpha=0.15, method="ghm", scale=100.0):
    """{type: C x C share matrix}, classifying each (i, j, k) row of the mirror merge in Python."""
    mg = mirror_merge(df)
    # a missing quantity on either side (NaN, or no flow at all) leaves no unit value
    sums = {}
    for row in mg.itertuples():
        parts = classify(row.x, row.m, row.qx, row.qm, alpha, method)
        acc = sums.setdefault((row.i, row.j), dict.fromkeys(parts, 0.0))
        for key, v in parts.items():
            acc[key] += v
    out = {}
    for key in ("one_way", "horizontal", "vertical_up", "vertical_down", "unallocated"):
        vals = [(i, j, scale * s[key] / sum(s.values())) for (i, j), s in sums.items() if sum(s.values()) > 0]
        out[key] = _matrix(n, [v[0] for v in vals], [v[1] for v in vals], [v[2] for v in vals])
    return out


def trade_types_groups(df, reporters, groups, alpha=0.15, method="ghm", scale=100.0):
    """{type: reporters x groups share matrix}: partner sums per product, then `classify`."""
    names = ("one_way", "horizontal", "vertical_up", "vertical_down", "unallocated")
    out = {key: np.full((len(reporters), len(groups)), np.nan) for key in names}
    for a, r in enumerate(reporters):
        for b, members in enumerate(groups):
            s = partner_sums(df, r, members)
            acc = dict.fromkeys(names, 0.0)
            for row in s.itertuples():
                for key, v in classify(row.x, row.m, row.qx, row.qm, alpha, method).items():
                    acc[key] += v
            total = s.x.sum() + s.m.sum()
            if total > 0:
                for key in names:
                    out[key][a, b] = scale * acc[key] / total
    return out


def marginal_groups(df, start, end, reporters, groups, scale=100.0):
    """(A, B) reporters x groups: partner sums per product in both years, then Brulhart's sums."""
    a_out = np.full((len(reporters), len(groups)), np.nan)
    b_out = a_out.copy()
    for a, r in enumerate(reporters):
        for b, members in enumerate(groups):
            s0 = partner_sums(df[df.t == start], r, members)[["x", "m"]]
            s1 = partner_sums(df[df.t == end], r, members)[["x", "m"]]
            d = s1.sub(s0, fill_value=0.0).fillna(0.0)
            w = (d.x.abs() + d.m.abs()).sum()
            if w > 0:
                a_out[a, b] = scale * (d.x.abs() + d.m.abs() - (d.x - d.m).abs()).sum() / w
                b_out[a, b] = scale * (d.x - d.m).sum() / w
    return a_out, b_out


# -- trade indicators (indicators.py): cell by cell, the textbook form of each index -----------------
# In extended precision (np.longdouble: on x86 a 15-bit exponent, so no sum or product of float64
# values overflows or underflows here); the result is rounded to float64 once, at the end (inf
# where the exact value is beyond the float64 range). EXTENDED is False where longdouble is plain
# double (then values near the float64 limits are out of this reference's reach).
EXTENDED = np.finfo(np.longdouble).maxexp > np.finfo(np.float64).maxexp


def _long(A):
    A = A.toarray() if hasattr(A, "toarray") else A
    return np.asarray(A, dtype=np.float64).astype(np.longdouble)


def _float64(out):
    with np.errstate(over="ignore"):
        return np.asarray(out, dtype=np.longdouble).astype(np.float64)


def _ratio(num, den):
    return num / den if den != 0 else np.nan


def rca(X, reference=None):
    """Balassa: (x_cp / x_c) / (x_wp / x_w), one cell at a time."""
    X = _long(X)
    ref = X.sum(axis=0) if reference is None else _long(reference)
    out = np.full(X.shape, np.nan, dtype=np.longdouble)
    for c in range(X.shape[0]):
        for p in range(X.shape[1]):
            if X[c].sum() > 0 and ref[p] > 0:
                out[c, p] = (X[c, p] / X[c].sum()) / (ref[p] / ref.sum())
    return _float64(out)


def rca_symmetric(X, reference=None):
    """Laursen: (RCA - 1) / (RCA + 1), from the extended-precision RCA (1 where it is beyond float64)."""
    r = rca(X, reference)
    with np.errstate(invalid="ignore"):
        return np.where(np.isinf(r), 1.0, (r - 1) / (r + 1))


def rca_binary(X, reference=None):
    """1.0 where RCA >= 1 (exact, in fractions of the float64 values), 0.0 below, NaN where undefined."""
    from fractions import Fraction
    X = [[Fraction(float(v)) for v in row] for row in np.asarray(X.toarray() if hasattr(X, "toarray") else X)]
    ref = ([sum(col) for col in zip(*X)] if reference is None else [Fraction(float(v)) for v in reference])
    world, out = sum(ref), np.full((len(X), len(ref)), np.nan)
    for c, row in enumerate(X):
        total = sum(row)
        for p, x in enumerate(row):
            if total > 0 and ref[p] > 0:
                out[c, p] = float((x / total) / (ref[p] / world) >= 1)
    return out


def trade_intensity(B, rows=None, cols=None, exclude_self=False):
    """(x_ij / X_i) / (x_wj / X_w) for rows / cols given as lists of member ids (groups), the
    world (or the rest of it) summed member by member; NaN for a country with itself."""
    B = _long(B)
    n = len(B)
    rows = [[i] for i in range(n)] if rows is None else rows
    cols = [[j] for j in range(n)] if cols is None else cols
    out = np.full((len(rows), len(cols)), np.nan, dtype=np.longdouble)
    for a, r in enumerate(rows):
        others = [i for i in range(n) if i not in r]
        X_r = sum(B[i].sum() for i in r)
        for b, k in enumerate(cols):
            if len(r) == 1 and r == k:
                continue
            x_rk = sum(B[i, j] for i in r for j in k)
            if exclude_self:
                share_world = _ratio(sum(B[i, j] for i in others for j in k), sum(B[i].sum() for i in others))
            else:
                share_world = _ratio(sum(B[:, j].sum() for j in k), B.sum())
            out[a, b] = _ratio(_ratio(x_rk, X_r), share_world)
    return _float64(out)


def partner_shares(B, rows, cols, scale=1.0):
    """scale * x_rk / X_r with rows / cols as lists of member ids."""
    B = _long(B)
    out = np.full((len(rows), len(cols)), np.nan, dtype=np.longdouble)
    for a, r in enumerate(rows):
        for b, k in enumerate(cols):
            if not (len(r) == 1 and r == k):
                out[a, b] = np.longdouble(scale) * _ratio(sum(B[i, j] for i in r for j in k), sum(B[i].sum() for i in r))
    return _float64(out)


def hhi(A, normalized=False):
    """Sum of squared shares per row; normalised with N = the positive entries of the row."""
    out = []
    for row in _long(A):
        if row.sum() == 0:
            out.append(np.nan)
            continue
        h = sum((v / row.sum()) ** 2 for v in row)
        n = sum(v > 0 for v in row)
        out.append(((h - 1 / n) / (1 - 1 / n) if n > 1 else np.nan) if normalized else h)
    return _float64(out)


def trade_specialisation(X, M):
    X, M = _long(X), _long(M)
    return _float64([[_ratio(x - m, x + m) for x, m in zip(rx, rm)] for rx, rm in zip(X, M)]).reshape(X.shape)


def krugman(X, Y):
    """Krugman (1991): the L1 distance between share vectors (not the overlap form)."""
    x, y = shares_or_nan(_long(X)), shares_or_nan(_long(Y))
    return np.array([[np.abs(a - b).sum() for b in y] for a in x], dtype=np.float64).reshape(len(x), len(y))


def regional_orientation(X_in, X_out):
    X_in, X_out = _long(X_in), _long(X_out)
    out = np.full(X_in.shape, np.nan, dtype=np.longdouble)
    for c in range(len(X_in)):
        for p in range(X_in.shape[1]):
            out[c, p] = _ratio(_ratio(X_in[c, p], X_in[c].sum()), _ratio(X_out[c, p], X_out[c].sum()))
    return _float64(out)


def labelled_frame(flows, year):
    """One year of flows as a pandas DataFrame of labels: i, j (ISO3 labels), k (codes), v."""
    rows = flows.year == year
    return pd.DataFrame({"i": flows.countries.label[flows.exporter[rows]],
                         "j": flows.countries.label[flows.importer[rows]],
                         "k": flows.products.code[flows.product[rows]], "v": flows.value[rows]})


def rca_pandas(df):
    """RCA the way a pandas user writes it: groupby sums and a merge, long table i, k, rca."""
    cp = df.groupby(["i", "k"], as_index=False).v.sum()
    cp["xc"] = cp.groupby("i").v.transform("sum")
    cp["xp"] = cp.groupby("k").v.transform("sum")
    cp["rca"] = (cp.v / cp.xc) / (cp.xp / cp.v.sum())
    return cp.set_index(["i", "k"]).rca


def intensity_pandas(df):
    """Trade intensity of every pair with bilateral flows, long table i, j, tii."""
    b = df.groupby(["i", "j"], as_index=False).v.sum()
    xi, mj = df.groupby("i").v.sum(), df.groupby("j").v.sum()
    b["tii"] = (b.v / b.i.map(xi)) / (b.j.map(mj) / df.v.sum())
    return b.set_index(["i", "j"]).tii


def intensity_pandas_groups(df, year, exporters, importers):
    """Trade intensity of the summed exports of `exporters` to `importers` (columns t, i, j, v):
    (x_EI / X_E) / (x_wI / X_w), each sum over the rows of the year."""
    d = df[df.t == year]
    x_ei = d[d.i.isin(exporters) & d.j.isin(importers)].v.sum()
    return (x_ei / d[d.i.isin(exporters)].v.sum()) / (d[d.j.isin(importers)].v.sum() / d.v.sum())


def intra_group_share_pandas(df, members, side="exports", scale=100.0):
    """scale * each member's exports to (imports from) the other members over its exports
    (imports) to (from) all partners, by member (columns i, j, v)."""
    who, other = ("i", "j") if side == "exports" else ("j", "i")
    d = df[df[who].isin(members)]
    return scale * d[d[other].isin(members)].groupby(who).v.sum() / d.groupby(who).v.sum()
