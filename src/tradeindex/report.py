"""The regional-integration report: the seed study's tables for any country group and years.

For a group G (e.g. the EAEU), a comparison group and a product set, per year:

1. complementarity (Michaely 1996) of each member with the rest of G and with the comparison
   group, the member as exporter and as importer, and its change over the period;
2. Grubel-Lloyd intra-industry trade in the product set, each member "within the group" vs
   "global trade" (the study's Table II layout);
3. the share of each member's trade in the product set that goes to / comes from G (Figure 1);
4. candidate partners: every non-member ranked by complementarity with G, both directions;
5. marginal intra-industry trade (Brulhart 1994) of each member with G, first to last year.

Group membership follows the year for built-in groups (``tradeindex.groups``): Armenia counts in
the EAEU from 2015, the United Kingdom in EU28 until 2020. Members absent from the data are listed
in ``notes``, never silently skipped.
"""
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from ._validation import check_choice, fail
from .codes import resolve_groups
from .complementarity import complementarity
from .intra_industry import grubel_lloyd, marginal_iit
from ._progress import progress_bar as _progress
from .kernels import group_totals


def _one_group(spec, param, year):
    """(name, members in `year`) of one group: a built-in name or Group, or {name: [ISO3, ...]}
    (or {name: built-in name}); codes.resolve_groups does the reading."""
    groups = resolve_groups(spec, param, year)
    if len(groups) != 1:
        fail(param, "one group: a built-in group name or {name: [ISO3, ...]}",
             f"{len(groups)} groups ({', '.join(groups)})")
    return next(iter(groups.items()))


@dataclass
class RegionalReport:
    """The report's tables (pyarrow Tables, long format), its settings and its notes."""
    group: str
    compare: str
    years: list
    products: str
    classification: str
    tables: dict = field(default_factory=dict)
    notes: list = field(default_factory=list)
    heatmap: object = None  # the last year's complementarity IndexMatrix, for the chart

    def write(self, out_dir, *, charts=True):
        """Write every table as CSV (and Parquet), summary.md and, with matplotlib, PNG charts.
        Returns the list of paths written."""
        out = Path(out_dir)
        out.mkdir(parents=True, exist_ok=True)
        paths = []
        for name, table in self.tables.items():
            pacsv.write_csv(table, out / f"{name}.csv")
            pq.write_table(table, out / f"{name}.parquet")
            paths += [out / f"{name}.csv", out / f"{name}.parquet"]
        if charts:
            from . import charts as ch
            try:
                paths += ch.report_charts(self, out)
            except ImportError:
                self.notes.append("charts skipped: matplotlib is not installed (pip install 'tradeindex[plot]')")
        (out / "summary.md").write_text(self.to_markdown())
        return [out / "summary.md"] + paths

    def to_markdown(self):
        """A summary that reads like the study's tables."""
        first, last = self.years[0], self.years[-1]
        t = {k: v.to_pylist() for k, v in self.tables.items()}
        lines = [f"# {self.group}: complementarity and intra-industry trade, {first}-{last}", "",
                 f"Products: {self.products} ({self.classification}); comparison group: {self.compare}. "
                 "All indices on a 0-100 scale; n/a where a denominator is zero (no trade).", ""]
        lines += ["## Table I. Trade complementarity (Michaely) of each member", "",
                  f"Over all products (full trade profiles). Member as exporter vs the partner's imports, and "
                  f"as importer vs the partner's exports; {last} and change since {first} in points (n/a: "
                  f"not a member in {first}).", ""]
        rows = [r for r in t["complementarity_change"]]
        lines += _md_table(["member", "partner", "member as", str(last), f"change since {first}"],
                           [[r["member"], r["partner"], r["member_as"], r["tc_last"], r["change"]] for r in rows])
        lines += ["", f"## Table II. Grubel-Lloyd intra-industry trade in {self.products}: within {self.group} vs global", ""]
        lines += _md_table(["member", "year", f"within {self.group}", "global"],
                           [[r["member"], r["year"], r["gl_within"], r["gl_global"]] for r in t["grubel_lloyd"]])
        lines += ["", f"## Figure 1 data. Share of {self.products} trade with {self.group} (%)", ""]
        lines += _md_table(["member", "year", "exports to group", "imports from group"],
                           [[r["member"], r["year"], r["export_share"], r["import_share"]] for r in t["intra_group_share"]])
        lines += ["", f"## Candidate partners of {self.group} ({last}), top 15 by mean complementarity", ""]
        lines += _md_table(["rank", "country", f"exports vs {self.group} imports", f"{self.group} exports vs its imports", "mean"],
                           [[r["rank"], r["country"], r["tc_country_exports"], r["tc_group_exports"], r["mean"]]
                            for r in t["candidate_partners"][:15]])
        if "marginal_iit" in t:
            lines += ["", f"## Marginal intra-industry trade with {self.group}, {first} -> {last} (Brulhart A, 0-100)", ""]
            lines += _md_table(["member", f"within {self.group}", "global"],
                               [[r["member"], r["a_within"], r["a_global"]] for r in t["marginal_iit"]])
        if self.notes:
            lines += ["", "## Notes", ""] + [f"- {n}" for n in self.notes]
        return "\n".join(lines) + "\n"


