"""The regional-integration report: the seed study's tables for any country group and years.

For a group G (e.g. the EAEU), a comparison group and a product set, per year:

1. complementarity (Michaely 1996) of each member with the rest of G and with the comparison
   group, the member as exporter and as importer, and its change over the period; beside it,
   in the same rows, the trade intensity (Kojima 1964) of the member's exports to the partner
   group (member as exporter) and of the partner group's exports to the member (as importer),
   over all products;
2. Grubel-Lloyd intra-industry trade in the product set, each member "within the group" vs
   "global trade" (the study's Table II layout);
3. the share of each member's trade in the product set that goes to / comes from G (Figure 1),
   by :func:`tradeindex.intra_group_share`;
4. candidate partners: every non-member ranked by complementarity with G, both directions, with
   the trade intensity of both directions beside it;
5. marginal intra-industry trade (Brulhart 1994) of each member with G, first to last year;
6. revealed comparative advantage (Balassa 1965) of each member in each product of the product
   set, with the usual all-goods denominators (the member's and the world's exports of all
   products), table ``rca``.

Group composition. Built-in groups change members (Armenia and Kyrgyzstan join the EAEU in
2015; the United Kingdom leaves EU28 in 2020), so every table is computed twice over the years
and says which: ``composition="fixed"`` (one composition in every year: the last year's, or
the year given by `membership`) and ``composition="by-year"`` (each year's members). Changes
over the period ("change since") use the fixed composition by default, so that they measure
trade, not membership; the ``groups`` table lists the members of every group in every year and
both compositions, and a note says where the composition changed. A year before a group
existed gives NaN for it (with a note); the other years are computed.

The flows are read one year at a time (:mod:`tradeindex._years`); marginal IIT reads the first
and the last year together.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import TYPE_CHECKING, Any, Literal, cast

import numpy as np
import pyarrow as pa

from ._validation import check_choice, check_membership, check_output_size, check_products_with_conversion, fail
from ._years import membership_year, run, source_years
from .codes import PRODUCT_SETS, product_set, product_specs, resolve_groups
from .complementarity import complementarity
from .config import __version__
from .indicators import intra_group_share, rca, trade_intensity
from .intra_industry import grubel_lloyd, marginal_iit
from .sources import Request, prepare

if TYPE_CHECKING:
    from pathlib import Path

    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from ._typing import ClientLike, Flows, Groups, Membership, ObjectArray, PathLike, Products, Years

    from ._years import Window
    from .charts import AxesArg
    from .flows import TradeFlows
    from .intra_industry import MarginalIIT
    from .result import IndexMatrix
    from .sources import Step

    #: One table row (a dict of column values).
    Row = dict[str, Any]

COMPOSITIONS = ("fixed", "by-year")
#: The ways out of a year whose tables of every pair do not fit in memory.
REMEDY = ("select fewer countries first (flows.select(exporters=..., importers=...)) or fewer years, or compute the "
          "years on a Dask cluster")


def _one_group(spec: Groups, param: str) -> str:
    """The name of one group: a built-in name or Group, or {name: [ISO3, ...]} (or {name:
    built-in name})."""
    groups = resolve_groups(spec, param)
    if len(groups) != 1:
        fail(param, "one group: a built-in group name or {name: [ISO3, ...]}",
             f"{len(groups)} groups ({', '.join(groups)})")
    return next(iter(groups))


def _members(spec: Groups, param: str, year: int | None) -> list[str]:
    """The members listed for `year` (ISO3 for built-in groups, as given for a user's list)."""
    return [str(m) for m in next(iter(resolve_groups(spec, param, year).values()))]


def _present(flows: TradeFlows, members: Iterable[str]) -> dict[str, list[str]]:
    """{member as listed: its labels in these flows} for the members present (a member may be
    given by ISO3, label, numeric code or name; an ISO3 may have two codes in a year)."""
    out = {}
    for m in members:
        try:
            out[m] = [str(x) for x in flows.countries.label[flows.countries.ids([m], "group")]]
        except ValueError:
            continue
    return out


def _labels(present: Mapping[str, Iterable[str]]) -> list[str]:
    return sorted({lab for labs in present.values() for lab in labs})


@dataclass
class RegionalReport:
    """The report's tables (pyarrow Tables, long format), its settings and its notes."""
    group: str
    compare: str
    years: list[int]
    products: str
    classification: str
    membership: Membership = "fixed"
    source: str | None = None  # where the flows come from, in words: the charts' source line
    tables: dict[str, pa.Table] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    heatmap: IndexMatrix | None = None  # the last year's complementarity IndexMatrix, for the chart

    def write(self, out_dir: PathLike, *, charts: bool = True, overwrite: bool = False,
              inputs: Mapping[str, Any] | None = None) -> list[Path]:
        """Write every table as CSV and Parquet (missing values as real nulls), summary.md, the
        PNG charts (with matplotlib) and, last, manifest.json (files, inputs, options,
        versions), into a new or empty folder (`overwrite` replaces an existing one only once
        the new one is complete). Returns the list of paths written."""
        from ._output import Content, write_folder
        files: dict[str, Content] = {}
        for name, table in self.tables.items():
            files[f"{name}.csv"] = table
            files[f"{name}.parquet"] = table
        if charts:
            try:
                from . import charts as ch
                files.update(ch.report_charts(self))
            except ImportError:
                self.notes.append("charts skipped: matplotlib is not installed (pip install 'tradeindex[plot]')")
        files["summary.md"] = self.to_markdown()
        manifest = {"tradeindex": __version__, "inputs": inputs or {},
                    "options": {"group": self.group, "compare": self.compare, "years": self.years,
                                "products": self.products, "classification": self.classification,
                                "membership": self.membership},
                    "notes": self.notes}
        return write_folder(files, out_dir, overwrite=overwrite, manifest=manifest)

    def _rows(self, name: str, **where: Any) -> list[Row]:
        return [r for r in self.tables[name].to_pylist() if all(r.get(k) == v for k, v in where.items())]

    def to_markdown(self) -> str:
        """A summary that reads like the study's tables (the fixed composition; the by-year
        series are in the tables)."""
        first, last = self.years[0], self.years[-1]
        lines = [f"# {self.group}: complementarity and intra-industry trade, {first}-{last}", "",
                 f"Products: {self.products} ({self.classification}); comparison group: {self.compare}. "
                 "Complementarity, Grubel-Lloyd and shares on a 0-100 scale, trade intensity and RCA as ratios "
                 "(1 = neutral); n/a where a denominator is zero (no trade). "
                 f"Group composition: {self._composition_text()}.", ""]
        lines += ["## Table I. Trade complementarity (Michaely) of each member", "",
                  "Over all products (full trade profiles). Member as exporter vs the partner's imports, and "
                  f"as importer vs the partner's exports; {last}, and the change since {first} in points with "
                  "the same partners in both years (the fixed composition).", ""]
        rows = self._rows("complementarity_change")
        lines += _md_table(["reporter", "partner", "member as", str(last), f"change since {first}",
                            "change, members of each year"],
                           [[r["reporter"], r["partner"], r["reporter_as"], r["trade_complementarity_last"], r["change"],
                             r["change_by_year"]] for r in rows])
        lines += ["", f"## Table II. Grubel-Lloyd intra-industry trade in {self.products}: within {self.group} vs global", ""]
        lines += _md_table(["reporter", "year", f"within {self.group}", "global"],
                           [[r["reporter"], r["year"], r["grubel_lloyd_within"], r["grubel_lloyd_global"]]
                            for r in self._rows("grubel_lloyd", composition="fixed")])
        lines += ["", f"## Figure 1 data. Share of {self.products} trade with the rest of {self.group} (%)", ""]
        lines += _md_table(["reporter", "year", "exports to group", "imports from group"],
                           [[r["reporter"], r["year"], r["export_share"], r["import_share"]]
                            for r in self._rows("intra_group_share", composition="fixed")])
        lines += ["", f"## Trade intensity (Kojima) of each member, {first} and {last}", "",
                  "Over all products: the member's exports to the partner (member as exporter), or the partner's "
                  "exports to the member (as importer), relative to the partner's (member's) weight in world trade; "
                  "1 = neutral, above 1 = more trade than that weight (the fixed composition).", ""]
        lines += _md_table(["reporter", "partner", "member as", str(first), str(last)], self._intensity_rows(first, last))
        lines += ["", f"## RCA in {self.products} (Balassa; all-goods denominators)", "",
                  f"Products of the set in which each member has a revealed comparative advantage (RCA >= 1), "
                  f"in {first} and {last}, and its strongest products in {last}.", ""]
        lines += _md_table(["reporter", f"RCA >= 1, {first}", f"RCA >= 1, {last}", f"highest RCA, {last}"],
                           self._rca_rows(first, last))
        lines += ["", f"## Candidate partners of {self.group} ({last}), top 15 by mean complementarity", "",
                  "Complementarity (0-100) and trade intensity (ratio, 1 = neutral) in both directions.", ""]
        lines += _md_table(["rank", "country", f"exports vs {self.group} imports", f"{self.group} exports vs its imports",
                            "mean", f"intensity, exports to {self.group}", f"intensity, {self.group} exports to it"],
                           [[r["rank"], r["country"], r["trade_complementarity_country_exports"],
                             r["trade_complementarity_group_exports"], r["mean"], r["trade_intensity_country_exports"],
                             r["trade_intensity_group_exports"]] for r in self._rows("candidate_partners")[:15]])
        if "marginal_iit" in self.tables:
            lines += ["", f"## Marginal intra-industry trade with {self.group}, {first} -> {last} (Brulhart A, 0-100)", ""]
            lines += _md_table(["reporter", f"within {self.group}", "global"],
                               [[r["reporter"], r["marginal_iit_a_within"], r["marginal_iit_a_global"]] for r in self._rows("marginal_iit")])
        if self.notes:
            lines += ["", "## Notes", ""] + [f"- {n}" for n in self.notes]
        return "\n".join(lines) + "\n"

    def _intensity_rows(self, first: int, last: int) -> list[list[Any]]:
        """Table rows: each member, partner and role (fixed composition), intensity in the first
        and last year."""
        rows = self._rows("complementarity", composition="fixed")
        at = {(r["reporter"], r["partner"], r["reporter_as"], r["year"]): r["trade_intensity"] for r in rows}
        keys = dict.fromkeys((r["reporter"], r["partner"], r["reporter_as"]) for r in rows)
        return [[*k, at.get((*k, first), np.nan), at.get((*k, last), np.nan)] for k in keys]

    def _rca_rows(self, first: int, last: int, top: int = 3) -> list[list[Any]]:
        """Table rows: each member (fixed composition), how many products of the set have RCA >= 1
        in the first and last year (of those with a value), its `top` products by RCA last."""
        rows = self._rows("rca", composition="fixed")
        values: dict[tuple[str, int], list[tuple[float, str]]] = {}
        for r in rows:
            if r["rca"] is not None and not np.isnan(r["rca"]):
                values.setdefault((r["reporter"], r["year"]), []).append((r["rca"], r["product"]))
        out = []
        for m in dict.fromkeys(r["reporter"] for r in rows):
            cells = [f"{sum(v >= 1 for v, _ in values[m, y])} of {len(values[m, y])}" if (m, y) in values else "n/a"
                     for y in (first, last)]
            best = sorted(values.get((m, last), []), key=lambda x: -x[0])[:top]
            out.append([m, *cells, ", ".join(f"{p} ({v:.1f})" for v, p in best) or "n/a"])
        return out

    def _composition_text(self) -> str:
        year = self.years[-1] if self.membership in ("fixed", "by-year") else self.membership
        return (f"the {year} members in every year (fixed); each year's members in the by-year rows of "
                "the tables (see groups.csv)")

    # -- charts (matplotlib, the [plot] extra): each returns a Figure; see tradeindex.charts ------
    def plot_complementarity(self, *, composition: Literal["fixed", "by-year"] = "fixed", ax: AxesArg = None,
                             members: str | Iterable[str] | None = None, source: str | None = None) -> Figure:
        """Each member's complementarity with the rest of the group and with the comparison group
        over the years, one panel per member (:func:`tradeindex.charts.member_complementarity`)."""
        from .charts import member_complementarity
        return member_complementarity(self, composition=composition, ax=ax, members=members, source=source)

    def plot_grubel_lloyd(self, *, composition: Literal["fixed", "by-year"] = "fixed", ax: AxesArg = None,
                          members: str | Iterable[str] | None = None, source: str | None = None) -> Figure:
        """Each member's Grubel-Lloyd index within the group vs global over the years
        (:func:`tradeindex.charts.grubel_lloyd_lines`)."""
        from .charts import grubel_lloyd_lines
        return grubel_lloyd_lines(self, composition=composition, ax=ax, members=members, source=source)

    def plot_shares(self, *, composition: Literal["fixed", "by-year"] = "fixed", ax: AxesArg = None,
                    members: str | Iterable[str] | None = None, source: str | None = None) -> Figure:
        """The share of each member's trade in the product set with the rest of the group over the
        years (:func:`tradeindex.charts.share_lines`)."""
        from .charts import share_lines
        return share_lines(self, composition=composition, ax=ax, members=members, source=source)

    def plot_heatmap(self, *, composition: Literal["fixed", "by-year"] = "fixed", diverging: bool = False,
                     ax: Axes | None = None, max_countries: int = 40, source: str | None = None) -> Figure:
        """The last year's complementarity of every pair of countries, members first
        (:func:`tradeindex.charts.report_heatmap`)."""
        from .charts import report_heatmap
        return report_heatmap(self, composition=composition, diverging=diverging, ax=ax,
                              max_countries=max_countries, source=source)


def _md_table(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> list[str]:
    def cell(x: object) -> str:
        if isinstance(x, float):
            return "n/a" if np.isnan(x) else f"{x:.1f}"
        return "n/a" if x is None else str(x)
    out = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    return out + ["| " + " | ".join(cell(x) for x in r) + " |" for r in rows]


# -- one year --------------------------------------------------------------------------------------
def _year(flows: TradeFlows, window: Window, *, group: Groups, gname: str, compare: Groups | None,
          cname: str | None, products: Products | None, membership: Membership, years: list[int],
          n_threads: int | None) -> dict[str, Any]:
    """Every table row of one year (and, in the last year, the candidates and the heatmap)."""
    year = window[0]
    fixed_year = membership_year("fixed" if membership == "by-year" else membership, year, years)
    comp = {"fixed": fixed_year, "by-year": year}
    listed = {c: _members(group, "group", y) for c, y in comp.items()}
    found = {c: _present(flows, m) for c, m in listed.items()}
    members = {c: _labels(f) for c, f in found.items()}
    listed_cmp = {c: _members(compare, "compare", y) for c, y in comp.items()} if compare is not None else {}
    found_cmp = {c: _present(flows, m) for c, m in listed_cmp.items()}
    members_cmp = {c: _labels(f) for c, f in found_cmp.items()}

    groups: dict[str, list[str]] = {}
    rest_of: dict[tuple[str, str], str] = {}
    for c in COMPOSITIONS:
        for m in members[c]:
            rest = [x for x in members[c] if x != m]
            if rest:
                groups.setdefault(_key(rest), rest)
                rest_of[c, m] = _key(rest)
        if members[c]:
            groups.setdefault(_key(members[c]), members[c])
        if members_cmp.get(c):
            groups.setdefault(_key(members_cmp[c]), members_cmp[c])
    n, n_c = len(flows.countries) + len(groups), len(flows.countries)  # every pair: complementarity, intensity
    check_output_size("flows", (2, n, n), what="tables of every pair (complementarity, trade intensity)",
                      work=16 * n_c * n_c, remedy=REMEDY)
    # one year asked (years=year): one IndexMatrix each
    tc = cast("IndexMatrix", complementarity(flows, years=year, groups=groups or None, n_threads=n_threads)) \
        if len(flows) else None
    ti = cast("IndexMatrix", trade_intensity(flows, years=year, groups=groups or None, n_threads=n_threads)) \
        if len(flows) else None

    out: dict[str, Any] = {"complementarity": [], "grubel_lloyd": [], "intra_group_share": [], "rca": [], "groups": []}
    for c in COMPOSITIONS:
        for g, lst, present in ((gname, listed[c], found[c]), (cname, listed_cmp.get(c, []), found_cmp.get(c, {}))):
            if g is None:
                continue
            out["groups"] += [{"year": year, "group": g, "composition": c, "composition_year": comp[c],
                               "member": m, "in_data": m in present} for m in lst]
        for m in members[c]:
            partners: list[tuple[str | None, str | None]] = [(f"{gname} (rest)", rest_of.get((c, m)))]
            if compare is not None:
                partners.append((cname, _key(members_cmp[c]) if members_cmp[c] else None))
            for pname, key in partners:
                for role, pair in (("exporter", (m, key)), ("importer", (key, m))):
                    out["complementarity"].append({"year": year, "reporter": m, "partner": pname, "reporter_as": role,
                                                   "composition": c,
                                                   "partner_members": _text(groups.get(key)) if key else "",
                                                   "trade_complementarity": _value(tc, *pair) if key else np.nan,
                                                   "trade_intensity": _value(ti, *pair) if key else np.nan})
    pflows = prepare(flows, (), products) if products is not None else flows
    everyone = sorted(set(members["fixed"]) | set(members["by-year"]))
    traded = {c: [m for m in ms if m in set(pflows.countries.label)] for c, ms in members.items()}
    shares = _shares(pflows, year, traded, n_threads)
    ratios = cast("IndexMatrix", rca(flows, years=year, countries=everyone)) if len(flows) and everyone else None
    for c in COMPOSITIONS:
        if not members[c]:
            continue
        gl = cast("IndexMatrix", grubel_lloyd(pflows, by="country", reporters=traded[c], years=year,
                                              n_threads=n_threads, partners={gname: traded[c], "World": None})) \
            if traded[c] else None
        for m in members[c]:
            out["grubel_lloyd"].append({"year": year, "reporter": m, "composition": c,
                                        "grubel_lloyd_within": _value(gl, m, gname),
                                        "grubel_lloyd_global": _value(gl, m, "World")})
            out["intra_group_share"].append({"year": year, "reporter": m, "composition": c,
                                             **{f"{side[:-1]}_share": _value(shares[side], m, c) for side in shares}})
            out["rca"] += [{"year": year, "reporter": m, "composition": c, "product": str(p), "rca": v}
                           for p, v in zip(pflows.products.code, _rca_row(ratios, m, pflows.products.code))]
    if year == years[-1]:
        out["candidates"] = _candidates(tc, ti, members["fixed"], groups) if tc is not None and members["fixed"] else []
        out["heatmap"] = _heatmap_matrix(tc, groups)
        out["members_last"] = members["fixed"]
    return out


def _value(result: IndexMatrix | None, row: str, col: str) -> float:
    """One cell of a one-year result, NaN where there is no result or the row or column is
    not in it (a member without trade in the product set that year)."""
    if result is None or row not in set(result.rows) or col not in set(result.cols):
        return np.nan
    return float(result.loc[row, col])


def _shares(flows: TradeFlows, year: int | None, traded: Mapping[str, list[str]],
            n_threads: int | None) -> dict[str, IndexMatrix | None]:
    """{side: intra_group_share of the members with trade in `flows` (`traded`), one group per
    composition} (a member without trade there has no row: NaN)."""
    groups = {c: ms for c, ms in traded.items() if ms}
    if not groups:
        return {"exports": None, "imports": None}
    return {side: cast("IndexMatrix", intra_group_share(flows, groups, years=year, side=side, n_threads=n_threads))
            for side in ("exports", "imports")}


def _rca_row(ratios: IndexMatrix | None, member: str, products: ObjectArray) -> list[float]:
    """RCA of `member` in `products` (the product set's codes; NaN where there is none)."""
    if ratios is None:
        return [np.nan] * len(products)
    where = {str(p): n for n, p in enumerate(ratios.cols)}
    row = ratios.values[list(ratios.rows).index(member)]
    return [float(row[where[str(p)]]) if str(p) in where else np.nan for p in products]


def _key(members: Iterable[str]) -> str:
    """The internal name of a group of countries in the complementarity call."""
    return "{" + ",".join(members) + "}"


def _text(members: Iterable[str] | None) -> str:
    return " ".join(members) if members else ""


def _candidates(tc: IndexMatrix, ti: IndexMatrix | None, members: list[str], groups: Mapping[str, object]) -> list[Row]:
    """Non-members ranked by mean complementarity with the group (its last-year members), both
    directions; NaN last; the trade intensity of both directions beside it."""
    key = _key(members)
    rows: list[Row] = []
    for lab, code in zip(tc.rows, tc.row_codes):
        if code < 0 or lab in members or str(lab) in groups:
            continue
        a, b = float(tc.loc[lab, key]), float(tc.loc[key, lab])
        rows.append({"country": str(lab), "country_code": int(code), "trade_complementarity_country_exports": a,
                     "trade_complementarity_group_exports": b,
                     "mean": float(np.nanmean([a, b])) if not (np.isnan(a) and np.isnan(b)) else np.nan,
                     "trade_intensity_country_exports": _value(ti, lab, key),
                     "trade_intensity_group_exports": _value(ti, key, lab)})
    rows.sort(key=lambda r: np.inf if np.isnan(r["mean"]) else -r["mean"])
    for n, r in enumerate(rows, 1):
        r["rank"] = n
    return rows


def _heatmap_matrix(tc: IndexMatrix | None, groups: Mapping[str, object]) -> IndexMatrix | None:
    """The last year's country x country complementarity (no group rows), for the chart."""
    if tc is None:
        return None
    keep = [lab for lab, code in zip(tc.rows, tc.row_codes) if code >= 0]
    return tc.loc[keep, keep]


def _miit(flows: TradeFlows, window: Window, *, gname: str, members: list[str], n_threads: int | None) -> list[Row]:
    """Marginal IIT (Brulhart A) of each member with the rest of the group and with the world,
    first to last year (the members of the fixed composition)."""
    start, end = cast("tuple[int, int]", window)  # the first and the last year
    present = _labels(_present(flows, members))
    if not present:
        return []
    result = marginal_iit(flows, start, end, by="country", reporters=present, partners={gname: present, "World": None},
                          n_threads=n_threads)
    a = cast("MarginalIIT", result).A  # by="country": the A and B matrices
    return [{"reporter": m, "start": start, "end": end, "marginal_iit_a_within": a.loc[m, gname], "marginal_iit_a_global": a.loc[m, "World"]}
            for m in present]


# -- the report ------------------------------------------------------------------------------------
def regional_report(flows: Flows, group: Groups, *, years: Years = None, products: Products | None = None,
                    compare: Groups | None = None, classification: Literal["sitc3"] | None = None,
                    membership: Membership = "fixed", source: str | None = None, progress: bool = False,
                    n_threads: int | None = None, client: ClientLike = None) -> RegionalReport:
    """Compute the regional-integration report for `group` (see the module docstring).

    Parameters
    ----------
    flows : TradeFlows, or LazyFlows (:func:`tradeindex.scan_baci`): read one year at a time.
    group : a built-in group name ("EAEU", "MERCOSUR", ...), a Group, or {name: [ISO3, ...]}.
    years : the years to cover (default all); the first and last give the changes.
    products : a product set for the GL, share, RCA and marginal-IIT tables ("engineering",
        "high-tech", codes or prefixes); complementarity and trade intensity use all products
        (the study's full profiles), RCA the all-goods totals. With `classification`, codes must say their classification ("hs:84-90",
        selected before the conversion, or "sitc3:7"); named sets are read in SITC.
    compare : a second group (e.g. "EU27") to compare complementarity with.
    classification : None (the flows' codes) or "sitc3" (HS -> SITC Rev.3 3-digit groups first,
        year by year, as the study does).
    membership : the fixed composition: "fixed" (default: the last year's members in every
        year) or a year; "by-year" makes the change columns use each year's members. Both
        compositions are in every table.
    source : where the flows come from, in words, for the charts' source line (default: what
        the flows say, e.g. "CEPII BACI HS17 V202401" from BACI file names).
    progress : show progress over the years.
    client : None (default: this process), a ``dask.distributed.Client`` or ``"auto"`` (the
        running one): each year is a task on the cluster (reading its own files when `flows`
        is lazy), and so is the marginal IIT of the first and last year; the tables are
        assembled here. Same report; see docs/dask.md.

    Returns
    -------
    RegionalReport: ``tables`` (pyarrow Tables), ``to_markdown()``, ``write(dir)``. Tables:
    ``complementarity`` (with ``trade_intensity``), ``complementarity_change``, ``grubel_lloyd``,
    ``intra_group_share``, ``rca`` (year, reporter, composition, product, rca),
    ``candidate_partners`` (with ``trade_intensity_country_exports`` and
    ``trade_intensity_group_exports``), ``groups`` and ``marginal_iit``.

    Examples
    --------
    >>> import tradeindex
    >>> r = tradeindex.regional_report(tradeindex.sample(), {"MERCOSUR": ["ARG", "BRA", "PRY", "URY"]},
    ...                                compare={"NAFTA": ["CAN", "MEX", "USA"]}, products="engineering")
    >>> sorted(r.tables)[:3]
    ['candidate_partners', 'complementarity', 'complementarity_change']
    >>> gl = r.tables["grubel_lloyd"].to_pylist()[1]  # Argentina 1990, engineering products
    >>> gl["reporter"], gl["year"], gl["composition"], round(gl["grubel_lloyd_within"], 1), round(gl["grubel_lloyd_global"], 1)
    ('ARG', 1990, 'fixed', 50.1, 44.0)
    """
    years = sorted(source_years(flows, years)[0], key=lambda y: -1 if y is None else y)  # checked as everywhere
    if years == [None]:
        fail("flows", "flows with years (the report compares years)", "no year column")
    membership = check_membership(membership, years)
    gname = _one_group(group, "group")
    cname = _one_group(compare, "compare") if compare is not None else None
    steps: tuple[Step, ...] = ()
    if classification is not None:
        check_choice("classification", classification, ("sitc3",))
        check_products_with_conversion("products", products)
        steps = (("convert", {"to": "sitc3", "digits": 3}),)
    product_label = _product_label(products, "SITC3" if classification else "HS")
    fixed_year = years[-1] if membership in ("fixed", "by-year") else cast(int, membership)
    if not _members(group, "group", fixed_year) and not any(_members(group, "group", y) for y in years):
        span = f"{years[0]}-{years[-1]}" if len(years) > 1 else str(years[0])
        fail("group", "a group with members in the years asked", f"{gname} has no members in {span}")
    compute = partial(_year, group=group, gname=gname, compare=compare, cname=cname, products=products,
                      membership=membership, years=years, n_threads=n_threads)
    parts = run(flows, compute, years=years, request=Request(steps=steps), progress=progress, label="report",
                client=client)
    last = parts[-1]
    first_year, last_year = years[0], years[-1]
    notes = _membership_notes(parts, gname, cname, years)
    report = RegionalReport(gname, cname or "none", years, product_label,
                            "SITC Rev.3 3-digit" if classification else (getattr(flows, "hs", None) or "HS"),
                            membership, source=source or getattr(flows, "source", None), notes=notes,
                            heatmap=last["heatmap"])
    tag = {"products": product_label, "classification": report.classification}
    by_reporter = lambda r: (COMPOSITIONS.index(r["composition"]), r["reporter"], r["year"])  # noqa: E731
    rows = [r for p in parts for r in p["complementarity"]]
    report.tables["complementarity"] = pa.Table.from_pylist(
        [{**r, "products": "all products", "classification": tag["classification"]} for r in rows])
    report.tables["complementarity_change"] = _changes(rows, first_year, last_year, membership)
    for name in ("grubel_lloyd", "intra_group_share", "rca"):
        report.tables[name] = pa.Table.from_pylist(
            [{**r, **tag} for r in sorted((r for p in parts for r in p[name]), key=by_reporter)])
    report.tables["candidate_partners"] = pa.Table.from_pylist(
        [{**r, "year": last_year} for r in last["candidates"]])
    report.tables["groups"] = pa.Table.from_pylist([r for p in parts for r in p["groups"]])
    if first_year != last_year and last["members_last"]:
        miit = run(flows, partial(_miit, gname=gname, members=last["members_last"], n_threads=n_threads),
                   windows=[(first_year, last_year)], request=Request(steps=steps, products=products),
                   label="marginal IIT", client=client)[0]
        report.tables["marginal_iit"] = pa.Table.from_pylist([{**r, **tag} for r in miit])
    return report


def _product_label(products: Products | None, classification: str) -> str:
    if products is None:
        return "all products"
    specs = product_specs(products)
    return ", ".join((f"{s} ({', '.join(product_set(s, c or classification))} in {c or classification})"
                      if s in PRODUCT_SETS else (f"{c.lower()}:{s}" if c else s)) for c, s in specs)


def _changes(rows: Iterable[Row], first: int, last: int, membership: Membership) -> pa.Table:
    """Table I's changes: each member's complementarity in the last year minus the first, with
    the fixed composition (the same partners in both years) and, alongside, each year's members."""
    by_key = {(r["reporter"], r["partner"], r["reporter_as"], r["composition"], r["year"]): r for r in rows}
    main = "by-year" if membership == "by-year" else "fixed"
    out = []
    for (m, p, role, comp, year), r in by_key.items():
        if year != last or comp != main:
            continue
        start = by_key.get((m, p, role, main, first))
        alt_start = by_key.get((m, p, role, "by-year", first))
        alt_last = by_key.get((m, p, role, "by-year", last))
        tc_first = start["trade_complementarity"] if start else np.nan
        by_year = (alt_last["trade_complementarity"] - alt_start["trade_complementarity"]) if alt_start and alt_last else np.nan
        out.append({"reporter": m, "partner": p, "reporter_as": role, "first_year": first, "last_year": last,
                    "composition": main, "partner_members_first": start["partner_members"] if start else "",
                    "partner_members_last": r["partner_members"], "trade_complementarity_first": tc_first,
                    "trade_complementarity_last": r["trade_complementarity"],
                    "change": r["trade_complementarity"] - tc_first, "change_by_year": by_year,
                    "partner_members_first_by_year": alt_start["partner_members"] if alt_start else ""})
    return pa.Table.from_pylist(out)


def _membership_notes(parts: Sequence[Mapping[str, Any]], gname: str, cname: str | None,
                      years: Sequence[int]) -> list[str]:
    """Where a group's members differ between years, or a group has no member in the data."""
    notes = []
    for g in (gname, cname):
        if g is None:
            continue
        lists: dict[int, list[str]] = {}

        for p in parts:
            for r in p["groups"]:
                if r["group"] == g and r["composition"] == "by-year":
                    lists.setdefault(r["year"], []).append(r["member"])
        changed = [y for a, y in zip(years, years[1:]) if sorted(lists.get(a, [])) != sorted(lists.get(y, []))]
        if changed:
            notes.append(f"{g}: the members change within {years[0]}-{years[-1]} (in {', '.join(map(str, changed))}); "
                         "changes over the period use one composition in every year (composition 'fixed'), "
                         "the by-year rows follow each year's members; groups.csv lists both")
        empty = [y for y in years if not lists.get(y)]
        if empty:
            notes.append(f"{g} has no members in {', '.join(map(str, empty))} (before it existed): its by-year "
                         "rows are missing or NaN there; the fixed composition is computed in every year")
        missing = sorted({(r["member"], r["year"]) for p in parts for r in p["groups"]
                          if r["group"] == g and not r["in_data"]})
        if missing:
            notes.append(f"{g}: not in the data: " + ", ".join(f"{m} ({y})" for m, y in missing))
    return notes
