"""Trade indicators beside complementarity and intra-industry trade: revealed comparative
advantage, trade intensity, concentration, specialisation, regional orientation and intra-group
trade shares (the indicators of WITS and of ESCAP's handbook), for all countries and pairs at
once, from TradeFlows or LazyFlows (:func:`tradeindex.scan_baci`), one year at a time
(:mod:`tradeindex._years`).

Conventions shared by every function here:

- each year is computed on its own (a panel is its years side by side, aligned on the union of
  their labels: a country absent in a year, asked for or not, is NaN there);
- a country's trade is with all partners in the flows (the world, for BACI); with `products`, the
  totals are over the selected products (e.g. RCA within HS 84-90; for the usual all-goods
  denominators compute on all products and take the columns: ``rca(flows).loc[:, codes]``);
- a group's trade is the sum of its members' trade (intra-group trade included); built-in groups
  take each year's members (``membership="by-year"``) or one composition for every year
  (``"fixed"``: the last year's; or a given year's); ``meta["groups"]`` records the members used
  per year and a warning names members absent from the data;
- NaN where a denominator is zero (a country without exports, a product nobody exports), never 0;
- self-pairs (a country with itself, a group with itself) of the pair indices (trade intensity,
  Krugman) are NaN and left out of pair tables unless ``self_pairs=True``, as in
  :func:`tradeindex.complementarity`; a country with itself has no trade intensity at all (BACI
  holds no flow i -> i), so it stays NaN even then;
- each index keeps its natural scale: RCA and trade intensity are ratios around 1, HHI in [0, 1],
  specialisation in [-1, 1], Krugman's index in [0, 2]; shares of trade are percentages (0-100).

Definitions follow WITS (World Bank, "Trade Indicators" help:
http://wits.worldbank.org/WITS/WITS/TradeIndicatorsHelp/TradeIndicators.htm, and the WITS entries
of the trade intensity and Herfindahl-Hirschman concentration indices, which give no value for a
country exporting a single product) and Mikic and Gilbert (2009), the ESCAP handbook behind
APTIAD's indicators (trade intensity, regional orientation, export shares).

The array-level versions (NumPy / scipy.sparse in, ndarray out) are in :mod:`tradeindex.kernels`:
``rca``, ``trade_intensity``, ``partner_shares``, ``hhi``, ``trade_specialisation``, ``krugman``,
``regional_orientation`` and the compiled two-key sum ``cell_totals`` behind the bilateral totals.
"""
from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, Any, Literal, TypeAlias, cast


import numpy as np

from . import kernels
from ._validation import (check_choice, check_float_dtype, check_group_names, check_has_groups, check_membership,
                          check_one_group, check_output_size, check_pairs_size, check_scale)
from ._years import (check_group_members, country_rows, finish_meta, fixed_axis, groups_in_year,
                     product_request, run, source_years)
from .codes import resolve_groups
from .complementarity import sizes_before
from .result import IndexMatrix, IndexPanel, _self_pairs
from .sources import Request

if TYPE_CHECKING:
    from ._typing import (ClientLike, Countries, F64Array, Flows, FloatArray, FloatDType, Groups, I64Array,
                          MatrixOrPanel, Membership, Method, ObjectArray, Products, Years)
    from ._years import Axis, GroupIds, Window
    from .flows import TradeFlows

#: The rows of a function here: a fixed axis (or None, every country present), or MEMBERS.
Rows: TypeAlias = "Axis | str"

BALASSA = ("Balassa, B. (1965). Trade liberalisation and 'revealed' comparative advantage. The "
           "Manchester School, 33(2), 99-123.")
LAURSEN = ("Laursen, K. (2015). Revealed comparative advantage and the alternatives as measures of "
           "international specialization. Eurasian Business Review, 5(1), 99-115.")
HIDALGO = ("Hidalgo, C. A. and Hausmann, R. (2009). The building blocks of economic complexity. "
           "PNAS, 106(26), 10570-10575.")
INTENSITY = ("Brown, A. J. (1949). Applied Economics. London: Allen and Unwin. Kojima, K. (1964). The "
             "pattern of international trade among advanced countries. Hitotsubashi Journal of "
             "Economics, 5(1), 16-36.")
HANDBOOK = ("Mikic, M. and Gilbert, J. (2009). Trade Statistics in Policymaking: A Handbook of Commonly "
            "Used Trade Indices and Indicators, revised edition. Bangkok: UNESCAP.")
HHI = ("Herfindahl, O. C. (1950). Concentration in the Steel Industry. PhD dissertation, Columbia "
       "University. Hirschman, A. O. (1964). The paternity of an index. American Economic Review, "
       "54(5), 761.")
KRUGMAN = "Krugman, P. (1991). Geography and Trade. Cambridge, MA: MIT Press."
YEATS = ("Yeats, A. J. (1998). Does Mercosur's trade performance raise concerns about the effects of "
         "regional trade arrangements? The World Bank Economic Review, 12(1), 1-28.")
ZERO_DIVISION = "NaN where a denominator is zero, never 0"
CONCENTRATION_COLS = ("exports by product", "exports by partner", "imports by product", "imports by partner")
MEMBERS = "members"  # rows: every member of the groups present in the year (intra-group share and intensity)
NO_COUNTRIES = (np.zeros(0, np.int64), np.zeros(0, dtype=object))  # an axis of groups only