def _md_table(header, rows):
    def cell(x):
        if isinstance(x, float):
            return "n/a" if np.isnan(x) else f"{x:.1f}"
        return "n/a" if x is None else str(x)
    out = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    return out + ["| " + " | ".join(cell(x) for x in r) + " |" for r in rows]


def _present(flows, isos, label, year, notes):
    """Members present in the flows; the absent ones go to the notes."""
    have = set(flows.countries.iso3)
    missing = [c for c in isos if c not in have]
    if missing:
        notes.append(f"{label} {year}: not in the data: {', '.join(missing)}")
    return [c for c in isos if c in have]


def regional_report(flows, group, *, years=None, products=None, compare=None, classification=None,
                    progress=False, n_threads=None):
    """Compute the regional-integration report for `group` (see the module docstring).

    Parameters
    ----------
    flows : TradeFlows (6-digit HS when `classification` is "sitc3").
    group : a built-in group name ("EAEU", "MERCOSUR", ...) or {name: [ISO3, ...]}.
    years : the years to cover (default all); the first and last give the changes.
    products : a product set for the GL and share tables ("engineering", "high-tech", codes or
        prefixes); complementarity uses all products (the study's full profiles).
    compare : a second group (e.g. "EU27") to compare complementarity with.
    classification : None (the flows' codes) or "sitc3" (HS -> SITC Rev.3 3-digit first, as the
        study does).

    Returns
    -------
    RegionalReport: ``tables`` (pyarrow Tables), ``to_markdown()``, ``write(dir)``.

    Examples
    --------
    >>> import tradeindex
    >>> r = tradeindex.regional_report(tradeindex.sample(), {"MERCOSUR": ["ARG", "BRA", "PRY", "URY"]},
    ...                                compare={"NAFTA": ["CAN", "MEX", "USA"]}, products="engineering")
    >>> sorted(r.tables)[:3]
    ['candidate_partners', 'complementarity', 'complementarity_change']
    >>> gl = r.tables["grubel_lloyd"].to_pylist()[1]  # Argentina 1990, engineering products
    >>> gl["member"], round(gl["gl_within"], 1), round(gl["gl_global"], 1)
    ('ARG', 50.1, 44.0)
    """
    notes = []
    if classification is not None:
        check_choice("classification", classification, ("sitc3",))
        flows = flows.convert("sitc3", digits=3)
        notes += list(flows.notes)
    years = flows.years if years is None else sorted({int(y) for y in np.atleast_1d(years)})
    if not years:
        fail("years", "years present in the flows", "none")
    gname = _one_group(group, "group", years[0])[0]
    cname = _one_group(compare, "compare", years[0])[0] if compare is not None else None
    product_label = products if isinstance(products, str) else (", ".join(products) if products else "all products")
    pflows = flows.select(products=products) if products is not None else flows
    tc_rows, gl_rows, share_rows = [], [], []
    tc = None
    for year in _progress(years, "report", enabled=progress):
        listed = _one_group(group, "group", year)[1]
        members = _present(flows, listed, gname, year, notes)
        if not members:
            fail("group", f"a group with members present in the flows in {year}",
                 f"none ({gname} members in {year}: {', '.join(listed) or 'none'}); "
                 "pass {name: [ISO3, ...]} for a fixed list of countries")
        groups = {gname: members}
        groups.update({f"{gname} excl. {m}": [x for x in members if x != m] for m in members if len(members) > 1})
        if compare is not None:
            groups[cname] = _present(flows, _one_group(compare, "compare", year)[1], cname, year, notes) or None
            groups = {k: v for k, v in groups.items() if v}
        tc = complementarity(flows, years=year, groups=groups, n_threads=n_threads)
        for m in members:
            partners = ([f"{gname} excl. {m}"] if len(members) > 1 else []) + ([cname] if cname in groups else [])
            for p in partners:
                tc_rows.append({"year": year, "member": m, "partner": p.replace(f" excl. {m}", " (rest)"),
                                "member_as": "exporter", "tc": tc.loc[m, p]})
                tc_rows.append({"year": year, "member": m, "partner": p.replace(f" excl. {m}", " (rest)"),
                                "member_as": "importer", "tc": tc.loc[p, m]})
        gl = grubel_lloyd(pflows, by="country", reporters=members, partners={gname: members, "World": None},
                          years=year, n_threads=n_threads)
        for m in members:
            gl_rows.append({"year": year, "member": m, "gl_within": gl.loc[m, gname], "gl_global": gl.loc[m, "World"]})
        share_rows += _shares(pflows, year, members)
    first, last = years[0], years[-1]
    report = RegionalReport(gname, cname or "none", years, product_label, classification or (flows.hs or "HS"),
                            notes=notes, heatmap=tc)
    report.tables["complementarity"] = pa.Table.from_pylist(tc_rows)
    report.tables["complementarity_change"] = _changes(tc_rows, first, last)
    by_member = lambda r: (r["member"], r["year"])  # noqa: E731
    report.tables["grubel_lloyd"] = pa.Table.from_pylist(sorted(gl_rows, key=by_member))
    report.tables["intra_group_share"] = pa.Table.from_pylist(sorted(share_rows, key=by_member))
    report.tables["candidate_partners"] = _candidates(tc, gname, listed, set(groups))
    if first != last:  # `members`: the last year's members present, from the loop
        within = marginal_iit(pflows, first, last, by="country", reporters=members,
                              partners={gname: members, "World": None}, n_threads=n_threads).A
        report.tables["marginal_iit"] = pa.Table.from_pylist(
            [{"member": m, "start": first, "end": last, "a_within": within.loc[m, gname],
              "a_global": within.loc[m, "World"]} for m in members])
    return report


