"""Intra-industry trade: the Grubel-Lloyd family for every pair of countries at once.

Conventions shared by every function here:

* X and M are exports and imports of the same product (the same code, at the level of detail of
  the flows: aggregate first with ``TradeFlows.aggregate_products`` for HS4 or HS2 indices).
* Bilateral (``by="pair"``): X = flows i -> j, M = flows j -> i, product by product; the cell
  [i, j] is i's index against j (GL is symmetric; marginal IIT's B and the vertical up/down split
  are not). A country with itself (the diagonal) is NaN: a country does not trade with itself.
* Reporter vs a partner group (``by="country"``): X and M are the reporter's exports to and
  imports from the group's members (the reporter itself excluded), summed over partners product
  by product before any per-product term. ``partners=None`` is the world (every country of the
  flows); a dict gives one column per named group; built-in groups take their members by
  ``membership`` ("by-year": each year's; "fixed": the last year's; or a given year's).
* Indices are on the 0-100 scale (``scale=100``; ``scale=1`` gives shares) and NaN - never 0 -
  where a denominator is zero (no trade at all, or, for the adjusted indices, only one-way trade).
* One year is read and computed at a time (two for marginal IIT); the flows' columns are never
  modified; one compiled pass matches flows (i, j, p) with their mirror (j, i, p) by a parallel
  counting sort on the pair (skipped when the rows already come sorted by exporter and
  importer, as BACI files do) and a small dense buffer per thread.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import partial
from typing import TYPE_CHECKING, Any, Literal, NamedTuple, TypeAlias, cast

import numpy as np
import pyarrow as pa

from . import kernels
from ._validation import (check_adjust, check_alpha, check_choice, check_membership,
                          check_partner_groups, check_scale, check_two_years)
from ._years import (axis_ids, check_group_members, finish_meta, fixed_axis, groups_in_year, product_request,
                     run, source_years)
from .codes import GROUPS, Group
from .config import effective_threads
from .flows import TradeFlows
from .kernels import _group_sums as group_sums, _pair_sums as pair_sums, _ratio as ratio
from .result import IndexMatrix, IndexPanel, IndexTable
from .sources import Request

if TYPE_CHECKING:
    from ._typing import (ClientLike, Countries, F64Array, Flows, I64Array, MatrixOrPanel, Membership,
                          ObjectArray, Partners, Products, Years)
    from ._validation import Adjust
    from ._years import Axis, GroupIds, Window
    from .kernels import Columns

#: What an index takes from the kernel's sums (out, totals, scale): {key: (values, name)}.
Pick: TypeAlias = "Callable[[F64Array, F64Array, float], dict[str, tuple[F64Array, str]]]"
#: The same per product (xm, totals, scale): {column: values}.
PickProducts: TypeAlias = "Callable[[F64Array, F64Array, float], dict[str, F64Array]]"

#: The trade types of :func:`trade_types`, in the order of the kernel's outputs.
TRADE_TYPES = ("one_way", "horizontal", "vertical_up", "vertical_down", "unallocated")


class MarginalIIT(NamedTuple):
    """The two marginal IIT indices of :func:`marginal_iit` (by="pair" or "country")."""
    A: IndexMatrix
    B: IndexMatrix


# -- what each index takes from the kernel's sums -------------------------------------------------
def _gl(out: F64Array, totals: F64Array, scale: float) -> dict[str, tuple[F64Array, str]]:
    return {"gl": (ratio(out[..., 0], out[..., 1], scale), "Grubel-Lloyd")}


def _gl_products(xm: F64Array, totals: F64Array, scale: float, adjust: Adjust) -> dict[str, F64Array]:
    x, m = xm[..., 0], xm[..., 1]
    if adjust == "aquino":  # the factors (X + M) / 2X first: x * (X + M) overflows near 1e308
        t = (totals[..., 0] + totals[..., 1])[..., None]
        x = x * ratio(t, 2 * totals[..., 0][..., None], 1.0)
        m = m * ratio(t, 2 * totals[..., 1][..., None], 1.0)
    return {"exports": xm[..., 0], "imports": xm[..., 1], "grubel_lloyd": ratio(x + m - np.abs(x - m), x + m, scale)}


def _miit(out: F64Array, totals: F64Array, scale: float) -> dict[str, tuple[F64Array, str]]:
    return {"A": (ratio(out[..., 0], out[..., 1], scale), "marginal IIT A"),
            "B": (ratio(out[..., 2], out[..., 1], scale), "marginal IIT B")}


def _miit_products(xm: F64Array, totals: F64Array, scale: float) -> dict[str, F64Array]:
    dx, dm = xm[..., 0], xm[..., 1]
    w = np.abs(dx) + np.abs(dm)
    return {"d_exports": dx, "d_imports": dm, "marginal_iit_a": ratio(w - np.abs(dx - dm), w, scale),
            "marginal_iit_b": ratio(dx - dm, w, scale)}


def _types(out: F64Array, totals: F64Array, scale: float, method: str) -> dict[str, tuple[F64Array, str]]:
    total = totals + totals.T if totals.ndim == 2 else totals.sum(axis=-1)  # pair: X + M; group: X + M
    shares = ratio(out, total[..., None], scale)
    return {name: (shares[..., k], f"trade type {name} ({method})") for k, name in enumerate(TRADE_TYPES)}


# -- one year (or one window of years) of flows -> labelled results ------------------------------------
def _columns(flows: TradeFlows, value: F64Array | None = None, with_quantity: bool = False) -> tuple[Columns, int]:
    """(kernel columns of one window of flows, shift): one year slot, `value` for the values,
    scaled by 2**-shift when a sum of them could overflow or they are subnormal (the indices
    are ratios of sums: unchanged; as kernels.bilateral_gl does)."""
    qty = flows.quantity if with_quantity and flows.has_quantity else np.zeros(0)
    value, shift = kernels._fit_sums(flows.value if value is None else value, "flows")
    return (np.zeros(0, flows.exporter.dtype), flows.exporter, flows.importer, flows.product,
            value, np.ascontiguousarray(qty), 0, 1), shift


def _is_group(spec: object) -> bool:
    """A reporters / partners entry naming a built-in group (or a Group)."""
    return isinstance(spec, Group) or (isinstance(spec, str) and spec.upper() in GROUPS)


def _axis(flows: Flows, keys: Countries | Group | None, param: str) -> Axis:
    """A fixed axis of countries, or None (every country present, or a built-in group's members)."""
    return None if keys is None or _is_group(keys) else fixed_axis(flows, cast("Countries", keys), param)


def _reporters(flows: TradeFlows, spec: Countries | Group | None, axis: Axis, year: int | None,
               membership: Membership, years: list[Any]) -> tuple[Any, ObjectArray, I64Array]:
    """(ids, labels, codes) of the reporters in `year`: a fixed list of countries (id -1 where
    absent that year), every country present, or a built-in group's members that year."""
    if _is_group(spec):
        ((_, ids),), _ = groups_in_year(flows, {"reporters": spec}, "reporters", year, membership, years)
        return ids, flows.countries.label[ids], flows.countries.code[ids]
    return axis_ids(flows, axis)


def _partner_groups(flows: TradeFlows, partners: Partners | None, by: str, year: int | None, membership: Membership,
                    years: list[Any]) -> tuple[GroupIds, dict[str, list[str]]]:
    """[(name, member ids)] of the partner groups in `year` (None = every country) and their
    members' labels, for meta."""
    spec = check_partner_groups(partners, by)
    found, _ = groups_in_year(flows, {n: g for n, g in spec.items() if g is not None}, "partners", year,
                              membership, years)
    named = dict(found)
    groups = [(n, np.arange(len(flows.countries)) if g is None else named[n]) for n, g in spec.items()]
    return groups, {n: flows.countries.label[ids].tolist() for n, ids in groups}


def _pair_year(flows: TradeFlows, window: Window, *, mode: str, pick: Pick, rows_axis: Axis, cols_axis: Axis,
               scale: float, options: Mapping[str, Any],
               value: Callable[[TradeFlows], F64Array] | None = None) -> dict[str, IndexMatrix]:
    """One window of a by="pair" index: kernel sums for every pair, `pick` makes the index,
    labelled rows x cols (NaN for an asked country absent that year)."""
    change = value(flows) if value else None
    cols, shift = _columns(flows, change, mode in ("ghm", "ff"))
    out, totals = pair_sums(cols, len(flows.countries), len(flows.products), mode, remedy=REMEDY, **options)
    if options.get("adjust") == "aquino":
        label = flows.countries.label
        kernels._check_aquino_factors(totals[0], shift, param="flows",
                                      describe=lambda i, j: f"from {label[i]} to {label[j]}")
    r, rl, rc = axis_ids(flows, rows_axis)
    c, cl, cc = axis_ids(flows, cols_axis)
    meta = {"classification": flows.classification, "flow_notes": {window[-1]: list(flows.notes)}}
    results: dict[str, IndexMatrix] = {}
    for key, (values, name) in pick(out[0], totals[0], scale).items():
        full = np.full((len(r), len(c)), np.nan)
        full[np.ix_(r >= 0, c >= 0)] = values[np.ix_(r[r >= 0], c[c >= 0])]
        results[key] = IndexMatrix(full, rl, cl, name, "reporter", "partner", window[-1], dict(meta),
                                   row_codes=rc, col_codes=cc)
    return results


def _group_year(flows: TradeFlows, window: Window, *, mode: str, pick: Any, reporters: Countries | Group | None,
                rows_axis: Axis, partners: Partners | None, by: str, membership: Membership, years: list[Any],
                scale: float, options: Mapping[str, Any], value: Callable[[TradeFlows], F64Array] | None = None,
                name: str | None = None) -> dict[str, IndexMatrix] | IndexTable:
    """One window of a by="country" / "product" index: reporters x partner groups (each
    reporter's trade with the group's members, itself excluded)."""
    year = window[-1]
    rep, rl, rc = _reporters(flows, reporters, rows_axis, year, membership, years)
    groups, members = _partner_groups(flows, partners, by, year, membership, years)
    present = rep[rep >= 0]
    change = value(flows) if value else None
    cols, shift = _columns(flows, change, mode in ("ghm", "ff"))
    out, totals, xm = group_sums(cols, len(flows.countries), len(flows.products), present, [g for _, g in groups],
                                 mode, per_product=by == "product", remedy=REMEDY, **options)
    names = np.asarray([n for n, _ in groups], dtype=object)
    if options.get("adjust") == "aquino":
        label = flows.countries.label[present]
        kernels._check_aquino_factors(totals[0, ..., 0], shift, totals[0, ..., 1], param="flows",
                                      describe=lambda i, j: f"between {label[i]} and {names[j]}")
    if by == "product":
        assert name is not None  # grubel_lloyd and marginal_iit name their per-product table
        return _product_table(flows, window, present, names, xm[0], pick(xm[0], totals[0], scale), name)
    meta = {"partners": {year: members}, "classification": flows.classification, "flow_notes": {year: list(flows.notes)}}
    results: dict[str, IndexMatrix] = {}
    for key, (values, name) in pick(out[0], totals[0], scale).items():
        full = np.full((len(rep), len(names)), np.nan)
        full[rep >= 0] = values
        results[key] = IndexMatrix(full, rl, names, name, "reporter", "partner", year, dict(meta),
                                   row_codes=rc, col_codes=np.full(len(names), -1, np.int64))
    return results


def _product_table(flows: TradeFlows, window: Window, rep: Any, names: ObjectArray, xm: F64Array,
                   columns: Mapping[str, F64Array], name: str) -> IndexTable:
    """IndexTable (year, reporter, reporter_code, partner, product, *columns), one row per
    (reporter, partner group, product) with trade (X or M not 0)."""
    keep = (xm[..., 0] != 0) | (xm[..., 1] != 0)
    r, g, p = np.nonzero(keep)
    table: dict[str, pa.Array] = {}
    if window[-1] is not None and len(window) == 1:
        table["year"] = pa.array(np.full(len(r), window[0], np.int32))
    table["reporter"] = pa.array(flows.countries.label[rep][r].astype(str))
    table["reporter_code"] = pa.array(flows.countries.code[rep][r])
    table["partner"] = pa.array(names[g].astype(str))
    table["partner_code"] = pa.nulls(len(r), pa.int64())  # a partner group: no country code
    table["product"] = pa.array(flows.products.code[p].astype(str))
    for col, arr in columns.items():
        table[col] = pa.array(arr[keep])
    return IndexTable(pa.table(table), name, {"year": window[-1], "classification": flows.classification,
                                              "flow_notes": {window[-1]: list(flows.notes)}})


def _run(source: Flows, compute: Callable[[TradeFlows, Window], dict[str, IndexMatrix] | IndexTable],
         years: list[Any] | None, panel: bool, meta: dict[str, Any], *, windows: list[Window] | None = None,
         request: Request = Request(), client: ClientLike = None) -> Any:
    """Every window through the driver (on the Dask cluster of `client`, if given), then one
    result per index key: the matrix of the one year asked or a panel (or one long table for
    by="product"), with `meta` added: {key: IndexMatrix or IndexPanel}, or an IndexTable."""
    parts: list[Any] = run(source, compute, years=years, windows=windows, request=request,
                           progress=meta.pop("progress"), label=meta["index"], client=client)
    if not isinstance(parts[0], dict):
        table = IndexTable.concat(parts)
        table.meta.update(meta)
        table.meta.pop("year", None)
        finish_meta(table.meta)
        return table
    out: dict[str, MatrixOrPanel] = {}
    for key in parts[0]:
        one = [p[key] for p in parts]
        out[key] = IndexPanel.from_matrices(one) if panel else one[0]
        out[key].meta.update(meta)
        finish_meta(out[key].meta)
    return out


#: The ways out of a Grubel-Lloyd family result too large for memory (named in the error).
REMEDY = ("select fewer countries first (flows.select(exporters=..., importers=...)): the pairwise sums take "
          "C x C x K whatever reporters= and partners= keep; or fewer years, or compute the years on a Dask cluster")


def _check_size(flows: Flows, by: str, mode: str, n_years: int, partners: Partners | None,
                n_threads: int | None) -> None:
    """Before any year is read: the kernel's sums over every pair of countries and the results,
    for in-memory flows (lazy flows: the kernel checks each year, in the same words)."""
    if isinstance(flows, TradeFlows):
        C, P = len(flows.countries), len(flows.products)
        K = (P, 2) if by == "product" else (kernels._K[mode],)
        shape = (n_years, C, C if by == "pair" else len(check_partner_groups(partners, by))) + K
        kernels._check_gl_size("flows", shape, 1, len(flows), C, P, effective_threads(n_threads), REMEDY)


def _compute(by: str, mode: str, pick: Pick, pick_products: PickProducts | None, flows: Flows,
             reporters: Countries | Group | None, partners: Partners | None, membership: Membership,
             years: list[Any], scale: float, options: Mapping[str, Any],
             value: Callable[[TradeFlows], F64Array] | None = None,
             name: str | None = None) -> Callable[[TradeFlows, Window], dict[str, IndexMatrix] | IndexTable]:
    """The per-window computation of a Grubel-Lloyd family index, by pair or by partner group."""
    if by == "pair":
        check_partner_groups(partners, "pair")
        return partial(_pair_year, mode=mode, pick=pick, rows_axis=_axis(flows, reporters, "reporters"),
                       cols_axis=fixed_axis(flows, partners, "partners"), scale=scale, options=options,
                       value=value)
    spec = check_partner_groups(partners, by)
    check_group_members(flows, {n: g for n, g in spec.items() if g is not None}, "partners")
    return partial(_group_year, mode=mode, pick=pick_products if by == "product" else pick,
                   reporters=reporters, rows_axis=_axis(flows, reporters, "reporters"), partners=partners,
                   by=by, membership=membership, years=years, scale=scale, options=options, value=value,
                   name=name)


def grubel_lloyd(flows: Flows, *, by: Literal["pair", "country", "product"] = "pair",
                 reporters: Countries | Group | None = None, partners: Partners | None = None,
                 products: Products | None = None, years: Years = None, adjust: Adjust = None,
                 membership: Membership = "by-year", scale: float = 100, n_threads: int | None = None,
                 progress: bool = False, client: ClientLike = None) -> IndexMatrix | IndexPanel | IndexTable:
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
    n_threads : threads of the compiled kernel (None = all cores; on a Dask worker, its threads).
    client : None (default: this process), a ``dask.distributed.Client`` or ``"auto"`` (the
        running one): each year is a task on the cluster, reading its own files when `flows`
        is lazy. Same results; see docs/dask.md.

    Returns
    -------
    IndexMatrix (one year or no year recorded) or IndexPanel (several years) for by="pair" and
    by="country" (rows: reporters, columns: partner groups); an IndexTable (year, reporter,
    reporter_code, partner, partner_code, product, exports, imports, grubel_lloyd) for
    by="product". 0/0 (no trade either way) is NaN, as is the diagonal of by="pair".

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
    adjust = check_adjust(adjust, by)
    scale = check_scale("scale", scale)
    years, panel = source_years(flows, years)
    membership = check_membership(membership, years)
    _check_size(flows, by, "gl", len(years), partners, n_threads)
    meta = {"index": "Grubel-Lloyd", "scale": scale, "adjust": adjust, "products": products, "by": by,
            "membership": membership, "progress": progress,
            "zero_division": "NaN where there is no trade (or only one-way trade when adjusted); a "
                             "country with itself is NaN"}
    compute = _compute(by, "gl", _gl, partial(_gl_products, adjust=adjust), flows, reporters, partners,
                       membership, years, scale, {"adjust": adjust, "n_threads": n_threads}, name="Grubel-Lloyd")
    result = _run(flows, compute, years, panel, meta, request=Request(products=product_request(products)),
                  client=client)
    return result if by == "product" else result["gl"]


def _change(start: int, end: int, flows: TradeFlows) -> F64Array:
    """Each flow's change from `start` to `end`: + its value in `end`, - its value in `start`."""
    return np.where(flows.year == end, flows.value, np.where(flows.year == start, -flows.value, 0.0))


def marginal_iit(flows: Flows, start: int, end: int, *, by: Literal["pair", "country", "product"] = "pair",
                 reporters: Countries | Group | None = None, partners: Partners | None = None,
                 products: Products | None = None, membership: Membership = "fixed", scale: float = 100,
                 n_threads: int | None = None, progress: bool = False,
                 client: ClientLike = None) -> MarginalIIT | IndexTable:
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
    reporters, partners, products, scale, n_threads, client : as in :func:`grubel_lloyd` (the
        two years are one task).

    Returns
    -------
    MarginalIIT(A, B): two IndexMatrix (by="pair"/"country"), NaN where no trade changed
    (0/0); or an IndexTable (a long table: ``.to_pandas()``, ``.to_arrow()``) for by="product".

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
    source_years(flows, None)
    check_two_years(start, end, list(flows.years))
    scale = check_scale("scale", scale)
    membership = check_membership(membership, [start, end])
    membership = end if membership in ("fixed", "by-year") else membership  # one composition for a change
    _check_size(flows, by, "miit", 1, partners, n_threads)
    meta = {"index": "marginal IIT", "scale": scale, "start": start, "end": end, "products": products,
            "by": by, "membership": membership, "progress": progress,
            "zero_division": "NaN where no trade changed"}
    compute = _compute(by, "miit", _miit, _miit_products, flows, reporters, partners, membership,
                       [start, end], scale, {"n_threads": n_threads}, value=partial(_change, start, end),
                       name="marginal IIT")
    result = _run(flows, compute, None, False, meta, windows=[(start, end)],
                  request=Request(products=product_request(products)), client=client)
    return result if by == "product" else MarginalIIT(result["A"], result["B"])


def trade_types(flows: Flows, *, alpha: float = 0.15, method: Literal["ghm", "ff"] = "ghm",
                by: Literal["pair", "country"] = "pair", reporters: Countries | Group | None = None,
                partners: Partners | None = None, products: Products | None = None, years: Years = None,
                membership: Membership = "by-year", scale: float = 100, n_threads: int | None = None,
                progress: bool = False, client: ClientLike = None) -> dict[str, MatrixOrPanel]:

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
    reporters, partners, products, years, scale, n_threads, client : as in :func:`grubel_lloyd`.

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
    scale = check_scale("scale", scale)
    years, panel = source_years(flows, years)
    membership = check_membership(membership, years)
    band = (1 - alpha, 1 + alpha) if method == "ghm" else (1 / (1 + alpha), 1 + alpha)
    _check_size(flows, by, method, len(years), partners, n_threads)
    meta = {"index": f"trade types ({method})", "scale": scale, "alpha": alpha, "method": method,
            "products": products, "by": by, "membership": membership, "progress": progress,
            "zero_division": "NaN where there is no trade"}
    compute = _compute(by, method, partial(_types, method=method), None, flows, reporters, partners,
                       membership, years, scale, {"band": band, "n_threads": n_threads})
    return _run(flows, compute, years, panel, meta, request=Request(quantity=True, products=product_request(products)),
                client=client)
