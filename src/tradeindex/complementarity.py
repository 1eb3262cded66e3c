"""Trade complementarity (Michaely 1996) and export / import similarity (Finger and Kreinin
1979) for all pairs of countries and groups of countries, from TradeFlows or LazyFlows.

Every index here is ``scale * sum_p min(a_ip, b_jp)`` over share vectors ``a_i`` and ``b_j``
(rows of a country x product matrix divided by their totals), computed by the kernels of
:mod:`tradeindex.kernels`, one year at a time (:mod:`tradeindex._years`). Conventions shared by
all of them:

- shares are over the products of the selection (`products`): within a subset of products
  they are renormalised to sum to 1 over that subset;
- a country's trade is with all partners in the flows (the world, for BACI), whatever rows
  or columns are asked for;
- a group's trade is the sum of its members' trade with all partners (intra-group trade
  included); members may belong to several groups; built-in groups take each year's members
  (``membership="by-year"``) or one composition for every year (``"fixed"``: the last year's;
  or a given year's);
- a country (or group) with no trade in the selection gives a NaN row / column, never 0;
- self-pairs (a country with itself, a group with itself) are NaN and never among the top-k
  partners unless ``self_pairs=True``.
"""
from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, Any

import numpy as np

from . import kernels
from ._validation import (check_choice, check_float_dtype, check_group_names, check_membership,
                          check_pairs_size, check_scale, check_top_k)
from ._years import (check_group_members, country_rows, finish_meta, fixed_axis, groups_in_year,
                     product_request, run, source_years)
from .codes import resolve_groups
from .flows import TradeFlows
from .result import IndexMatrix, IndexPanel, TopPartners, _self_columns, _self_pairs
from .sources import Request

if TYPE_CHECKING:
    from ._typing import (ClientLike, Countries, Flows, FloatDType, Groups, Membership, Method, PairResult,
                          Products, Years)
    from ._years import Axis, Window

    #: The two sides of an index: the exports or imports of its rows, then of its columns.
    Sides = tuple[str, str]
    #: (row name, column name, rows parameter, columns parameter), e.g. ("exporter", "importer",
    #: "exporters", "importers").
    Axes = tuple[str, str, str, str]

CONVENTIONS = ("shares renormalised over the selected products; trade with all partners in the "
               "flows; groups sum their members' trade; NaN where a country or group has no "
               "trade in the selection; self-pairs NaN unless self_pairs=True")


def _pairs_year(flows: TradeFlows, window: Window, *, name: str, sides: Sides, axes: Axes, row_axis: Axis,
                col_axis: Axis, groups: Groups | None, membership: Membership, years: list[Any], scale: float,
                dtype: FloatDType, method: Method, top_k: int | None, self_pairs: bool, n_threads: int | None,
                client: ClientLike = None) -> IndexMatrix | TopPartners:
    """One year of an index of this module: the (grouped) sides, one kernel call, labels (the
    top-k kernel as row blocks on the cluster of `client`)."""
    year = window[0]
    grouped, members = groups_in_year(flows, groups, "groups", year, membership, years)
    check_group_names([g for g, _ in grouped], flows.countries.label)
    G_rows, rows, row_codes = country_rows(flows, row_axis, grouped)
    G_cols, cols, col_codes = country_rows(flows, col_axis, grouped)
    check_pairs_size(axes[2], axes[3], len(years), len(rows), len(cols), check_float_dtype("dtype", dtype),
                     top_k=top_k, offers=OFFERS)  # this year's countries (lazy flows)
    X = G_rows @ flows._side_values(sides[0], slice(None))
    M = G_cols @ flows._side_values(sides[1], slice(None))
    chosen = kernels.choose_method(X, M) if method == "auto" else method
    options: dict[str, Any] = {"scale": scale, "dtype": dtype, "method": chosen, "n_threads": n_threads}
    meta = {"groups": {year: {g: info["members"] for g, info in members.items()}},
            "groups_absent": {year: {g: info["absent"] for g, info in members.items() if info["absent"]}},
            "method_used": {year: chosen}, "classification": flows.classification,
            "products": {year: len(flows.products)}, "flow_notes": {year: list(flows.notes)}}
    if top_k:
        column = None if self_pairs else _self_columns(rows, row_codes, cols, col_codes)  # no rows x cols mask
        values, index = kernels.complementarity_top_k(X, M, top_k, exclude=column, client=client, **options)
        partners = np.where(index >= 0, cols[np.maximum(index, 0)], "")
        codes = np.where(index >= 0, col_codes[np.maximum(index, 0)], -1)
        return TopPartners(values[None], partners[None], [year], rows, name, axes[0], axes[1], meta,
                           row_codes=row_codes, partner_codes=codes[None])
    values = kernels.complementarity(X, M, **options)
    if not self_pairs:
        values[_self_pairs(rows, row_codes, cols, col_codes)] = np.nan
    return IndexMatrix(values, rows, cols, name, axes[0], axes[1], year, meta,
                       row_codes=row_codes, col_codes=col_codes)