# -- what every function shares: checks before any year is read, one year's groups, the driver -----------
def _checked(flows: Flows, years: Years, membership: Membership, groups: Groups | None,
             param: str = "groups") -> tuple[list[Any], bool, Membership]:
    """(years, panel?, membership) after the checks made before any year is read: the source
    and the years, the membership, the members listed by hand."""
    years, panel = source_years(flows, years)
    membership = check_membership(membership, years)
    check_group_members(flows, groups, param)
    return years, panel, membership


def _year_groups(flows: TradeFlows, spec: Groups | None, param: str, year: int | None, membership: Membership,
                 years: list[Any]) -> tuple[GroupIds, dict[str, dict[str, list[str]]]]:
    """([(name, ids of the members present)], {name: members used and absent}) in `year`."""
    grouped, info = groups_in_year(flows, spec, param, year, membership, years)
    check_group_names([g for g, _ in grouped], flows.countries.label)
    return grouped, info


def _members_axis(flows: TradeFlows, axis: Rows, grouped: GroupIds) -> Axis:
    """A fixed axis (or None) as it is; MEMBERS: the members of the groups present this year."""
    if not (isinstance(axis, str) and axis == MEMBERS):
        return cast("Axis", axis)  # the one text Rows is MEMBERS
    ids = np.unique(np.concatenate([m for _, m in grouped] + [np.zeros(0, np.int64)]))
    return flows.countries.code[ids], flows.countries.label[ids]


def _year_meta(flows: TradeFlows, year: int | None, info: dict[str, dict[str, list[str]]]) -> dict[str, Any]:
    """What each year records: the members used and absent, the classification, the number of
    products and the notes of the flows (merged over the years by IndexPanel.from_matrices)."""
    return {"groups": {year: {g: i["members"] for g, i in info.items()}},
            "groups_absent": {year: {g: i["absent"] for g, i in info.items() if i["absent"]}},
            "classification": flows.classification, "products": {year: len(flows.products)},
            "flow_notes": {year: list(flows.notes)}}


def _column_sums(A: Any) -> F64Array:
    return np.asarray(A.sum(axis=0), dtype=np.float64).ravel()


#: The ways out of C x C bilateral totals too large for memory.
BILATERAL_REMEDY = ("select fewer countries first (flows.select(exporters=..., importers=...)): the bilateral totals "
                    "take C x C whatever rows and columns are asked for")


def _bilateral(flows: TradeFlows, n_threads: int | None) -> F64Array:
    """C x C totals of the flows i -> j (compiled two-key sum), checked against the memory
    available first (with the copies the kernels make of them)."""
    n = len(flows.countries)
    check_output_size("flows", (n, n), what="bilateral totals", work=16 * n * n, remedy=BILATERAL_REMEDY)
    return kernels._cell_totals(flows.exporter, flows.importer, flows.value, n, n, n_threads)


def _collect(flows: Flows, compute: Callable[[TradeFlows, Window], IndexMatrix], *, years: list[Any], panel: bool,
             products: Products | None, progress: bool, meta: dict[str, Any],
             client: ClientLike = None) -> MatrixOrPanel:
    """Every year through the driver, then the one year's IndexMatrix or the panel of the years,
    with `meta` added and the notes (absent members, the flows' notes) finished."""
    request = Request(products=product_request(products))
    parts = run(flows, compute, years=years, request=request, progress=progress, label=meta["index"],
                client=client)
    result = IndexPanel.from_matrices(parts) if panel else parts[0]
    result.meta.update(meta, product_selection=products, zero_division=ZERO_DIVISION)
    finish_meta(result.meta)
    return result


def _no_self_pairs(values: FloatArray, rows: ObjectArray, row_codes: I64Array, cols: ObjectArray,
                   col_codes: I64Array) -> FloatArray:
    """NaN for a country with itself and a group with itself (complementarity's rule)."""
    values[_self_pairs(rows, row_codes, cols, col_codes)] = np.nan
    return values


# -- revealed comparative advantage ---------------------------------------------------------------
_RCA_NAMES = {"ratio": "rca", "symmetric": "rsca", "binary": "rca binary"}


def _rca_year(flows: TradeFlows, window: Window, *, rows: Axis, groups: Groups | None, reference: Groups | None,
              kind: Literal["ratio", "symmetric", "binary"], membership: Membership, years: list[Any]) -> IndexMatrix:
    """One year of :func:`rca`: exports by country x product, the benchmark, one kernel call."""
    year = window[0]
    grouped, info = _year_groups(flows, groups, "groups", year, membership, years)
    X = flows._side_values("exports", slice(None))
    ref = _column_sums(X)
    if reference is not None:
        ((_, members),), against = groups_in_year(flows, reference, "reference", year, membership, years)
        info = {**info, **against}
        ref = _column_sums(X[members])
    G, labels, codes = country_rows(flows, rows, grouped)
    values = kernels.rca(G @ X, reference=ref, kind=kind)
    return IndexMatrix(values if isinstance(values, np.ndarray) else values.toarray(), labels,
                       flows.products.code, _RCA_NAMES[kind], "country", "product", year,
                       _year_meta(flows, year, info), row_codes=codes)


