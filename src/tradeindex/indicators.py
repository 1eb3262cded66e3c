"""Trade indicators beside complementarity and intra-industry trade, from TradeFlows: revealed
comparative advantage, trade intensity, concentration, specialisation, regional orientation and
intra-group trade shares (the indicators of WITS and of ESCAP's handbook), for all countries and
pairs at once.

Conventions shared by every function here:

- each year is computed on its own (a panel is its years side by side, aligned on the union of
  their labels: a country absent in a year is NaN there);
- a country's trade is with all partners in the flows (the world, for BACI); with `products`, the
  totals are over the selected products (e.g. RCA within HS 84-90; for the usual all-goods
  denominators compute on all products and take the columns: ``rca(flows).loc[:, codes]``);
- a group's trade is the sum of its members' trade (intra-group trade included); built-in group
  names take each year's members present in the data; ``meta["groups"]`` records them per year;
- NaN where a denominator is zero (a country without exports, a product nobody exports), never 0;
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
from functools import partial

import numpy as np
import scipy.sparse as sp

from . import kernels
from ._validation import (check_choice, check_group_names, check_groups, check_one_group, check_scale,
                          check_selection_not_empty, check_years)
from .codes import resolve_groups
from .result import IndexMatrix, IndexPanel

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
MEMBERS = "members"  # rows: every member of the groups (intra-group share and intensity)


# -- the loop over years (to be replaced by the per-year driver) and the axes ----------------------
def _per_year(flows, years, products, fn):
    """`fn(flows of one year, year)` for every year, restricted to `products`; one IndexMatrix,
    or an IndexPanel of the years aligned on the union of their labels."""
    years, panel = check_years("years", years, flows.years)
    results = []
    for year in years:
        one = flows
        if products is not None or (year is not None and flows.years != [year]):
            one = flows.select(years=year, products=products)
        check_selection_not_empty("products", len(one), year)
        result = fn(one, year)
        result.meta["product_selection"] = products
        results.append(result)
    if not panel:
        return results[0]
    order = {lab: n for n, lab in enumerate(list(flows.countries.label) + list(flows.products.code))}
    rows, cols = (_union([getattr(r, axis) for r in results], order) for axis in ("rows", "cols"))
    values = np.full((len(years), len(rows), len(cols)), np.nan)
    row_pos, col_pos = ({lab: n for n, lab in enumerate(labels)} for labels in (rows, cols))
    for n, r in enumerate(results):
        values[n][np.ix_([row_pos[x] for x in r.rows], [col_pos[x] for x in r.cols])] = r.values
    first = results[0]
    meta = dict(first.meta, **{key: {y: v for r in results for y, v in r.meta[key].items()}
                               for key in ("groups", "products")})
    return IndexPanel(values, years, rows, cols, first.name, first.row_name, first.col_name, meta)


def _union(label_lists, order):
    """Labels of every year: those of `order` (countries, products of all years) in its order,
    then the others (groups, fixed columns) as first seen."""
    seen = list(dict.fromkeys(x for labels in label_lists for x in labels))
    known = sorted((x for x in seen if x in order), key=order.get)
    return np.array(known + [x for x in seen if x not in order], dtype=object)


def _labels(flows, keys, param):
    """Country keys (ISO3, labels or numeric codes) as labels, checked against all the flows."""
    return None if keys is None else list(flows.countries.label[flows.countries.ids(keys, param)])


def _check_listed(flows, spec, param):
    """Members of a group given as a list must be countries of the flows (a typo is an error);
    per year, listed members absent that year are left out (meta records the members used)."""
    if isinstance(spec, dict):
        for name, members in spec.items():
            if isinstance(members, (list, tuple, np.ndarray)):
                flows.countries.ids(members, f"{param}[{name!r}]")


def _year_groups(flows, year, spec, param="groups"):
    """[(name, members present in these flows)] for `year` (built-in names: that year's members)."""
    groups = check_groups(resolve_groups(spec, param, year=year, present=flows.countries.iso3))
    check_group_names([g for g, _ in groups], flows.countries.label)
    c = flows.countries
    known = set(c.iso3) | set(c.label) | {str(x) for x in c.code}
    return [(name, [m for m in members if str(m).strip() in known or str(m).strip().upper() in known])
            for name, members in groups]


def _axis(flows, keys, groups):
    """(aggregation matrix: output rows x countries, 0/1 CSR, or None for every country in id
    order; labels): the countries `keys` (labels; all countries of these flows when None;
    MEMBERS: every member of the groups), then one row per group summing its members. A key
    absent from these flows (a country of another year) gets an empty row: NaN in every result."""
    c = flows.countries
    if keys is None and not groups:
        return None, np.asarray(c.label, dtype=object)
    members = [c.ids(m, f"groups[{name!r}]") for name, m in groups]
    if keys is None:
        ids, labels = np.arange(len(c)), list(c.label)
    elif isinstance(keys, str) and keys == MEMBERS:
        ids = np.unique(np.concatenate(members + [np.zeros(0, np.int64)]))
        labels = list(c.label[ids])
    else:
        where = {**{iso: n for n, iso in enumerate(c.iso3)}, **{lab: n for n, lab in enumerate(c.label)}}
        ids, labels = np.array([where.get(k, -1) for k in keys], dtype=np.int64), list(keys)
    parts = [[i] if i >= 0 else [] for i in ids] + [list(m) for m in members]
    row = np.repeat(np.arange(len(parts)), [len(p) for p in parts])
    col = np.concatenate([np.asarray(p, dtype=np.int64) for p in parts] + [np.zeros(0, np.int64)])
    G = sp.csr_array((np.ones(len(col)), (row, col)), shape=(len(parts), len(c)))
    return G, np.array(labels + [name for name, _ in groups], dtype=object)


def _apply(G, A):
    """The rows of an axis: G @ A (each output row sums its countries), A itself for G None."""
    return A if G is None else G @ A


def _meta(flows, year, index, formula, groups, reference, **extra):
    return {"index": index, "formula": formula, "zero_division": ZERO_DIVISION,
            "groups": {year: dict(groups)}, "products": {year: len(flows.products)},
            "reference": reference, **extra}


def _bilateral(flows, n_threads):
    """C x C totals of the flows i -> j (compiled two-key sum)."""
    n = len(flows.countries)
    return kernels._cell_totals(flows.exporter, flows.importer, flows.value, n, n, n_threads)


def _options(flows, countries, groups, param="countries"):
    """Check what can be checked on all the flows at once: the country keys and the members
    listed by hand."""
    _check_listed(flows, groups, "groups")
    return _labels(flows, countries, param)


# -- revealed comparative advantage ---------------------------------------------------------------
_RCA_NAMES = {"ratio": "rca", "symmetric": "rsca", "binary": "rca binary"}


def _rca_year(flows, year, *, countries=None, groups=None, reference=None, kind="ratio"):
    used = _year_groups(flows, year, groups)
    X = flows._side_values("exports", slice(None))
    recorded, against = list(used), "world"
    if reference is None:
        ref = np.asarray(X.sum(axis=0), dtype=np.float64).ravel()
    else:
        against, members = check_one_group("reference", dict(_year_groups(flows, year, reference, "reference")))
        recorded.append((against, members))
        ref = np.asarray(X[flows.countries.ids(members, "reference")].sum(axis=0), dtype=np.float64).ravel()
    G, rows = _axis(flows, countries, used)
    values = kernels.rca(_apply(G, X), reference=ref, kind=kind)
    values = values.toarray() if sp.issparse(values) else values
    meta = _meta(flows, year, "revealed comparative advantage", "RCA_cp = (x_cp / x_c) / (x_rp / x_r), r = "
                 + ("the world" if reference is None else against), recorded,
                 {"ratio": BALASSA, "symmetric": f"{BALASSA} {LAURSEN}", "binary": f"{BALASSA} {HIDALGO}"}[kind],
                 kind=kind, against=against, scale=1)
    return IndexMatrix(values, rows, flows.products.code, _RCA_NAMES[kind], "country", "product", year, meta)


def rca(flows, *, years=None, countries=None, products=None, groups=None, reference=None, kind="ratio"):
    r"""Revealed comparative advantage of every country in every product (Balassa 1965).

    .. math:: RCA_{cp} = \frac{x_{cp} / x_c}{x_{wp} / x_w}

    c's share of product p in its exports over the world's (WITS: RCA_ij = (x_ij / X_it) /
    (x_wj / X_wt)). > 1: c has a revealed comparative advantage in p. The world is every exporter
    in the flows; with `reference` a group instead (RCA within a region).

    Parameters
    ----------
    flows : TradeFlows
    years : None (every year: an IndexPanel when there are several), a year or a list of years.
    countries : the rows (ISO3 or numeric codes; default every country, in id order).
    products : codes, prefixes or ranges: the totals x_c, x_wp, x_w are over these products.
    groups : extra rows summing their members' exports ({"EAEU": [...]} or built-in names, whose
        members follow the year).
    reference : None (the world) or one group whose exports are the benchmark (x_wp, x_w).
    kind : "ratio" (RCA, scale 1: a ratio around 1), "symmetric" ((RCA - 1) / (RCA + 1) in
        [-1, 1], Laursen 2015) or "binary" (1.0 where RCA >= 1, else 0.0: the M_cp matrix of
        economic complexity, Hidalgo and Hausmann 2009).

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
    countries = _options(flows, countries, groups)
    _check_listed(flows, reference, "reference")
    fn = partial(_rca_year, countries=countries, groups=groups, reference=reference, kind=kind)
    return _per_year(flows, years, products, fn)


# -- bilateral: trade intensity and intra-group shares -------------------------------------------
def _bilateral_year(flows, year, *, reporters=None, partners=None, groups=None, measure="intensity",
                    side="exports", exclude_self=False, scale=1.0, n_threads=None):
    used = _year_groups(flows, year, groups)
    B = _bilateral(flows, n_threads)
    R, rows = _axis(flows, reporters, used)
    K, cols = _axis(flows, partners, used)
    if measure == "intensity":
        values = kernels.trade_intensity(B, rows=R, cols=K, exclude_self=exclude_self)
        formula = ("TII_ij = (x_ij / X_i) / ((x_wj - x_ij) / (X_w - X_i))" if exclude_self
                   else "TII_ij = (x_ij / X_i) / (x_wj / X_w)")
        meta = _meta(flows, year, "trade intensity", formula, used, f"{INTENSITY} {HANDBOOK}",
                     variant="rest of world" if exclude_self else "world (WITS)", scale=1)
        name = "trade intensity"
    else:
        values = kernels.partner_shares(B if side == "exports" else B.T, rows=R, cols=K, scale=scale)
        verb = "going to" if side == "exports" else "coming from"
        meta = _meta(flows, year, f"{side[:-1]} share", f"{scale:g} * share of the row's {side} {verb} the column",
                     used, HANDBOOK, side=side, scale=scale)
        name = f"{side[:-1]} share"
    return IndexMatrix(values, rows, cols, name, "reporter", "partner", year, meta)


def trade_intensity(flows, *, years=None, reporters=None, partners=None, products=None, groups=None,
                    exclude_self=False, n_threads=None):
    r"""Trade intensity of every reporter with every partner (Brown 1949; Kojima 1964).

    .. math:: TII_{ij} = \frac{x_{ij} / X_i}{x_{wj} / X_w}

    i's share of its exports going to j over the world's share of exports going to j (WITS and
    ESCAP's definition): x_ij exports of i to j, X_i i's exports to all partners, x_wj the
    world's exports to j (j's imports), X_w world exports. > 1: i exports more to j than j's
    weight in world imports. With ``exclude_self`` the benchmark is the rest of the world:

    .. math:: TII^{-i}_{ij} = \frac{x_{ij} / X_i}{(x_{wj} - x_{ij}) / (X_w - X_i)}

    Parameters
    ----------
    flows : TradeFlows
    years, products : as in :func:`rca` (with `products`, trade in those products only).
    reporters, partners : rows and columns (default every country).
    groups : extra rows and columns: a group exports (imports) what its members do, intra-group
        trade included, so [G, G] is the intra-group intensity and [i, G] the intensity of
        member i with the rest of G (i does not trade with itself).
    exclude_self : the rest-of-world variant above.
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
    >>> round(ti.loc["ARG", "BRA"], 2), round(ti.loc["MERCOSUR", "MERCOSUR"], 2)
    (21.9, 6.99)
    """
    reporters = _options(flows, reporters, groups, "reporters")
    partners = _labels(flows, partners, "partners")
    fn = partial(_bilateral_year, reporters=reporters, partners=partners, groups=groups,
                 exclude_self=bool(exclude_self), n_threads=n_threads)
    return _per_year(flows, years, products, fn)


def intra_group_share(flows, groups, *, years=None, countries=None, products=None, side="exports",
                      scale=100, n_threads=None):
    """Share of each member's exports (imports) that goes to (comes from) its group, and of the
    group's as a whole: ``scale * x_iG / X_i`` with x_iG i's exports to the members (itself
    excluded) and X_i its exports to all partners.

    Parameters
    ----------
    flows : TradeFlows
    groups : the groups (built-in names, whose members follow the year, or {name: [ISO3, ...]}).
    years, products : as in :func:`rca` (with `products`, trade in those products only).
    countries : the rows (default: every member of the groups in that year), then each group
        (its intra-group trade share: the members' exports to each other over their exports).
    side : "exports" (share going to the group) or "imports" (share coming from it).
    scale : 100 (default: a percentage, as in the regional report) or 1.
    n_threads : threads of the compiled bilateral sum.

    Returns
    -------
    IndexMatrix (reporter x group; values "export_share" or "import_share") or IndexPanel.
    0/0 convention: NaN for a country without exports (imports) in the selection, never 0.

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
    countries = _options(flows, countries, groups)
    fn = partial(_bilateral_year, reporters=MEMBERS if countries is None else countries, partners=[],
                 groups=groups, measure="share", side=side, scale=scale, n_threads=n_threads)
    return _per_year(flows, years, products, fn)


def intra_group_intensity(flows, groups, *, years=None, countries=None, products=None,
                          exclude_self=False, n_threads=None):
    """Trade intensity (as in :func:`trade_intensity`) of each member with its group and of the
    group with itself, the intra-group trade intensity ``(x_GG / X_G) / (x_wG / X_w)``.

    Parameters
    ----------
    flows, groups, years, countries, products, n_threads : as in :func:`intra_group_share`.
    exclude_self : the rest-of-world variant of :func:`trade_intensity`.

    Returns
    -------
    IndexMatrix (reporter x group, scale 1: a ratio around 1) or IndexPanel: rows every member
    of the groups in that year (or `countries`), then each group. 0/0 convention as in
    :func:`trade_intensity`.

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
    countries = _options(flows, countries, groups)
    fn = partial(_bilateral_year, reporters=MEMBERS if countries is None else countries, partners=[],
                 groups=groups, exclude_self=bool(exclude_self), n_threads=n_threads)
    return _per_year(flows, years, products, fn)


# -- concentration -------------------------------------------------------------------------------
_CONCENTRATION = {"hhi": "hhi", "normalized": "normalized hhi", "count": "count"}


def _concentration_year(flows, year, *, countries=None, groups=None, measure="hhi", scale=1.0,
                        n_threads=None):
    used = _year_groups(flows, year, groups)
    G, rows = _axis(flows, countries, used)
    B = _bilateral(flows, n_threads)
    parts = (flows._side_values("exports", slice(None)), B, flows._side_values("imports", slice(None)), B.T)
    values = np.empty((len(rows), len(parts)))
    for k, A in enumerate(parts):
        h, n = kernels.hhi(_apply(G, A), normalized=measure == "normalized", scale=scale, return_counts=True)
        values[:, k] = n if measure == "count" else h
    formula = {"hhi": "H = sum_k s_k^2", "normalized": "(H - 1/N) / (1 - 1/N), N = positive categories",
               "count": "N = categories with positive trade"}[measure]
    meta = _meta(flows, year, "Herfindahl-Hirschman concentration", formula, used, HHI, measure=measure,
                 scale=scale if measure != "count" else None)
    return IndexMatrix(values, rows, np.array(CONCENTRATION_COLS, dtype=object), _CONCENTRATION[measure],
                       "country", "over", year, meta)


def concentration(flows, *, years=None, countries=None, products=None, groups=None, measure="hhi",
                  scale=1, n_threads=None):
    r"""Concentration of each country's exports and imports over products and over partners
    (Herfindahl 1950; Hirschman 1964), and the number of products and markets.

    .. math:: H_c = \sum_k s_{ck}^2, \qquad H^*_c = \frac{H_c - 1/N_c}{1 - 1/N_c}

    with s_ck the share of product (partner) k in c's exports (imports) and N_c the number of
    products (partners) with positive trade: H is 1 for a single product (partner) and 1/N for
    N equal ones; H* (WITS's normalised product and market concentration indices) is 0 for equal
    shares and undefined (NaN) for a single product.

    Parameters
    ----------
    flows : TradeFlows
    years, countries, products, groups : as in :func:`rca`; a group's trade with each partner is
        the sum of its members' (intra-group partners included).
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
    countries = _options(flows, countries, groups)
    fn = partial(_concentration_year, countries=countries, groups=groups, measure=measure, scale=scale,
                 n_threads=n_threads)
    return _per_year(flows, years, products, fn)


# -- specialisation ------------------------------------------------------------------------------
def _specialisation_year(flows, year, *, countries=None, groups=None):
    used = _year_groups(flows, year, groups)
    G, rows = _axis(flows, countries, used)
    X, M = (_apply(G, flows._side_values(side, slice(None))) for side in ("exports", "imports"))
    meta = _meta(flows, year, "trade specialisation", "TS_cp = (x_cp - m_cp) / (x_cp + m_cp)", used,
                 f"{BALASSA} {HANDBOOK}", scale=1)
    return IndexMatrix(kernels.trade_specialisation(X, M), rows, flows.products.code,
                       "trade specialisation", "country", "product", year, meta)


def trade_specialisation(flows, *, years=None, countries=None, products=None, groups=None):
    r"""Trade specialisation of every country in every product: the normalised trade balance

    .. math:: TS_{cp} = \frac{x_{cp} - m_{cp}}{x_{cp} + m_{cp}}

    in [-1, 1] (1: exports only; -1: imports only). ``|TS| = 1 - GL / 100`` with GL the
    Grubel-Lloyd index of c's trade in p with all partners.

    Parameters
    ----------
    flows, years, countries, products, groups : as in :func:`rca`; a group's exports and
        imports are its members' (intra-group trade included).

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
    countries = _options(flows, countries, groups)
    return _per_year(flows, years, products, partial(_specialisation_year, countries=countries, groups=groups))


def _krugman_year(flows, year, *, countries=None, partners=None, groups=None, side="exports",
                  dtype="float64", method="auto", n_threads=None):
    used = _year_groups(flows, year, groups)
    A = flows._side_values(side, slice(None))
    R, rows = _axis(flows, countries, used)
    K, cols = _axis(flows, partners, used)
    values = kernels.krugman(_apply(R, A), _apply(K, A), dtype=dtype, method=method, n_threads=n_threads)
    meta = _meta(flows, year, "Krugman specialisation", "K_ij = sum_p |s_ip - s_jp| = 2 - 2 * sum_p min(s_ip, s_jp)",
                 used, KRUGMAN, side=side, scale=2, identity=f"K = 2 - 2 * {side[:-1]} similarity / 100")
    return IndexMatrix(values, rows, cols, "krugman specialisation", "reporter", "partner", year, meta)


def krugman(flows, *, years=None, countries=None, partners=None, products=None, groups=None,
            side="exports", dtype="float64", method="auto", n_threads=None):
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
    flows, years, products, groups : as in :func:`rca`.
    countries, partners : rows and columns (default every country).
    side : "exports" (export structures, default) or "imports".
    dtype, method, n_threads : as in :func:`tradeindex.complementarity` (the overlap kernel).

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
    array([[0.   , 1.276, 1.406],
           [1.276, 0.   , 1.791]])
    """
    check_choice("side", side, ("exports", "imports"))
    countries = _options(flows, countries, groups)
    partners = _labels(flows, partners, "partners")
    fn = partial(_krugman_year, countries=countries, partners=partners, groups=groups, side=side,
                 dtype=dtype, method=method, n_threads=n_threads)
    return _per_year(flows, years, products, fn)


# -- regional orientation ------------------------------------------------------------------------
def _orientation_year(flows, year, *, group=None, countries=None, n_threads=None):
    name, members = check_one_group("group", dict(_year_groups(flows, year, group, "group")))
    n, P = len(flows.countries), len(flows.products)
    inside = np.zeros(n, np.int32)
    inside[flows.countries.ids(members, "group")] = n  # exporter id + n: exports to the group
    T = kernels._cell_totals(flows.exporter + inside[flows.importer], flows.product, flows.value,
                             2 * n, P, n_threads)
    G, rows = _axis(flows, MEMBERS if countries is None else countries, [(name, members)])
    values = kernels.regional_orientation(_apply(G, T[n:]), _apply(G, T[:n]))
    meta = _meta(flows, year, "regional orientation", "RO_cp = (x_in_cp / x_in_c) / (x_out_cp / x_out_c)",
                 [(name, members)], f"{YEATS} {HANDBOOK}", scale=1)
    return IndexMatrix(values, rows, flows.products.code, "regional orientation", "country", "product", year, meta)


def regional_orientation(flows, group, *, years=None, countries=None, products=None, n_threads=None):
    r"""Regional orientation of each member's exports to `group`, product by product (Yeats 1998):

    .. math:: RO_{cp} = \frac{x^{G}_{cp} / x^{G}_c}{x^{O}_{cp} / x^{O}_c}

    the share of p in c's exports to the group's members (G, c itself excluded) over its share
    in c's exports to the other countries (O). > 1: p goes relatively more to the group.

    Parameters
    ----------
    flows : TradeFlows
    group : one group: a built-in name (members follow the year) or {name: [ISO3, ...]}.
    years, products : as in :func:`rca`.
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
    countries = _labels(flows, countries, "countries")
    _check_listed(flows, group, "group")
    fn = partial(_orientation_year, group=group, countries=countries, n_threads=n_threads)
    return _per_year(flows, years, products, fn)