def _pairs(source: Flows, name: str, sides: Sides, axes: Axes, row_keys: Countries | None,
           col_keys: Countries | None, *, years: Years, products: Products | None, groups: Groups | None,
           membership: Membership, scale: float, dtype: FloatDType, method: Method, top_k: int | None,
           self_pairs: bool, n_threads: int | None, progress: bool, reference: str,
           client: ClientLike) -> PairResult:
    """The shared body of every index of this module: validate, run the years, assemble. With
    a Dask client: one task per year, or, for top_k, each year's top-k search as row blocks."""
    top_k = check_top_k(top_k)
    years, panel = source_years(source, years)
    membership = check_membership(membership, years)
    check_choice("method", method, ("auto", "dense", "sparse"))
    storage = check_float_dtype("dtype", dtype)
    check_scale("scale", scale, storage)
    row_axis, col_axis = fixed_axis(source, row_keys, axes[2]), fixed_axis(source, col_keys, axes[3])
    check_group_members(source, groups, "groups")
    sizes = sizes_before(source, row_axis, col_axis, groups)
    if sizes:  # before any year is read
        check_pairs_size(axes[2], axes[3], len(years), *sizes, storage, top_k=top_k, offers=OFFERS)
    request = _request(products, sides, (row_axis, col_axis), groups)
    compute = partial(_pairs_year, name=name, sides=sides, axes=axes, row_axis=row_axis, col_axis=col_axis,
                      groups=groups, membership=membership, years=years, scale=scale, dtype=dtype,
                      method=method, top_k=top_k, self_pairs=self_pairs, n_threads=n_threads,
                      client=client if top_k else None)
    parts: list[Any] = run(source, compute, years=years, request=request, progress=progress, label=name,
                           client=None if top_k else client)  # the years' IndexMatrix, or TopPartners with top_k
    result = (TopPartners.from_years(parts) if top_k else IndexPanel.from_matrices(parts)) if panel else parts[0]
    meta = result.meta
    meta.update({"index": name, "formula": f"{scale} * sum_p min(a_p, b_p) = {scale} * (1 - sum_p |a_p - b_p| / 2)",
                 "rows": f"{axes[0]} shares of {sides[0]}", "cols": f"{axes[1]} shares of {sides[1]}",
                 "scale": scale, "product_selection": products, "membership": membership,
                 "self_pairs": bool(self_pairs), "dtype": str(dtype), "method": method,
                 "conventions": CONVENTIONS, "reference": reference})
    finish_meta(meta)
    return result


#: The ways out of a result too large for memory these functions offer (_validation.check_pairs_size).
OFFERS = ("top_k", "float32")


def sizes_before(source: Flows, row_axis: Axis, col_axis: Axis, groups: Groups | None) -> tuple[int, int] | None:
    """(rows, cols) of a result before any year is read: the countries asked for, or every
    country of in-memory flows, plus the groups; None for lazy flows without fixed axes (their
    countries are known year by year: checked then)."""
    if not isinstance(source, TradeFlows) and (row_axis is None or col_axis is None):
        return None
    n_groups = len(resolve_groups(groups, "groups")) if groups is not None else 0
    n_countries = len(source.countries) if isinstance(source, TradeFlows) else 0  # lazy: both axes fixed (above)
    rows, cols = ((n_countries if a is None else len(a[0])) + n_groups for a in (row_axis, col_axis))
    return rows, cols


def _request(products: Products | None, sides: Sides, axes: tuple[Axis, Axis], groups: Groups | None) -> Request:
    """What to read of each year: the products, and, when both axes are fixed lists of
    countries (no groups), only the flows of their side (exports of the rows, imports of the
    columns): the rest cannot change their shares."""
    specs = product_request(products)
    if groups is not None or any(a is None or (a[0] < 0).any() for a in axes):
        return Request(products=specs)
    keys: dict[str, set[int]] = {"exports": set(), "imports": set()}
    for side, axis in zip(sides, axes):
        assert axis is not None  # both axes fixed (above)
        keys[side].update(int(c) for c in axis[0])

    return Request(products=specs, exporters=tuple(sorted(keys["exports"])) or None,
                   importers=tuple(sorted(keys["imports"])) or None)