def rca(flows: Flows, *, years: Years = None, countries: Countries | None = None, products: Products | None = None,
        groups: Groups | None = None, reference: Groups | None = None,
        kind: Literal["ratio", "symmetric", "binary"] = "ratio", membership: Membership = "by-year",
        progress: bool = False, client: ClientLike = None) -> MatrixOrPanel:
    r"""Revealed comparative advantage of every country in every product (Balassa 1965).

    .. math:: RCA_{cp} = \frac{x_{cp} / x_c}{x_{wp} / x_w}

    c's share of product p in its exports over the world's (WITS: RCA_ij = (x_ij / X_it) /
    (x_wj / X_wt)). > 1: c has a revealed comparative advantage in p. The world is every exporter
    in the flows; with `reference` a group instead (RCA within a region).

    Parameters
    ----------
    flows : TradeFlows, or LazyFlows (:func:`tradeindex.scan_baci`), read one year at a time.
    years : None (every year: an IndexPanel when there are several), a year or a list of years.
    countries : the rows (ISO3, numeric codes or names; default every country present in the
        year, in code order); an asked country absent in a year is NaN there.
    products : codes, prefixes or ranges: the totals x_c, x_wp, x_w are over these products.
    groups : extra rows summing their members' exports ({"EAEU": [...]} or built-in names).
    reference : None (the world) or one group whose exports are the benchmark (x_wp, x_w).
    kind : "ratio" (RCA, scale 1: a ratio around 1), "symmetric" ((RCA - 1) / (RCA + 1) in
        [-1, 1], Laursen 2015) or "binary" (1.0 where RCA >= 1, else 0.0: the M_cp matrix of
        economic complexity, Hidalgo and Hausmann 2009).
    membership : "by-year" (default: each year's members), "fixed" (the last year's members in
        every year) or a year: the composition of built-in groups (`groups`, `reference`).
    progress : show progress over the years.
    client : None (default: this process), a ``dask.distributed.Client`` or ``"auto"`` (the
        running one): each year is a task on the cluster, reading its own files when `flows`
        is lazy. Same results; see docs/dask.md.

    Returns
    -------
    IndexMatrix (country x product; values named "rca", "rsca" or "rca binary") or IndexPanel.
    0/0 convention: a country without exports in the selection has a NaN row, a product the
    reference does not export a NaN column; never 0. ``meta`` records the formula, the variant,
    the reference group and every group's members per year.

    References
    ----------
    Balassa, B. (1965). Trade liberalisation and "revealed" comparative advantage. The
    Manchester School, 33(2), 99-123. Laursen, K. (2015). Revealed comparative advantage and the
    alternatives as measures of international specialization. Eurasian Business Review, 5(1),
    99-115. World Bank WITS, Trade indicators: revealed comparative advantage index.

    Examples
    --------
    >>> import tradeindex
    >>> mercosur = {"MERCOSUR": ["ARG", "BRA", "PRY", "URY"]}   # ex ante: the sample is 1989-1990
    >>> r = tradeindex.rca(tradeindex.sample(), years=1990, groups=mercosur)
    >>> r
    <IndexMatrix rca, 1990: 24 countrys x 1241 products, 0 NaN>
    >>> round(r.loc["BRA", "2601"], 2), round(r.loc["MERCOSUR", "2601"], 2)   # iron ores
    (20.15, 16.08)
    """
    kind = check_choice("kind", kind, tuple(_RCA_NAMES))
    years, panel, membership = _checked(flows, years, membership, groups)
    against = "world"
    if reference is not None:
        against, _ = check_one_group("reference", resolve_groups(reference, "reference"))
        check_group_members(flows, reference, "reference")
    compute = partial(_rca_year, rows=fixed_axis(flows, countries, "countries"), groups=groups,
                      reference=reference, kind=kind, membership=membership, years=years)
    meta = {"index": "revealed comparative advantage",
            "formula": "RCA_cp = (x_cp / x_c) / (x_rp / x_r), r = " + ("the world" if reference is None else against),
            "reference": {"ratio": BALASSA, "symmetric": f"{BALASSA} {LAURSEN}", "binary": f"{BALASSA} {HIDALGO}"}[kind],
            "kind": kind, "against": against, "scale": 1, "membership": membership}
    return _collect(flows, compute, years=years, panel=panel, products=products, progress=progress, client=client, meta=meta)


# -- bilateral: trade intensity and intra-group shares -------------------------------------------
def _bilateral_year(flows: TradeFlows, window: Window, *, rows: Rows, cols: Axis, groups: Groups | None,
                    membership: Membership, years: list[Any], measure: str = "intensity", side: str = "exports",
                    exclude_self: bool = False, scale: float = 1.0, self_pairs: bool = False,
                    n_threads: int | None = None, names: tuple[str, str] = ("reporters", "partners")) -> IndexMatrix:
    """One year of the bilateral indices: the C x C totals (one compiled pass), one kernel call."""
    year = window[0]
    grouped, info = _year_groups(flows, groups, "groups", year, membership, years)
    R, row_labels, row_codes = country_rows(flows, _members_axis(flows, rows, grouped), grouped)
    K, col_labels, col_codes = country_rows(flows, cols, grouped)
    # this year's countries (`names`: the parameters)
    check_pairs_size(*names, len(years), len(row_labels), len(col_labels))
    B = _bilateral(flows, n_threads)
    if measure == "intensity":
        values, name = kernels.trade_intensity(B, rows=R, cols=K, exclude_self=exclude_self), "trade intensity"
    else:
        values = kernels.partner_shares(B if side == "exports" else B.T, rows=R, cols=K, scale=scale)
        name = f"{side[:-1]} share"
    if not self_pairs:
        _no_self_pairs(values, row_labels, row_codes, col_labels, col_codes)
    return IndexMatrix(values, row_labels, col_labels, name, "reporter", "partner", year,
                       _year_meta(flows, year, info), row_codes=row_codes, col_codes=col_codes)


