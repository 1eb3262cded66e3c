"""Intra-industry trade: the Grubel-Lloyd family for every pair of countries at once.

Conventions shared by every function here:

* X and M are exports and imports of the same product (the same code, at the level of detail of
  the flows: aggregate first with ``TradeFlows.aggregate_products`` for HS4 or HS2 indices).
* Bilateral (``by="pair"``): X = flows i -> j, M = flows j -> i, product by product; the cell
  [i, j] is i's index against j (GL is symmetric; marginal IIT's B and the vertical up/down split
  are not). The diagonal is NaN.
* Reporter vs a partner group (``by="country"``): X and M are the reporter's exports to and
  imports from the group's members (the reporter itself excluded), summed over partners product
  by product before any per-product term. ``partners=None`` is the world (every country of the
  flows); a dict gives one column per named group.
* Indices are on the 0-100 scale (``scale=100``; ``scale=1`` gives shares) and NaN - never 0 -
  where a denominator is zero (no trade at all, or, for the adjusted indices, only one-way trade).
* The flows' columns are never modified; one compiled pass matches flows (i, j, p) with their
  mirror (j, i, p) by a parallel counting sort on the pair (skipped when the rows already come
  sorted by year, exporter, importer as BACI files do) and a small dense buffer per thread.
"""
from collections import namedtuple

import numpy as np

from ._validation import (check_adjust, check_alpha, check_choice, check_partner_groups,
                          check_scale, check_two_years, check_years)
from .codes import GROUPS, Group, resolve_groups
from .kernels import _group_sums as group_sums, _pair_sums as pair_sums, _ratio as ratio
from .result import IndexMatrix, IndexPanel, _pandas

#: The trade types of :func:`trade_types`, in the order of the kernel's outputs.
TRADE_TYPES = ("one_way", "horizontal", "vertical_up", "vertical_down", "unallocated")
MarginalIIT = namedtuple("MarginalIIT", ["A", "B"])


# -- TradeFlows -> labelled results ---------------------------------------------------------------
def _prepare(flows, years, products, with_quantity=False):
    """The selected flows, the kernel columns and the slot of each year present."""
    if years is not None or products is not None:
        flows = flows.select(years=years, products=products)
    present = []
    if flows._has_year and len(flows):  # = flows.years, in O(n) instead of a sort
        low, high = int(flows.year.min()), int(flows.year.max())
        present = [low] if low == high else (low + np.flatnonzero(np.bincount(flows.year - low))).tolist()
    y0 = present[0] if present else 0
    n_years = present[-1] - y0 + 1 if present else 1
    empty = np.zeros(0, flows.value.dtype)
    cols = (flows.year, flows.exporter, flows.importer, flows.product, flows.value,
            flows.quantity if with_quantity else empty, y0, n_years)
    return flows, cols, present, [y - y0 for y in present]


def _label(values, years, slots, rows, cols, name, row_name, col_name, meta):
    """IndexMatrix for one year (or none recorded), IndexPanel for several (values: Y x R x C)."""
    if len(years) > 1:
        return IndexPanel(values[slots], years, rows, cols, name, row_name, col_name, meta)
    return IndexMatrix(values[0], rows, cols, name, row_name, col_name, years[0] if years else None, meta)


def _partner_setup(flows, by, reporters, partners, meta):
    """Reporter ids and named partner groups (lists of ids) of a by='country'/'product' call; the
    groups' members (labels) are recorded in meta["partners"]."""
    groups = check_partner_groups(partners, by)
    rep = (np.arange(len(flows.countries)) if reporters is None
           else flows.countries.ids(reporters, "reporters"))
    ids = {name: (np.arange(len(flows.countries)) if g is None
                  else flows.countries.ids(g, f"partners[{name!r}]" if len(groups) > 1 else "partners"))
           for name, g in groups.items()}
    meta["partners"] = {name: flows.countries.label[g].tolist() for name, g in ids.items()}
    return rep, ids


def _pair_axes(flows, reporters, partners):
    check_partner_groups(partners, "pair")
    rows = np.arange(len(flows.countries)) if reporters is None else flows.countries.ids(reporters, "reporters")
    cols = np.arange(len(flows.countries)) if partners is None else flows.countries.ids(partners, "partners")
    return rows, cols


