"""Trade complementarity (Michaely 1996) and export / import similarity (Finger and Kreinin
1979) for all pairs of countries and groups of countries, from TradeFlows.

Every index here is ``scale * sum_p min(a_ip, b_jp)`` over share vectors ``a_i`` and ``b_j``
(rows of a country x product matrix divided by their totals), computed by the kernels of
:mod:`tradeindex.kernels`. Conventions shared by all of them:

- shares are over the products of the selection (`products`): within a subset of products
  they are renormalised to sum to 1 over that subset;
- a country's trade is with all partners in the flows (the world, for BACI), whatever rows
  or columns are asked for;
- a group's trade is the sum of its members' trade with all partners (intra-group trade
  included); members may belong to several groups;
- a country (or group) with no trade in the selection gives a NaN row / column, never 0.
"""
import numpy as np
import scipy.sparse as sp

from . import kernels
from .codes import resolve_groups
from ._validation import check_group_names, check_groups, check_top_k, check_years
from .result import IndexMatrix, IndexPanel, TopPartners

CONVENTIONS = ("shares renormalised over the selected products; trade with all partners in the "
               "flows; groups sum their members' trade; NaN where a country or group has no "
               "trade in the selection")


def _side(flows, keys, param, groups):
    """(aggregation matrix: output rows x countries, row labels): the chosen countries (all by
    default, in id order) then one row per group summing its members."""
    ids = np.arange(len(flows.countries)) if keys is None else flows.countries.ids(keys, param)
    members = [flows.countries.ids(m, f"groups[{name!r}]") for name, m in groups]
    out_rows = np.r_[np.arange(len(ids)), np.repeat(len(ids) + np.arange(len(groups)),
                                                    [len(m) for m in members]).astype(np.int64)]
    country = np.concatenate([ids] + members).astype(np.int64)
    G = sp.csr_array((np.ones(len(country)), (out_rows, country)),
                     shape=(len(ids) + len(groups), len(flows.countries)))
    labels = np.concatenate([flows.countries.label[ids], np.array([g for g, _ in groups], dtype=object)])
    return G, labels


def _trade(flows, side, in_year, product_ids):
    """Countries x selected products values of exports or imports in `in_year` (that year's rows
    of the flows): dense for a BACI-like year, sparse for firm-level data."""
    A = flows._side_values(side, in_year)
    return A if product_ids is None else A[:, product_ids]


def _pairs(flows, name, sides, axes, row_keys, col_keys, *, years, products, groups, scale,
           dtype, method, top_k, n_threads, reference):
    """The shared body of every index of this module: validate, build the (grouped) share
    sides year by year, call one kernel per year, wrap the result."""
    top_k = check_top_k(top_k)
    present = flows.years
    years, panel = check_years("years", years, present)
    product_ids = None if products is None else flows.products.ids(products, "products")
    spec, members, chosen = groups, {}, {}
    n_products = len(flows.products) if product_ids is None else len(product_ids)
    meta = {"index": name, "formula": f"{scale} * sum_p min(a_p, b_p) = {scale} * (1 - sum_p |a_p - b_p| / 2)",
            "rows": f"{axes[0]} shares of {sides[0]}", "cols": f"{axes[1]} shares of {sides[1]}",
            "scale": scale, "products": n_products, "product_selection": products,
            "groups": members, "dtype": str(dtype), "method": method, "method_used": chosen,
            "conventions": CONVENTIONS, "reference": reference}
    options = {"scale": scale, "dtype": dtype, "method": method, "n_threads": n_threads}
    results = []
    for year in years:  # built-in groups take each year's members (Armenia in the EAEU from 2015)
        groups = check_groups(resolve_groups(spec, year=year, present=flows.countries.iso3))
        check_group_names([g for g, _ in groups], flows.countries.label)
        members[year] = dict(groups)
        G_rows, rows = _side(flows, row_keys, axes[2], groups)
        G_cols, cols = _side(flows, col_keys, axes[3], groups)
        in_year = slice(None) if len(present) <= 1 else flows.year == year
        X = G_rows @ _trade(flows, sides[0], in_year, product_ids)
        M = G_cols @ _trade(flows, sides[1], in_year, product_ids)
        chosen[year] = kernels.choose_method(X, M) if method == "auto" else method
        options["method"] = chosen[year]
        results.append(kernels.complementarity_top_k(X, M, top_k, **options) if top_k
                       else kernels.complementarity(X, M, **options))
    if top_k:
        index = np.stack([i for _, i in results])
        partners = np.where(index >= 0, np.asarray(cols, dtype=object)[np.maximum(index, 0)], "")
        return TopPartners(np.stack([v for v, _ in results]), partners, years, rows, name,
                           axes[0], axes[1], meta)
    if panel:
        return IndexPanel(np.stack(results), years, rows, cols, name, axes[0], axes[1], meta)
    return IndexMatrix(results[0], rows, cols, name, axes[0], axes[1], years[0], meta)