def _intensity_meta(exclude_self: bool, membership: Membership, self_pairs: bool) -> dict[str, Any]:
    formula = ("TII_ij = (x_ij / X_i) / ((x_wj - x_ij) / (X_w - X_i))" if exclude_self
               else "TII_ij = (x_ij / X_i) / (x_wj / X_w)")
    return {"index": "trade intensity", "formula": formula, "reference": f"{INTENSITY} {HANDBOOK}",
            "variant": "rest of world" if exclude_self else "world (WITS)", "scale": 1,
            "membership": membership, "self_pairs": bool(self_pairs)}


def trade_intensity(flows: Flows, *, years: Years = None, reporters: Countries | None = None,
                    partners: Countries | None = None, products: Products | None = None, groups: Groups | None = None,
                    membership: Membership = "by-year", exclude_self: bool = False, self_pairs: bool = False,
                    n_threads: int | None = None, progress: bool = False, client: ClientLike = None) -> MatrixOrPanel:
    r"""Trade intensity of every reporter with every partner (Brown 1949; Kojima 1964).

    .. math:: TII_{ij} = \frac{x_{ij} / X_i}{x_{wj} / X_w}

    i's share of its exports going to j over the world's share of exports going to j (WITS and
    ESCAP's definition): x_ij exports of i to j, X_i i's exports to all partners, x_wj the
    world's exports to j (j's imports), X_w world exports. > 1: i exports more to j than j's
    weight in world imports. With ``exclude_self`` the benchmark is the rest of the world:

    .. math:: TII^{-i}_{ij} = \frac{x_{ij} / X_i}{(x_{wj} - x_{ij}) / (X_w - X_i)}

    Parameters
    ----------
    flows : TradeFlows, or LazyFlows (:func:`tradeindex.scan_baci`), read one year at a time.
    years, products, membership, progress, client : as in :func:`rca` (with `products`, trade in those
        products only).
    reporters, partners : rows and columns (default every country present in the year).
    groups : extra rows and columns: a group exports (imports) what its members do, intra-group
        trade included, so [i, G] is the intensity of member i with the rest of G (i does not
        trade with itself) and [G, G] the intra-group intensity (with ``self_pairs=True``, or
        :func:`intra_group_intensity`).
    exclude_self : the rest-of-world variant above.
    self_pairs : False (default): a group with itself is NaN and left out of the long table,
        as a country with itself; True keeps them: [G, G] is then the intra-group intensity,
        and a country with itself stays NaN (BACI has no flow x_ii: it is undefined, not 0).
    n_threads : threads of the compiled bilateral sum.

    Returns
    -------
    IndexMatrix (reporter x partner, values "trade_intensity", scale 1) or IndexPanel. 0/0
    convention: NaN for a reporter without exports, a partner without imports (from the rest
    of the world) and a country with itself; never 0.

    References
    ----------
    Brown, A. J. (1949). Applied Economics: Aspects of the World Economy in War and Peace.
    London: Allen and Unwin. Kojima, K. (1964). The pattern of international trade among
    advanced countries. Hitotsubashi Journal of Economics, 5(1), 16-36. Mikic, M. and Gilbert,
    J. (2009). Trade Statistics in Policymaking, revised edition. UNESCAP. World Bank WITS,
    Trade indicators: trade intensity index.

    Examples
    --------
    >>> import tradeindex
    >>> mercosur = {"MERCOSUR": ["ARG", "BRA", "PRY", "URY"]}
    >>> ti = tradeindex.trade_intensity(tradeindex.sample(), years=1990, groups=mercosur)
    >>> round(ti.loc["ARG", "BRA"], 2), round(ti.loc["ARG", "MERCOSUR"], 2), ti.loc["MERCOSUR", "MERCOSUR"]
    (21.9, 19.68, nan)
    >>> ti = tradeindex.trade_intensity(tradeindex.sample(), years=1990, groups=mercosur, self_pairs=True)
    >>> round(ti.loc["MERCOSUR", "MERCOSUR"], 2), ti.loc["ARG", "ARG"]   # intra-group intensity
    (6.99, nan)
    """
    years, panel, membership = _checked(flows, years, membership, groups)
    rows, cols = fixed_axis(flows, reporters, "reporters"), fixed_axis(flows, partners, "partners")
    sizes = sizes_before(flows, rows, cols, groups)
    if sizes:  # before any year is read
        check_pairs_size("reporters", "partners", len(years), *sizes)
    compute = partial(_bilateral_year, rows=rows, cols=cols, groups=groups, membership=membership,
                      years=years, exclude_self=bool(exclude_self), self_pairs=bool(self_pairs), n_threads=n_threads)
    return _collect(flows, compute, years=years, panel=panel, products=products, progress=progress, client=client,
                    meta=_intensity_meta(exclude_self, membership, self_pairs))