MICHAELY = ("Michaely, M. (1996). Trade preferential agreements in Latin America: an ex-ante "
            "assessment. World Bank Policy Research Working Paper 1583.")
FINGER_KREININ = ("Finger, J. M. and Kreinin, M. E. (1979). A measure of 'export similarity' and "
                  "its possible uses. The Economic Journal, 89(356), 905-912.")


def complementarity(flows: Flows, *, years: Years = None, exporters: Countries | None = None,
                    importers: Countries | None = None, products: Products | None = None, groups: Groups | None = None,
                    membership: Membership = "by-year", scale: float = 100, dtype: FloatDType = "float64",
                    method: Method = "auto", top_k: int | None = None, self_pairs: bool = False,
                    n_threads: int | None = None, progress: bool = False, client: ClientLike = None) -> PairResult:
    """Trade complementarity of every exporter with every importer (Michaely 1996).

    .. math:: TC_{jk} = 100 \\left(1 - \\tfrac12 \\sum_p |m_{kp} - x_{jp}|\\right)
              = 100 \\sum_p \\min(x_{jp}, m_{kp})

    with ``x_j`` exporter j's export shares over the selected products and ``m_k`` importer k's
    import shares (both over trade with all partners in the flows). 100: j exports exactly
    what k imports, in the same proportions; 0: no product in common. The two forms are equal
    because both share vectors sum to 1; the kernel uses the min form.

    Parameters
    ----------
    flows : TradeFlows, or LazyFlows (:func:`tradeindex.scan_baci`), read one year at a time.
    years : None (every year: an IndexPanel when there are several), a year (IndexMatrix) or a
        list of years (IndexPanel). The product universe of each year is the selection's.
    exporters, importers : the rows / columns to report (ISO3, numeric codes or names; default
        every country present in the year, in code order). Shares always use trade with all
        partners; an asked country without trade in a year is NaN there.
    products : codes, prefixes ("84") or ranges ("84-90") in the flows' classification: shares
        are renormalised over them.
    groups : {"EAEU": ["ARM", "BLR", "KAZ", "KGZ", "RUS"], ...}: extra rows and columns whose
        trade is the sum of the members' trade (members may overlap between groups). Names of
        built-in groups (``"EAEU"``, ``["EAEU", "EU27"]``, ``{"Union": "EAEU"}``) take their
        members by `membership`; ``meta["groups"]`` records the members used per year and a
        warning names members absent from the data.
    membership : "by-year" (default: each year's members), "fixed" (the last year's members in
        every year) or a year (that year's members in every year); built-in groups only.
    scale : 100 (default) for 0-100; 1 for 0-1.
    dtype : "float64" or "float32" storage (float32 sums in float64 across 512-product chunks).
    method : "auto", "dense" or "sparse"; see :func:`tradeindex.kernels.complementarity`.
    top_k : K: instead of the full matrix, the K importers with the highest index for each
        exporter (:class:`tradeindex.TopPartners`), computed without forming the full matrix;
        ties go to the importer listed first.
    self_pairs : False (default): a country with itself (and a group with itself) is NaN and
        never a top-k partner; True keeps them.
    n_threads : OpenMP threads (None: OMP_NUM_THREADS or all cores; on a Dask worker, its threads).
    progress : show progress over the years.
    client : None (default: this process), a ``dask.distributed.Client`` or ``"auto"`` (the
        running one): each year is a task on the cluster, reading its own files when `flows`
        is lazy; with `top_k`, each year's search runs as row blocks over the cluster. Same
        results; see docs/dask.md.

    Returns
    -------
    IndexMatrix (exporters x importers), IndexPanel (years x exporters x importers) or
    TopPartners. 0/0 convention: an exporter without exports (or importer without imports) in
    the selection gets a NaN row (column), never 0. ``meta`` records the conventions.

    References
    ----------
    Michaely, M. (1996). Trade preferential agreements in Latin America: an ex-ante
    assessment. World Bank Policy Research Working Paper 1583.

    Examples
    --------
    >>> import tradeindex
    >>> tc = tradeindex.complementarity(tradeindex.sample(), years=1990,
    ...                                 groups={"MERCOSUR": ["ARG", "BRA", "PRY", "URY"]})
    >>> tc
    <IndexMatrix trade complementarity, 1990: 24 exporters x 24 importers, 24 NaN>
    >>> round(tc.loc["JPN", "USA"], 1), round(tc.loc["BRA", "MERCOSUR"], 1)
    (67.9, 32.3)
    """
    return _pairs(flows, "trade complementarity", ("exports", "imports"),
                  ("exporter", "importer", "exporters", "importers"), exporters, importers,
                  years=years, products=products, groups=groups, membership=membership, scale=scale,
                  dtype=dtype, method=method, top_k=top_k, self_pairs=self_pairs, n_threads=n_threads,
                  progress=progress, reference=MICHAELY, client=client)