def _shares(flows, year, members):
    """Per member: % of its exports (imports) in `flows` in `year` going to (coming from) the
    other members."""
    rows = np.flatnonzero(flows.year == year)
    ids = flows.countries.ids(members, "group")
    exp, imp, value = flows.exporter[rows], flows.importer[rows], flows.value[rows]
    n = len(flows.countries)
    inside = np.isin(exp, ids) & np.isin(imp, ids)
    tot_x, tot_m = group_totals(exp, value, n), group_totals(imp, value, n)
    in_x, in_m = group_totals(exp[inside], value[inside], n), group_totals(imp[inside], value[inside], n)
    return [{"year": year, "member": flows.countries.iso3[i],
             "export_share": 100 * in_x[i] / tot_x[i] if tot_x[i] else np.nan,
             "import_share": 100 * in_m[i] / tot_m[i] if tot_m[i] else np.nan} for i in ids]


def _changes(rows, first, last):
    by_key = {(r["member"], r["partner"], r["member_as"], r["year"]): r["tc"] for r in rows}
    out = []
    for (m, p, role, year), v in by_key.items():
        if year == last:
            start = by_key.get((m, p, role, first), np.nan)
            out.append({"member": m, "partner": p, "member_as": role, "first_year": first, "last_year": last,
                        "tc_first": start, "tc_last": v, "change": v - start})
    return pa.Table.from_pylist(out)


def _candidates(tc, gname, members, group_names):
    """Non-members ranked by mean complementarity with the group, both directions."""
    labels = [str(x) for x in tc.rows]
    rows = []
    for lab in labels:
        if lab in group_names or lab in members:
            continue
        a, b = tc.loc[lab, gname], tc.loc[gname, lab]
        rows.append({"country": lab, "tc_country_exports": a, "tc_group_exports": b, "mean": np.nanmean([a, b])
                     if not (np.isnan(a) and np.isnan(b)) else np.nan})
    rows.sort(key=lambda r: np.inf if np.isnan(r["mean"]) else -r["mean"])  # NaN last
    for n, r in enumerate(rows, 1):
        r["rank"] = n
    return pa.Table.from_pylist(rows)