def _product_table(flows, years, slots, rep, names, xm, columns):
    """Long table (year, reporter, group, product, *columns) for every (reporter, group,
    product) with trade (X or M not 0); `columns` maps names to arrays shaped like xm[..., 0];
    `years` labels the slots (no year column when empty)."""
    xm = xm[slots]
    keep = (xm[..., 0] != 0) | (xm[..., 1] != 0)
    y, r, g, p = np.nonzero(keep)
    table = {}
    if years:
        table["year"] = np.asarray(years)[y]
    table["reporter"] = flows.countries.label[rep][r]
    table["group"] = np.asarray(names, dtype=object)[g]
    table["product"] = flows.products.code[p]
    for name, arr in columns.items():
        table[name] = arr[slots][keep]
    return _pandas().DataFrame(table)


def _is_builtin(group):
    return isinstance(group, Group) or (isinstance(group, str) and group.upper() in GROUPS)


def _names_builtin(partners):
    """Does `partners` name built-in groups ("EAEU", ["EAEU", "EU27"], {"Union": "EAEU"})?"""
    if isinstance(partners, dict):
        return any(_is_builtin(g) for g in partners.values())
    if partners is None or isinstance(partners, (str, Group)):
        return _is_builtin(partners)
    return len(partners) > 0 and all(_is_builtin(g) for g in partners)


def _resolve(partners, year, flows):
    """Built-in groups as lists of their members in `year` present in the flows."""
    present = flows.countries.iso3
    if isinstance(partners, dict):
        return {name: resolve_groups({name: g}, "partners", year, present)[name] if _is_builtin(g) else g
                for name, g in partners.items()}
    return resolve_groups(partners, "partners", year, present)


def _each_year(fn, flows, years, partners, **options):
    """Built-in groups change members over time (Armenia joins the EAEU in 2015): call `fn` once
    per year with that year's members and stack the results like a multi-year call."""
    years, panel = check_years("years", years, flows.years)
    parts = [fn(flows, years=y, partners=_resolve(partners, y, flows), **options) for y in years]
    return _stack(parts, years) if panel else parts[0]


def _stack(parts, years):
    if isinstance(parts[0], dict):
        return {k: _stack([p[k] for p in parts], years) for k in parts[0]}
    if not isinstance(parts[0], IndexMatrix):
        return _pandas().concat(parts, ignore_index=True)
    first = parts[0]
    meta = dict(first.meta, partners={y: p.meta.get("partners") for y, p in zip(years, parts)})
    return IndexPanel(np.stack([p.values for p in parts]), years, first.rows, first.cols, first.name,
                      first.row_name, first.col_name, meta)