def _group_rows(flows: Flows, groups: Groups, countries: Countries | None) -> Rows:
    """The rows of the intra-group functions: `countries`, or every member of the groups in
    each year (at least one group)."""
    check_has_groups("groups", resolve_groups(groups, "groups"))
    return MEMBERS if countries is None else fixed_axis(flows, countries, "countries")


def intra_group_share(flows: Flows, groups: Groups, *, years: Years = None, countries: Countries | None = None,
                      products: Products | None = None, side: Literal["exports", "imports"] = "exports",
                      scale: float = 100, membership: Membership = "by-year", n_threads: int | None = None,
                      progress: bool = False, client: ClientLike = None) -> MatrixOrPanel:
    """Share of each member's exports (imports) that goes to (comes from) its group, and of the
    group's as a whole: ``scale * x_iG / X_i`` with x_iG i's exports to the members (itself
    excluded) and X_i its exports to all partners.

    Parameters
    ----------
    flows : TradeFlows, or LazyFlows (:func:`tradeindex.scan_baci`), read one year at a time.
    groups : the groups (built-in names or {name: [ISO3, ...]}).
    years, products, membership, progress, client : as in :func:`rca` (with `products`, trade in those
        products only).
    countries : the rows (default: every member of the groups in that year), then each group
        (its intra-group trade share: the members' exports to each other over their exports).
    side : "exports" (share going to the group) or "imports" (share coming from it).
    scale : 100 (default: a percentage, as in the regional report) or 1.
    n_threads : threads of the compiled bilateral sum.

    Returns
    -------
    IndexMatrix (reporter x group; values "export_share" or "import_share") or IndexPanel.
    0/0 convention: NaN for a country without exports (imports) in the selection, never 0.
    The group's own row [G, G] (its intra-group share) is in the long table
    (``meta["self_pairs"]`` is True).

    References
    ----------
    Mikic, M. and Gilbert, J. (2009). Trade Statistics in Policymaking, revised edition.
    UNESCAP (export share, intra-regional trade share).

    Examples
    --------
    >>> import tradeindex
    >>> s = tradeindex.intra_group_share(tradeindex.sample(), {"MERCOSUR": ["ARG", "BRA", "PRY", "URY"]},
    ...                               years=1990)
    >>> s.to_pandas().round(1)
    partner   MERCOSUR
    reporter
    ARG           37.9
    BRA            5.6
    PRY           52.6
    URY           69.0
    MERCOSUR      13.5
    """
    check_choice("side", side, ("exports", "imports"))
    scale = check_scale("scale", scale)
    years, panel, membership = _checked(flows, years, membership, groups)
    compute = partial(_bilateral_year, rows=_group_rows(flows, groups, countries), cols=NO_COUNTRIES,
                      groups=groups, membership=membership, years=years, measure="share", side=side,
                      scale=scale, self_pairs=True, n_threads=n_threads, names=("countries", "groups"))
    verb = "going to" if side == "exports" else "coming from"
    meta = {"index": f"{side[:-1]} share", "formula": f"{scale:g} * share of the row's {side} {verb} the column",
            "reference": HANDBOOK, "side": side, "scale": scale, "membership": membership, "self_pairs": True}
    return _collect(flows, compute, years=years, panel=panel, products=products, progress=progress, client=client, meta=meta)


def intra_group_intensity(flows: Flows, groups: Groups, *, years: Years = None, countries: Countries | None = None,
                          products: Products | None = None, exclude_self: bool = False,
                          membership: Membership = "by-year", n_threads: int | None = None, progress: bool = False,
                          client: ClientLike = None) -> MatrixOrPanel:
    """Trade intensity (as in :func:`trade_intensity`) of each member with its group and of the
    group with itself, the intra-group trade intensity ``(x_GG / X_G) / (x_wG / X_w)``.

    Parameters
    ----------
    flows, groups, years, countries, products, membership, n_threads, progress, client : as in
        :func:`intra_group_share`.
    exclude_self : the rest-of-world variant of :func:`trade_intensity`.

    Returns
    -------
    IndexMatrix (reporter x group, scale 1: a ratio around 1) or IndexPanel: rows every member
    of the groups in that year (or `countries`), then each group, whose own row [G, G] is kept
    (``meta["self_pairs"]`` is True). 0/0 convention as in :func:`trade_intensity`.

    References
    ----------
    Kojima, K. (1964). The pattern of international trade among advanced countries.
    Hitotsubashi Journal of Economics, 5(1), 16-36.

    Examples
    --------
    >>> import tradeindex
    >>> ti = tradeindex.intra_group_intensity(tradeindex.sample(), {"MERCOSUR": ["ARG", "BRA", "PRY", "URY"]},
    ...                               years=1990)
    >>> ti.values[:, 0].round(1)
    array([19.7,  2.9, 27.3, 35.8,  7. ])
    """
    years, panel, membership = _checked(flows, years, membership, groups)
    compute = partial(_bilateral_year, rows=_group_rows(flows, groups, countries), cols=NO_COUNTRIES,
                      groups=groups, membership=membership, years=years, exclude_self=bool(exclude_self),
                      self_pairs=True, n_threads=n_threads, names=("countries", "groups"))
    return _collect(flows, compute, years=years, panel=panel, products=products, progress=progress, client=client,
                    meta=_intensity_meta(exclude_self, membership, True))