def _similarity(flows: Flows, side: str, countries: Countries | None, partners: Countries | None,
                options: dict[str, Any]) -> PairResult:
    name = "export similarity" if side == "exports" else "import similarity"
    return _pairs(flows, name, (side, side), ("country", "partner", "countries", "partners"),
                  countries, partners, reference=FINGER_KREININ, **options)


def export_similarity(flows: Flows, *, years: Years = None, countries: Countries | None = None,
                      partners: Countries | None = None, products: Products | None = None, groups: Groups | None = None,
                      membership: Membership = "by-year", scale: float = 100, dtype: FloatDType = "float64",
                      method: Method = "auto", top_k: int | None = None, self_pairs: bool = False,
                      n_threads: int | None = None, progress: bool = False, client: ClientLike = None) -> PairResult:
    """Export similarity of every pair of countries (Finger and Kreinin 1979).

    .. math:: ES_{ij} = 100 \\sum_p \\min(x_{ip}, x_{jp}) = 100 \\left(1 - \\tfrac12 \\sum_p |x_{ip} - x_{jp}|\\right)

    with ``x_i`` country i's export shares over the selected products (exports to all partners
    in the flows). 100: identical export structures; 0: no product in common. Rows are
    `countries`, columns `partners` (both default to all countries). Options (`client`: the
    years on a Dask cluster), 0/0 convention (NaN for a country without exports in the
    selection) and results as in :func:`complementarity`; a country with itself is NaN (100
    with ``self_pairs=True``).

    References
    ----------
    Finger, J. M. and Kreinin, M. E. (1979). A measure of 'export similarity' and its possible
    uses. The Economic Journal, 89(356), 905-912.

    Examples
    --------
    >>> import tradeindex
    >>> es = tradeindex.export_similarity(tradeindex.sample(), years=1990, countries=["ARG", "BRA"],
    ...                                   partners=["ARG", "BRA", "URY"])
    >>> es.values.round(1)
    array([[ nan,  36.2,  29.7],
           [36.2,   nan,  10.5]])
    """
    options = dict(years=years, products=products, groups=groups, membership=membership, scale=scale,
                   dtype=dtype, method=method, top_k=top_k, self_pairs=self_pairs, n_threads=n_threads,
                   progress=progress, client=client)
    return _similarity(flows, "exports", countries, partners, options)


def import_similarity(flows: Flows, *, years: Years = None, countries: Countries | None = None,
                      partners: Countries | None = None, products: Products | None = None, groups: Groups | None = None,
                      membership: Membership = "by-year", scale: float = 100, dtype: FloatDType = "float64",
                      method: Method = "auto", top_k: int | None = None, self_pairs: bool = False,
                      n_threads: int | None = None, progress: bool = False, client: ClientLike = None) -> PairResult:

    """Import similarity of every pair of countries: :func:`export_similarity` on import
    shares, ``100 * sum_p min(m_ip, m_jp)`` (Finger and Kreinin 1979 applied to imports).

    NaN for a country without imports in the selection. Same options and results as
    :func:`complementarity`.

    References
    ----------
    Finger, J. M. and Kreinin, M. E. (1979). A measure of 'export similarity' and its possible
    uses. The Economic Journal, 89(356), 905-912.

    Examples
    --------
    >>> import tradeindex
    >>> ms = tradeindex.import_similarity(tradeindex.sample(), years=1990, countries="USA",
    ...                                   partners=["CAN", "MEX"])
    >>> ms.values.round(1)
    array([[66., 50.]])
    """
    options = dict(years=years, products=products, groups=groups, membership=membership, scale=scale,
                   dtype=dtype, method=method, top_k=top_k, self_pairs=self_pairs, n_threads=n_threads,
                   progress=progress, client=client)
    return _similarity(flows, "imports", countries, partners, options)