def grubel_lloyd(flows, *, by="pair", reporters=None, partners=None, products=None, years=None,
                 adjust=None, scale=100, n_threads=None):
    r"""Grubel-Lloyd index of intra-industry trade, for all pairs, reporters vs partner groups, or
    per product.

    Per product :math:`GL_p = 100\,\frac{(X_p + M_p) - |X_p - M_p|}{X_p + M_p}`, aggregated over
    products trade-weighted: :math:`GL = 100\,\frac{\sum_p (X_p + M_p) - |X_p - M_p|}{\sum_p (X_p + M_p)}`.

    Parameters
    ----------
    flows : TradeFlows
    by : "pair" (C x C matrix: X = flows i -> j, M = flows j -> i), "country" (reporters x
        partner groups: X, M = the reporter's exports to / imports from the group, summed over
        partners per product) or "product" (a long table of per-product GL, one row per
        reporter, group and product with trade).
    reporters : countries (ISO3 or numeric codes) kept as rows; None = all.
    partners : by="pair": countries kept as columns. Otherwise None (the world), a list (one
        group) or a dict {name: list or None} (one column per group). The reporter itself is
        never its own partner. Built-in groups by name (``"EAEU"``, ``["EAEU", "EU27"]``,
        ``{"Union": "EAEU"}``) take each year's members present in the data.
    products, years : restrict the flows first (prefixes / ranges like "84-90"; years).
    adjust : None; "imbalance" - Grubel and Lloyd's adjusted index, denominator
        :math:`\sum_p (X_p + M_p) - |X - M|` with X, M the totals over products (NaN when the
        trade is one-way); "aquino" - Aquino's rescaling :math:`X'_p = X_p \frac{X + M}{2X}`,
        :math:`M'_p = M_p \frac{X + M}{2M}` before the formula (NaN when X or M is 0).
        by="product" accepts "aquino" only.
    scale : 100 (default) or 1 for shares.
    n_threads : threads of the compiled kernel (None = all cores).

    Returns
    -------
    IndexMatrix (one year or no year recorded) or IndexPanel (several years) for by="pair" and
    by="country" (rows: reporters, columns: partner groups); a pandas DataFrame (year, reporter,
    group, product, exports, imports, gl)
    for by="product". 0/0 (no trade either way) is NaN, as is the diagonal of by="pair".

    References
    ----------
    Grubel, H. G. and Lloyd, P. J. (1975). Intra-Industry Trade: The Theory and Measurement of
    International Trade in Differentiated Products. London: Macmillan.
    Aquino, A. (1978). Intra-industry trade and inter-industry specialization as concurrent
    sources of international trade in manufactures. Weltwirtschaftliches Archiv 114(2), 275-296.

    Examples
    --------
    >>> import tradeindex
    >>> f = tradeindex.TradeFlows.from_arrays(["ARG", "BRA", "ARG", "BRA"], ["BRA", "ARG", "BRA", "ARG"],
    ...                                       ["01", "01", "02", "02"], [10.0, 10.0, 30.0, 10.0], year=1990)
    >>> gl = tradeindex.grubel_lloyd(f)
    >>> round(gl.loc["ARG", "BRA"], 6)  # (20 + 20) / 60
    66.666667
    >>> round(tradeindex.grubel_lloyd(f, adjust="imbalance").loc["ARG", "BRA"], 6)  # 40 / (60 - 20)
    100.0
    """
    check_choice("by", by, ("pair", "country", "product"))
    if by != "pair" and _names_builtin(partners):
        return _each_year(grubel_lloyd, flows, years, partners, by=by, reporters=reporters,
                          products=products, adjust=adjust, scale=scale, n_threads=n_threads)
    adjust = check_adjust(adjust, by)
    scale = check_scale("scale", scale)
    flows, cols, years, slots = _prepare(flows, years, products)
    meta = {"scale": scale, "adjust": adjust, "products": products, "by": by,
            "zero_division": "NaN where there is no trade (or only one-way trade when adjusted)"}
    n_c, n_p = len(flows.countries), len(flows.products)
    if by == "pair":
        rows, cols_ = _pair_axes(flows, reporters, partners)
        out, _ = pair_sums(cols, n_c, n_p, "gl", adjust=adjust, n_threads=n_threads)
        gl = ratio(out[..., 0], out[..., 1], scale)[:, rows][:, :, cols_]
        return _label(gl, years, slots, flows.countries.label[rows], flows.countries.label[cols_],
                      "Grubel-Lloyd", "reporter", "partner", meta)
    rep, groups = _partner_setup(flows, by, reporters, partners, meta)
    out, totals, xm = group_sums(cols, n_c, n_p, rep, list(groups.values()), "gl", adjust=adjust,
                                 per_product=by == "product", n_threads=n_threads)
    names = list(groups)
    if by == "country":
        return _label(ratio(out[..., 0], out[..., 1], scale), years, slots, flows.countries.label[rep],
                      np.asarray(names, dtype=object), "Grubel-Lloyd", "reporter", "group", meta)
    x, m = xm[..., 0], xm[..., 1]
    if adjust == "aquino":
        t = (totals[..., 0] + totals[..., 1])[..., None]
        x = ratio(x * t, 2 * totals[..., 0][..., None], 1.0)
        m = ratio(m * t, 2 * totals[..., 1][..., None], 1.0)
    gl = ratio(x + m - np.abs(x - m), x + m, scale)
    return _product_table(flows, years, slots, rep, names, xm,
                          {"exports": xm[..., 0], "imports": xm[..., 1], "gl": gl})