# -- concentration -------------------------------------------------------------------------------
_CONCENTRATION = {"hhi": "hhi", "normalized": "normalized hhi", "count": "count"}


def _concentration_year(flows: TradeFlows, window: Window, *, rows: Axis, groups: Groups | None,
                        membership: Membership, years: list[Any], measure: str, scale: float,
                        n_threads: int | None) -> IndexMatrix:
    """One year of :func:`concentration`: four matrices (by product and by partner, both sides)."""
    year = window[0]
    grouped, info = _year_groups(flows, groups, "groups", year, membership, years)
    G, labels, codes = country_rows(flows, rows, grouped)
    B = _bilateral(flows, n_threads)
    parts = (flows._side_values("exports", slice(None)), B, flows._side_values("imports", slice(None)), B.T)
    values = np.empty((len(labels), len(parts)))
    for k, A in enumerate(parts):
        h, n = kernels.hhi(G @ A, normalized=measure == "normalized", scale=scale, return_counts=True)
        values[:, k] = n if measure == "count" else h
    return IndexMatrix(values, labels, np.array(CONCENTRATION_COLS, dtype=object), _CONCENTRATION[measure],
                       "country", "over", year, _year_meta(flows, year, info), row_codes=codes)


def concentration(flows: Flows, *, years: Years = None, countries: Countries | None = None,
                  products: Products | None = None, groups: Groups | None = None,
                  measure: Literal["hhi", "normalized", "count"] = "hhi", scale: float = 1,
                  membership: Membership = "by-year", n_threads: int | None = None, progress: bool = False,
                  client: ClientLike = None) -> MatrixOrPanel:
    r"""Concentration of each country's exports and imports over products and over partners
    (Herfindahl 1950; Hirschman 1964), and the number of products and markets.

    .. math:: H_c = \sum_k s_{ck}^2, \qquad H^*_c = \frac{H_c - 1/N_c}{1 - 1/N_c}

    with s_ck the share of product (partner) k in c's exports (imports) and N_c the number of
    products (partners) with positive trade: H is 1 for a single product (partner) and 1/N for
    N equal ones; H* (WITS's normalised product and market concentration indices) is 0 for equal
    shares and undefined (NaN) for a single product.

    Parameters
    ----------
    flows : TradeFlows, or LazyFlows (:func:`tradeindex.scan_baci`), read one year at a time.
    years, countries, products, groups, membership, progress, client : as in :func:`rca`; a group's
        trade with each partner is the sum of its members' (intra-group partners included).
    measure : "hhi" (H, default), "normalized" (H*) or "count" (N).
    scale : 1 (default, [0, 1]) or 10000 (the 0-10,000 "points" convention).
    n_threads : threads of the compiled bilateral sum.

    Returns
    -------
    IndexMatrix: countries x the four columns "exports by product", "exports by partner",
    "imports by product", "imports by partner" (or an IndexPanel). 0/0 convention: NaN for a
    country without exports (imports) in the selection, never 0.

    References
    ----------
    Herfindahl, O. C. (1950). Concentration in the Steel Industry. PhD dissertation, Columbia
    University. Hirschman, A. O. (1964). The paternity of an index. American Economic Review,
    54(5), 761. World Bank WITS: HH product and market concentration indices.

    Examples
    --------
    >>> import tradeindex
    >>> c = tradeindex.concentration(tradeindex.sample(), years=1990, countries=["BRA", "JPN"])
    >>> list(c.cols)
    ['exports by product', 'exports by partner', 'imports by product', 'imports by partner']
    >>> c.values.round(3)
    array([[0.022, 0.159, 0.007, 0.148],
           [0.045, 0.324, 0.009, 0.215]])
    """
    measure = check_choice("measure", measure, tuple(_CONCENTRATION))
    scale = check_scale("scale", scale)
    years, panel, membership = _checked(flows, years, membership, groups)
    compute = partial(_concentration_year, rows=fixed_axis(flows, countries, "countries"), groups=groups,
                      membership=membership, years=years, measure=measure, scale=scale, n_threads=n_threads)
    formula = {"hhi": "H = sum_k s_k^2", "normalized": "(H - 1/N) / (1 - 1/N), N = positive categories",
               "count": "N = categories with positive trade"}[measure]
    meta = {"index": "Herfindahl-Hirschman concentration", "formula": formula, "reference": HHI, "measure": measure,
            "scale": scale if measure != "count" else None, "membership": membership}
    return _collect(flows, compute, years=years, panel=panel, products=products, progress=progress, client=client, meta=meta)


# -- specialisation ------------------------------------------------------------------------------
def _specialisation_year(flows: TradeFlows, window: Window, *, rows: Axis, groups: Groups | None,
                         membership: Membership, years: list[Any]) -> IndexMatrix:
    """One year of :func:`trade_specialisation`: exports and imports by country x product."""
    year = window[0]
    grouped, info = _year_groups(flows, groups, "groups", year, membership, years)
    G, labels, codes = country_rows(flows, rows, grouped)
    X, M = (G @ flows._side_values(side, slice(None)) for side in ("exports", "imports"))
    return IndexMatrix(kernels.trade_specialisation(X, M), labels, flows.products.code, "trade specialisation",
                       "country", "product", year, _year_meta(flows, year, info), row_codes=codes)