MICHAELY = ("Michaely, M. (1996). Trade preferential agreements in Latin America: an ex-ante "
            "assessment. World Bank Policy Research Working Paper 1583.")
FINGER_KREININ = ("Finger, J. M. and Kreinin, M. E. (1979). A measure of 'export similarity' and "
                  "its possible uses. The Economic Journal, 89(356), 905-912.")


def complementarity(flows, *, years=None, exporters=None, importers=None, products=None,
                    groups=None, scale=100, dtype="float64", method="auto", top_k=None,
                    n_threads=None):
    """Trade complementarity of every exporter with every importer (Michaely 1996).

    .. math:: TC_{jk} = 100 \\left(1 - \\tfrac12 \\sum_p |m_{kp} - x_{jp}|\\right)
              = 100 \\sum_p \\min(x_{jp}, m_{kp})

    with ``x_j`` exporter j's export shares over the selected products and ``m_k`` importer k's
    import shares (both over trade with all partners in the flows). 100: j exports exactly
    what k imports, in the same proportions; 0: no product in common. The two forms are equal
    because both share vectors sum to 1; the kernel uses the min form.

    Parameters
    ----------
    flows : TradeFlows
    years : None (every year: an IndexPanel when there are several), a year (IndexMatrix) or a
        list of years (IndexPanel). The product universe of each year is the selection's.
    exporters, importers : the rows / columns to report (ISO3 or numeric codes; default all
        countries of the flows, in id order). Shares always use trade with all partners.
    products : codes, prefixes ("84") or ranges ("84-90"): shares are renormalised over them.
    groups : {"EAEU": ["ARM", "BLR", "KAZ", "KGZ", "RUS"], ...}: extra rows and columns whose
        trade is the sum of the members' trade (members may overlap between groups). Names of
        built-in groups (``"EAEU"``, ``["EAEU", "EU27"]``, ``{"Union": "EAEU"}``) take each
        year's members present in the data (``tradeindex.groups``); ``meta["groups"]`` records
        the members used per year.
    scale : 100 (default) for 0-100; 1 for 0-1.
    dtype : "float64" or "float32" storage (float32 sums in float64 across 512-product chunks).
    method : "auto", "dense" or "sparse"; see :func:`tradeindex.kernels.complementarity`.
    top_k : K: instead of the full matrix, the K importers with the highest index for each
        exporter (:class:`tradeindex.TopPartners`), computed without
        forming the full matrix; ties go to the importer listed first.
    n_threads : OpenMP threads (None: OMP_NUM_THREADS or all cores).

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
    <IndexMatrix trade complementarity, 1990: 24 exporters x 24 importers, 0 NaN>
    >>> round(tc.loc["JPN", "USA"], 1), round(tc.loc["BRA", "MERCOSUR"], 1)
    (67.9, 32.3)
    """
    return _pairs(flows, "trade complementarity", ("exports", "imports"),
                  ("exporter", "importer", "exporters", "importers"), exporters, importers,
                  years=years, products=products, groups=groups, scale=scale, dtype=dtype,
                  method=method, top_k=top_k, n_threads=n_threads, reference=MICHAELY)


def _similarity(flows, side, countries, partners, options):
    name = "export similarity" if side == "exports" else "import similarity"
    return _pairs(flows, name, (side, side), ("country", "partner", "countries", "partners"),
                  countries, partners, reference=FINGER_KREININ, **options)


def export_similarity(flows, *, years=None, countries=None, partners=None, products=None,
                      groups=None, scale=100, dtype="float64", method="auto", top_k=None,
                      n_threads=None):
    """Export similarity of every pair of countries (Finger and Kreinin 1979).

    .. math:: ES_{ij} = 100 \\sum_p \\min(x_{ip}, x_{jp}) = 100 \\left(1 - \\tfrac12 \\sum_p |x_{ip} - x_{jp}|\\right)

    with ``x_i`` country i's export shares over the selected products (exports to all partners
    in the flows). 100: identical export structures; 0: no product in common. Rows are
    `countries`, columns `partners` (both default to all countries). Options, 0/0 convention
    (NaN for a country without exports in the selection) and results as in
    :func:`complementarity`; with `top_k` a country's best match is itself (100).

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
    array([[100. ,  36.2,  29.7],
           [ 36.2, 100. ,  10.5]])
    """
    options = dict(years=years, products=products, groups=groups, scale=scale, dtype=dtype,
                   method=method, top_k=top_k, n_threads=n_threads)
    return _similarity(flows, "exports", countries, partners, options)


def import_similarity(flows, *, years=None, countries=None, partners=None, products=None,
                      groups=None, scale=100, dtype="float64", method="auto", top_k=None,
                      n_threads=None):
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
    options = dict(years=years, products=products, groups=groups, scale=scale, dtype=dtype,
                   method=method, top_k=top_k, n_threads=n_threads)
    return _similarity(flows, "imports", countries, partners, options)