def marginal_iit(flows, start, end, *, by="pair", reporters=None, partners=None, products=None,
                 scale=100, n_threads=None):
    r"""Marginal intra-industry trade between two years (Brulhart 1994), A and B indices.

    With :math:`\Delta X_p`, :math:`\Delta M_p` the changes of exports and imports of product p
    from `start` to `end`: :math:`A_p = 1 - \frac{|\Delta X_p - \Delta M_p|}{|\Delta X_p| + |\Delta M_p|}`
    (0 to 1: 1 when exports and imports change by the same amount) and
    :math:`B_p = \frac{\Delta X_p - \Delta M_p}{|\Delta X_p| + |\Delta M_p|}` (-1 to 1: the sign
    says which side grew more, marginal inter-industry trade at +-1). Aggregated over products
    with weights :math:`w_p = |\Delta X_p| + |\Delta M_p|`:
    :math:`A = \frac{\sum_p w_p - |\Delta X_p - \Delta M_p|}{\sum_p w_p}`,
    :math:`B = \frac{\sum_p \Delta X_p - \Delta M_p}{\sum_p w_p}`; both times `scale`.

    Parameters
    ----------
    flows : TradeFlows holding both years.
    start, end : the two years.
    by : "pair" (C x C, X = i -> j), "country" (reporters x partner groups) or "product" (a long
        table of dX, dM, A, B per reporter, group and product whose trade changed).
    reporters, partners, products, scale, n_threads : as in :func:`grubel_lloyd`.

    Returns
    -------
    MarginalIIT(A, B): two IndexMatrix (by="pair"/"country"), NaN where no trade changed
    (0/0); or a pandas DataFrame for by="product".

    References
    ----------
    Brulhart, M. (1994). Marginal intra-industry trade: measurement and relevance for the pattern
    of industrial adjustment. Weltwirtschaftliches Archiv 130(3), 600-613.

    Examples
    --------
    >>> import tradeindex
    >>> f = tradeindex.TradeFlows.from_arrays(["ARG", "BRA", "ARG", "BRA"], ["BRA", "ARG", "BRA", "ARG"],
    ...                                       ["01"] * 4, [10.0, 10.0, 20.0, 15.0],
    ...                                       year=[1989, 1989, 1990, 1990])
    >>> a, b = tradeindex.marginal_iit(f, 1989, 1990)
    >>> round(a.loc["ARG", "BRA"], 6), round(b.loc["ARG", "BRA"], 6)  # dX = 10, dM = 5
    (66.666667, 33.333333)
    """
    check_choice("by", by, ("pair", "country", "product"))
    check_two_years(start, end, flows.years)
    if by != "pair" and _names_builtin(partners):
        partners = _resolve(partners, end, flows)  # built-in groups: their members in `end`
    scale = check_scale("scale", scale)
    if products is not None:
        flows = flows.select(products=products)
    change = np.where(flows.year == end, flows.value, np.where(flows.year == start, -flows.value, 0.0))
    empty = np.zeros(0, flows.exporter.dtype)
    cols = (empty, flows.exporter, flows.importer, flows.product, change, np.zeros(0), 0, 1)
    n_c, n_p = len(flows.countries), len(flows.products)
    meta = {"scale": scale, "start": start, "end": end, "products": products, "by": by,
            "zero_division": "NaN where no trade changed"}
    if by == "pair":
        rows, cols_ = _pair_axes(flows, reporters, partners)
        out, _ = pair_sums(cols, n_c, n_p, "miit", n_threads=n_threads)
        out = out[0][rows][:, cols_]
        labels = flows.countries.label[rows], flows.countries.label[cols_]
        return MarginalIIT(*(IndexMatrix(ratio(out[..., k], out[..., 1], scale), *labels, name,
                                         "reporter", "partner", end, meta)
                             for k, name in ((0, "marginal IIT A"), (2, "marginal IIT B"))))
    rep, groups = _partner_setup(flows, by, reporters, partners, meta)
    out, _, xm = group_sums(cols, n_c, n_p, rep, list(groups.values()), "miit",
                            per_product=by == "product", n_threads=n_threads)
    names = np.asarray(list(groups), dtype=object)
    if by == "country":
        return MarginalIIT(*(IndexMatrix(ratio(out[0, ..., k], out[0, ..., 1], scale),
                                         flows.countries.label[rep], names, name, "reporter",
                                         "group", end, meta)
                             for k, name in ((0, "marginal IIT A"), (2, "marginal IIT B"))))
    dx, dm = xm[..., 0], xm[..., 1]
    w = np.abs(dx) + np.abs(dm)
    return _product_table(flows, [], [0], rep, list(names), xm,
                          {"d_exports": dx, "d_imports": dm, "A": ratio(w - np.abs(dx - dm), w, scale),
                           "B": ratio(dx - dm, w, scale)})