def trade_specialisation(flows: Flows, *, years: Years = None, countries: Countries | None = None,
                         products: Products | None = None, groups: Groups | None = None,
                         membership: Membership = "by-year", progress: bool = False,
                         client: ClientLike = None) -> MatrixOrPanel:
    r"""Trade specialisation of every country in every product: the normalised trade balance

    .. math:: TS_{cp} = \frac{x_{cp} - m_{cp}}{x_{cp} + m_{cp}}

    in [-1, 1] (1: exports only; -1: imports only). ``|TS| = 1 - GL / 100`` with GL the
    Grubel-Lloyd index of c's trade in p with all partners.

    Parameters
    ----------
    flows, years, countries, products, groups, membership, progress, client : as in :func:`rca`; a
        group's exports and imports are its members' (intra-group trade included).

    Returns
    -------
    IndexMatrix (country x product, scale 1) or IndexPanel. 0/0 convention: NaN where c
    neither exports nor imports p, never 0.

    References
    ----------
    Balassa, B. (1965). Trade liberalisation and "revealed" comparative advantage. The
    Manchester School, 33(2), 99-123. Mikic, M. and Gilbert, J. (2009). Trade Statistics in
    Policymaking, revised edition. UNESCAP.

    Examples
    --------
    >>> import tradeindex
    >>> ts = tradeindex.trade_specialisation(tradeindex.sample(), years=1990, countries=["BRA", "JPN"])
    >>> round(ts.loc["BRA", "2601"], 3), round(ts.loc["JPN", "2601"], 3)   # iron ores
    (0.998, -1.0)
    """
    years, panel, membership = _checked(flows, years, membership, groups)
    compute = partial(_specialisation_year, rows=fixed_axis(flows, countries, "countries"), groups=groups,
                      membership=membership, years=years)
    meta = {"index": "trade specialisation", "formula": "TS_cp = (x_cp - m_cp) / (x_cp + m_cp)",
            "reference": f"{BALASSA} {HANDBOOK}", "scale": 1, "membership": membership}
    return _collect(flows, compute, years=years, panel=panel, products=products, progress=progress, client=client, meta=meta)


# -- Krugman specialisation ----------------------------------------------------------------------
def _krugman_year(flows: TradeFlows, window: Window, *, rows: Axis, cols: Axis, groups: Groups | None,
                  membership: Membership, years: list[Any], side: str, dtype: FloatDType, method: Method,
                  self_pairs: bool, n_threads: int | None) -> IndexMatrix:
    """One year of :func:`krugman`: share profiles of the rows and columns, the overlap kernel."""
    year = window[0]
    grouped, info = _year_groups(flows, groups, "groups", year, membership, years)
    A = flows._side_values(side, slice(None))
    R, row_labels, row_codes = country_rows(flows, rows, grouped)
    K, col_labels, col_codes = country_rows(flows, cols, grouped)
    check_pairs_size("countries", "partners", len(years), len(row_labels), len(col_labels),
                     check_float_dtype("dtype", dtype), offers=("float32",))  # this year's countries
    values = kernels.krugman(R @ A, K @ A, dtype=dtype, method=method, n_threads=n_threads)
    if not self_pairs:
        _no_self_pairs(values, row_labels, row_codes, col_labels, col_codes)
    return IndexMatrix(values, row_labels, col_labels, "krugman specialisation", "reporter", "partner", year,
                       _year_meta(flows, year, info), row_codes=row_codes, col_codes=col_codes)


def krugman(flows: Flows, *, years: Years = None, countries: Countries | None = None,
            partners: Countries | None = None, products: Products | None = None, groups: Groups | None = None,
            side: Literal["exports", "imports"] = "exports", membership: Membership = "by-year",
            dtype: FloatDType = "float64", method: Method = "auto", self_pairs: bool = False,
            n_threads: int | None = None, progress: bool = False, client: ClientLike = None) -> MatrixOrPanel:
    r"""Krugman specialisation index of every pair of countries (Krugman 1991): the distance
    between their export (or import) structures,

    .. math:: K_{ij} = \sum_p |s_{ip} - s_{jp}| = 2 - 2 \sum_p \min(s_{ip}, s_{jp})

    in [0, 2] (0: identical structures; 2: no product in common), with s_i i's shares over the
    selected products. The identity ties it to the other indices: ``K = 2 - 2 * ES / 100`` with
    ES :func:`tradeindex.export_similarity` (``side="imports"``: import similarity), and 2 - 2 *
    TC / 100 for Michaely's complementarity between exports and imports; it is computed by the
    same compiled overlap kernel (:func:`tradeindex.kernels.krugman`).

    Parameters
    ----------
    flows, years, products, groups, membership, progress, client : as in :func:`rca`.
    countries, partners : rows and columns (default every country present in the year).
    side : "exports" (export structures, default) or "imports".
    dtype, method, n_threads : as in :func:`tradeindex.complementarity` (the overlap kernel).
    self_pairs : False (default): a country (group) with itself - 0 by definition - is NaN and
        left out of the long table, as in :func:`tradeindex.complementarity`; True keeps it.

    Returns
    -------
    IndexMatrix (reporter x partner, in [0, 2]) or IndexPanel. 0/0 convention: NaN for a
    country without trade in the selection, never 0.

    References
    ----------
    Krugman, P. (1991). Geography and Trade. Cambridge, MA: MIT Press.

    Examples
    --------
    >>> import tradeindex
    >>> k = tradeindex.krugman(tradeindex.sample(), years=1990, countries=["ARG", "BRA"],
    ...                        partners=["ARG", "BRA", "URY"])
    >>> k.values.round(3)
    array([[  nan, 1.276, 1.406],
           [1.276,   nan, 1.791]])
    """
    check_choice("side", side, ("exports", "imports"))
    years, panel, membership = _checked(flows, years, membership, groups)
    rows, cols = fixed_axis(flows, countries, "countries"), fixed_axis(flows, partners, "partners")
    sizes = sizes_before(flows, rows, cols, groups)
    if sizes:  # before any year is read
        check_pairs_size("countries", "partners", len(years), *sizes, check_float_dtype("dtype", dtype),
                         offers=("float32",))
    compute = partial(_krugman_year, rows=rows, cols=cols, groups=groups, membership=membership,
                      years=years, side=side, dtype=dtype, method=method, self_pairs=bool(self_pairs),
                      n_threads=n_threads)
    meta = {"index": "Krugman specialisation", "formula": "K_ij = sum_p |s_ip - s_jp| = 2 - 2 * sum_p min(s_ip, s_jp)",
            "reference": KRUGMAN, "side": side, "scale": 2, "membership": membership, "self_pairs": bool(self_pairs),
            "identity": f"K = 2 - 2 * {side[:-1]} similarity / 100"}
    return _collect(flows, compute, years=years, panel=panel, products=products, progress=progress, client=client, meta=meta)