def trade_types(flows, *, alpha=0.15, method="ghm", by="pair", reporters=None, partners=None,
                products=None, years=None, scale=100, n_threads=None):
    r"""Trade types from unit values: one-way, two-way horizontal, two-way vertical (up / down
    market), and unallocated (no usable quantity), as shares of total trade X + M.

    Unit values :math:`UV = value / quantity` per product and side; a product side without a
    positive quantity (missing or 0; with by="country" any partner's flow without one) has no
    unit value and its two-way trade is reported as ``unallocated`` - never dropped.

    * method="ghm" (Greenaway, Hine and Milner 1994): the overlap :math:`2\min(X_p, M_p)` is
      horizontal when :math:`1 - \alpha \le UV^X_p / UV^M_p \le 1 + \alpha`, vertical up-market
      above, down-market below; the rest :math:`|X_p - M_p|` is one-way.
    * method="ff" (Fontagne and Freudenberg 1997): the whole flow :math:`X_p + M_p` is two-way
      when the minor flow exceeds 10% of the major (:math:`\min > 0.1 \max`), else one-way;
      two-way flows are horizontal when :math:`\frac{1}{1+\alpha} \le UV^X_p / UV^M_p \le 1 + \alpha`,
      vertical up / down otherwise.

    Each type's share is :math:`scale \cdot \sum_p (\text{type's part}) / \sum_p (X_p + M_p)`;
    the five shares add up to `scale`; NaN (0/0) where there is no trade.

    Parameters
    ----------
    flows : TradeFlows with quantities.
    alpha : the unit-value band, 0.15 (default) or 0.25.
    method : "ghm" or "ff".
    by : "pair" (C x C; cell [i, j] from i's side: up-market = i's exports dearer than its
        imports) or "country" (reporters x partner groups).
    reporters, partners, products, years, scale, n_threads : as in :func:`grubel_lloyd`.

    Returns
    -------
    dict {type: IndexMatrix or IndexPanel} for the types in :data:`TRADE_TYPES`.

    References
    ----------
    Greenaway, D., Hine, R. and Milner, C. (1994). Country-specific factors and the pattern of
    horizontal and vertical intra-industry trade in the UK. Weltwirtschaftliches Archiv 130(1),
    77-100.
    Fontagne, L. and Freudenberg, M. (1997). Intra-industry trade: methodological issues
    reconsidered. CEPII Working Paper 97-01.

    Examples
    --------
    >>> import tradeindex
    >>> f = tradeindex.TradeFlows.from_arrays(["ARG", "BRA", "ARG"], ["BRA", "ARG", "BRA"],
    ...                                       ["01", "01", "02"], [10.0, 10.0, 20.0],
    ...                                       quantity=[1.0, 2.0, None], year=1990)
    >>> t = tradeindex.trade_types(f)
    >>> {k: round(m.loc["ARG", "BRA"], 1) for k, m in t.items()}  # 01: UV 10 vs 5 -> up-market
    {'one_way': 50.0, 'horizontal': 0.0, 'vertical_up': 50.0, 'vertical_down': 0.0, 'unallocated': 0.0}
    """
    alpha = check_alpha(alpha)
    check_choice("method", method, ("ghm", "ff"))
    check_choice("by", by, ("pair", "country"))
    if by != "pair" and _names_builtin(partners):
        return _each_year(trade_types, flows, years, partners, alpha=alpha, method=method, by=by,
                          reporters=reporters, products=products, scale=scale, n_threads=n_threads)
    scale = check_scale("scale", scale)
    band = (1 - alpha, 1 + alpha) if method == "ghm" else (1 / (1 + alpha), 1 + alpha)
    flows, cols, years, slots = _prepare(flows, years, products, with_quantity=True)
    n_c, n_p = len(flows.countries), len(flows.products)
    meta = {"scale": scale, "alpha": alpha, "method": method, "products": products, "by": by,
            "zero_division": "NaN where there is no trade"}
    if by == "pair":
        rows, cols_ = _pair_axes(flows, reporters, partners)
        out, totals = pair_sums(cols, n_c, n_p, method, band=band, n_threads=n_threads)
        total = (totals + totals.transpose(0, 2, 1))[..., None]
        shares = ratio(out, total, scale)[:, rows][:, :, cols_]
        labels = flows.countries.label[rows], flows.countries.label[cols_], "reporter", "partner"
    else:
        rep, groups = _partner_setup(flows, by, reporters, partners, meta)
        out, totals, _ = group_sums(cols, n_c, n_p, rep, list(groups.values()), method, band=band,
                                    n_threads=n_threads)
        shares = ratio(out, totals.sum(axis=-1, keepdims=True), scale)
        labels = flows.countries.label[rep], np.asarray(list(groups), dtype=object), "reporter", "group"
    return {name: _label(shares[..., k], years, slots, labels[0], labels[1], f"trade type {name} ({method})",
                         labels[2], labels[3], dict(meta)) for k, name in enumerate(TRADE_TYPES)}