# -- regional orientation ------------------------------------------------------------------------
def _orientation_year(flows: TradeFlows, window: Window, *, group: Groups, rows: Rows, membership: Membership,
                      years: list[Any], n_threads: int | None) -> IndexMatrix:
    """One year of :func:`regional_orientation`: exports by (exporter, inside the group or not) x
    product in one compiled pass."""
    year = window[0]
    grouped, info = _year_groups(flows, group, "group", year, membership, years)
    n, P = len(flows.countries), len(flows.products)
    inside = np.zeros(n, np.int32)
    inside[grouped[0][1]] = n  # exporter id + n: exports to the group
    T = kernels._cell_totals(flows.exporter, flows.product, flows.value, 2 * n, P, n_threads,
                             by=flows.importer, shift=inside)
    G, labels, codes = country_rows(flows, _members_axis(flows, rows, grouped), grouped)
    return IndexMatrix(kernels.regional_orientation(G @ T[n:], G @ T[:n]), labels, flows.products.code,
                       "regional orientation", "country", "product", year, _year_meta(flows, year, info),
                       row_codes=codes)


def regional_orientation(flows: Flows, group: Groups, *, years: Years = None, countries: Countries | None = None,
                         products: Products | None = None, membership: Membership = "by-year",
                         n_threads: int | None = None, progress: bool = False,
                         client: ClientLike = None) -> MatrixOrPanel:

    r"""Regional orientation of each member's exports to `group`, product by product (Yeats 1998):

    .. math:: RO_{cp} = \frac{x^{G}_{cp} / x^{G}_c}{x^{O}_{cp} / x^{O}_c}

    the share of p in c's exports to the group's members (G, c itself excluded) over its share
    in c's exports to the other countries (O). > 1: p goes relatively more to the group.

    Parameters
    ----------
    flows : TradeFlows, or LazyFlows (:func:`tradeindex.scan_baci`), read one year at a time.
    group : one group: a built-in name or {name: [ISO3, ...]}.
    years, products, membership, progress, client : as in :func:`rca`.
    countries : the rows (any countries; default: the group's members that year); the group
        itself is always the last row (its intra-group vs extra-group exports).
    n_threads : threads of the compiled sum.

    Returns
    -------
    IndexMatrix (country x product, scale 1) or IndexPanel. 0/0 convention: NaN where c exports
    nothing to the group or outside it, and where c does not export p outside the group (never
    0 or inf).

    References
    ----------
    Yeats, A. J. (1998). Does Mercosur's trade performance raise concerns about the effects of
    regional trade arrangements? The World Bank Economic Review, 12(1), 1-28. Mikic, M. and
    Gilbert, J. (2009). Trade Statistics in Policymaking, revised edition. UNESCAP.

    Examples
    --------
    >>> import tradeindex
    >>> ro = tradeindex.regional_orientation(tradeindex.sample(), {"MERCOSUR": ["ARG", "BRA", "PRY", "URY"]},
    ...                               years=1990)
    >>> list(ro.rows), round(ro.loc["BRA", "8703"], 2)      # motor cars
    (['ARG', 'BRA', 'PRY', 'URY', 'MERCOSUR'], 1.95)
    """
    check_one_group("group", resolve_groups(group, "group"))
    years, panel, membership = _checked(flows, years, membership, group, "group")
    compute = partial(_orientation_year, group=group, rows=MEMBERS if countries is None else
                      fixed_axis(flows, countries, "countries"), membership=membership, years=years,
                      n_threads=n_threads)
    meta = {"index": "regional orientation", "formula": "RO_cp = (x_in_cp / x_in_c) / (x_out_cp / x_out_c)",
            "reference": f"{YEATS} {HANDBOOK}", "scale": 1, "membership": membership}
    return _collect(flows, compute, years=years, panel=panel, products=products, progress=progress, client=client, meta=meta)
