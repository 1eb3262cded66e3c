"""Charts of the regional report and of index results (matplotlib, the optional [plot] extra).

Every chart carries a title that says what and when, axis labels with units, and a footer with
the product set and classification, the group composition used, what the index means and the
source ("Source: ... via tradeindex X.Y"). Colours are colour-blind safe (the Okabe-Ito palette
for lines, viridis or a ColorBrewer diverging map for heatmaps) and every series also differs by
line style or marker, so the charts read in black-and-white print. Axes are fitted to the data;
an axis that does not start at 0 says so. Each function returns a matplotlib Figure drawn with
pyplot (shown in notebooks, ``plt.show()`` in scripts); ``fig.savefig(path)`` writes PNG, SVG
or PDF by the extension.

The report's charts (``RegionalReport.plot_*`` delegate here):

- :func:`member_complementarity`: each member's complementarity with the rest of the group and
  with the comparison group over the years, one panel per member;
- :func:`grubel_lloyd_lines`: each member's Grubel-Lloyd index within the group vs in global trade
  over the years;
- :func:`share_lines`: the share of each member's trade in the product set with the rest of the
  group over the years;
- :func:`report_heatmap`: the last year's country x country complementarity, members first.

:func:`heatmap` and :func:`panel_lines` draw any IndexMatrix / IndexPanel (``.plot()``).
"""
from __future__ import annotations

import math
import textwrap
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Literal, TypeAlias, cast


import numpy as np

from ._validation import check_choice, fail
from .config import __version__
from .report import COMPOSITIONS

if TYPE_CHECKING:
    from types import ModuleType

    from matplotlib.axes import Axes
    from matplotlib.colors import Colormap, Normalize
    from matplotlib.figure import Figure, SubFigure
    from matplotlib.text import Text

    from ._typing import Countries, F64Array, PathLike
    from .report import RegionalReport
    from .result import IndexMatrix, IndexPanel

#: Where the report's member charts draw: a new figure (None), one Axes, or one Axes per member.
AxesArg: TypeAlias = "Axes | Sequence[Axes] | None"
#: A series of the member charts: (key, legend label, line style keywords).
Series: TypeAlias = "tuple[Any, str, dict[str, Any]]"

#: Okabe and Ito (2008), "Color Universal Design": distinguishable with every colour-vision
#: deficiency; yellow last (weak on white).
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442")
MARKERS = ("o", "s", "^", "D", "v", "P", "X", "*")
DASHES = ("-", "--", ":", "-.")
NA_GREY = "0.78"        # heatmap cells without a value (no trade in the selection)
DPI = 170               # PNGs written by the report
FOOTER_PT = 7.0         # footer font size (points)


def _plt() -> ModuleType:
    import matplotlib.pyplot as plt
    return plt


# -- text ----------------------------------------------------------------------------------------
def _span(years: Iterable[int | None]) -> str:
    known = [y for y in years if y is not None]
    if not known:
        return "no year"
    return str(known[0]) if known[0] == known[-1] else f"{known[0]}-{known[-1]}"


def _products_phrase(products: object) -> str:
    """The product set in a title: 'engineering (84, 85, ... in HS)' -> 'engineering products',
    '84' -> 'products 84', 'all products' as it is."""
    text = str(products)
    if text == "all products":
        return text
    return f"{text.split(' (')[0]} products" if " (" in text else f"products {text}"


def source_line(source: str | None, years: Iterable[int | None]) -> str:
    """The footer's source line: "Source: <source> via tradeindex X.Y"; without a source
    description, the years of the trade flows."""
    what = source or f"trade flows, {_span(years)} (data source not recorded)"
    return f"Source: {what} via tradeindex {__version__}."


def _report_source(report: RegionalReport, source: str | None) -> str | None:
    return source or getattr(report, "source", None)


# -- figures, layout, footer ---------------------------------------------------------------------
class _Canvas:
    """Where a chart draws: `fig` (returned), `body` (the figure or subfigure holding the axes),
    `axes`, `owned` (a figure made here: it gets a footer subfigure under the body)."""

    def __init__(self, fig: Figure, body: Any, axes: list[Axes], owned: bool, footer: SubFigure | None = None) -> None:
        self.fig, self.body, self.axes, self.owned, self.footer = fig, body, axes, owned, footer


def _root(ax: Axes) -> Figure:
    """The Figure holding an Axes (through subfigures)."""
    fig = ax.figure
    while getattr(fig, "figure", fig) is not fig:
        fig = fig.figure
    return cast("Figure", fig)  # the root: no figure above it


def _new_canvas(size: tuple[float, float]) -> tuple[Figure, SubFigure, SubFigure]:
    fig = _plt().figure(figsize=size, layout="constrained")
    body, footer = fig.subfigures(2, 1, height_ratios=[1, 1e-3])
    return fig, body, footer


def _grid(n: int) -> tuple[int, int]:
    """(rows, cols) of small multiples for n panels."""
    cols = n if n <= 3 else 2 if n == 4 else 3 if n <= 9 else 4
    return math.ceil(n / cols), cols


def _panels(ax: Any, names: Sequence[str], panel: tuple[float, float] = (3.5, 2.5)) -> _Canvas:
    """A canvas of small multiples: a new figure when `ax` is None, else the Axes given (one,
    or a sequence of one per name)."""
    if ax is None:
        rows, cols = _grid(len(names))
        fig, body, footer = _new_canvas((max(6.5, cols * panel[0]), rows * panel[1] + 1.2))
        grid = body.subplots(rows, cols, squeeze=False)
        for a in grid.ravel()[len(names):]:
            a.remove()
        return _Canvas(fig, body, list(grid.ravel()[:len(names)]), True, footer)
    axes = [ax] if hasattr(ax, "plot") else list(ax)
    if len(axes) != len(names):
        fail("ax", f"one Axes per panel ({len(names)}: {', '.join(names)}), or members= naming one "
             "member per Axes given", f"{len(axes)} Axes")
    return _Canvas(_root(axes[0]), axes[0].figure, axes, False)


def _single(ax: Axes | None, size: tuple[float, float]) -> _Canvas:
    if ax is None:
        fig, body, footer = _new_canvas(size)
        return _Canvas(fig, body, [body.subplots()], True, footer)
    return _Canvas(_root(ax), ax.figure, [ax], False)


def _wrap(paragraphs: Iterable[str], width_in: float, points: float = FOOTER_PT) -> list[str]:
    """Lines of text wrapped to a width in inches (about 0.6 em a character in small print, 0.52
    in titles)."""
    chars = max(30, int(width_in * 72 / (points * (0.6 if points < 9 else 0.52))))
    return [line for p in paragraphs if p for line in textwrap.wrap(p, chars)]


def _footer(canvas: _Canvas, paragraphs: Sequence[str]) -> Text:
    """The footer (product set, composition, notes, source): in the footer subfigure of a
    figure made here (the figure grows to hold it), else under the last Axes given. Returns the
    text artist."""
    if canvas.owned:
        assert canvas.footer is not None  # a figure made here has its footer subfigure
        fig = canvas.fig
        w, h = fig.get_size_inches()
        lines = _wrap(paragraphs, w - 0.25)
        height = (len(lines) * FOOTER_PT * 1.3 + 10) / 72
        fig.set_size_inches(w, h + height)
        canvas.body._subplotspec.get_gridspec().set_height_ratios([h, height])
        return canvas.footer.text(0.01, 0.04, "\n".join(lines), ha="left", va="bottom", fontsize=FOOTER_PT,
                                  color="0.2", linespacing=1.3)
    ax = canvas.axes[-1]
    w = ax.get_position().width * canvas.fig.get_size_inches()[0]
    below = ax.xaxis.label if ax.xaxis.label.get_text() else ax
    return ax.annotate("\n".join(_wrap(paragraphs, max(w, 3.0))), xy=(0, 0), xycoords=("axes fraction", below),
                       xytext=(0, -6), textcoords="offset points", ha="left", va="top", fontsize=FOOTER_PT,
                       color="0.2")


def _title(canvas: _Canvas, title: str, panel_titles: Sequence[str] | None = None) -> None:
    """The chart's title (wrapped to the figure's width): over the panels of a figure made here,
    else on each Axes given, before its panel title."""
    if canvas.owned:
        text = "\n".join(_wrap([title], canvas.fig.get_size_inches()[0] - 0.3, 11))
        if panel_titles:
            canvas.body.suptitle(text, fontsize=11)
        else:
            canvas.axes[0].set_title(text, fontsize=11)
    for a, t in zip(canvas.axes, panel_titles or []):
        if canvas.owned:
            a.set_title(t, fontsize=9)
        else:
            a.set_title("\n".join(_wrap([f"{t}: {title}"], 3.5, 8)), fontsize=8)


def _legend(canvas: _Canvas, ncols: int = 2) -> None:
    handles, labels = canvas.axes[0].get_legend_handles_labels()
    if canvas.owned:
        canvas.body.legend(handles, labels, loc="outside lower center", ncols=ncols, fontsize=8, frameon=False)
    else:
        canvas.axes[0].legend(handles, labels, fontsize=7, frameon=False)


# -- axes ----------------------------------------------------------------------------------------
def _limits(values: Any, top: float | None = None, zero: bool = False) -> tuple[float, float, str | None]:
    """(low, high, note) y limits fitted to the finite values: from 0 when `zero` or when 0 is
    within one data range of the lowest value, else just below the data (note: "axis starts
    at X"); `top` caps the upper limit (100 for 0-100 indices)."""
    from matplotlib.ticker import MaxNLocator
    v = np.asarray(values, dtype=float)
    v = v[np.isfinite(v)]
    if not v.size:
        return 0.0, float(top or 1.0), None
    lo, hi = float(v.min()), float(v.max())
    span = hi - lo if hi > lo else max(abs(hi) * 0.2, 1.0)
    start = 0.0 if 0 <= lo and (zero or lo <= span) else lo - 0.15 * span
    ticks = np.asarray(MaxNLocator(nbins=5, steps=[1, 2, 5, 10]).tick_values(start, hi + 0.08 * span))
    low = 0.0 if start == 0 else float(ticks[ticks <= start][-1])
    high = float(ticks[ticks >= hi + 0.08 * span][0]) if (ticks >= hi + 0.08 * span).any() else hi + 0.1 * span
    if top is not None and hi <= top:
        high = min(high, top + 0.02 * (top - low))
    return low, high, (f"axis starts at {low:g}" if low > 0 else None)


def _comparable(per_panel: Iterable[Sequence[float]]) -> bool:
    """Can the panels share one y range? Not when one panel's largest value is under a quarter
    of another's (its lines would be flat)."""
    tops = [np.nanmax(v) for v in per_panel if np.isfinite(np.asarray(v, dtype=float)).any()]
    return not tops or min(tops) <= 0 or max(tops) / min(tops) <= 4


def _year_axis(ax: Axes, years: Sequence[int]) -> None:
    from matplotlib.ticker import MaxNLocator, StrMethodFormatter
    ax.set_xlim(years[0] - 0.4, years[-1] + 0.4)
    if len(years) <= 10:
        ax.set_xticks(years)
    else:
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.xaxis.set_major_formatter(StrMethodFormatter("{x:.0f}"))
    ax.grid(axis="y", color="0.9", lw=0.6)
    ax.tick_params(labelsize=8)
    ax.set_axisbelow(True)


# -- groups --------------------------------------------------------------------------------------
def _members_by_year(report: RegionalReport, group: str, composition: str = "by-year") -> dict[int, list[str]]:
    """{year: [members in the data]} of a group in the report's ``groups`` table."""
    out: dict[int, list[str]] = {}
    for r in report._rows("groups", group=group, composition=composition):
        if r["in_data"]:
            out.setdefault(r["year"], []).append(r["member"])
    return out


def _changes(report: RegionalReport, group: str) -> list[tuple[int, str]]:
    """[(year, text)] where a group's members (each year's) change: "ARM, KGZ join"."""
    lists = _members_by_year(report, group)
    out = []
    for a, b in zip(report.years, report.years[1:]):
        old, new = set(lists.get(a, [])), set(lists.get(b, []))
        parts = ([", ".join(sorted(new - old)) + " join"] if new - old else []) + \
                ([", ".join(sorted(old - new)) + " leave"] if old - new else [])
        if parts and old:
            out.append((b, f"{group}: {'; '.join(parts)}"))
        elif parts:
            out.append((b, f"{group} starts"))
    return out


def _groups(report: RegionalReport, compare: bool = True) -> list[str]:
    """The report's group and, with `compare`, its comparison group."""
    return [g for g in (report.group, report.compare if compare else None) if g and g != "none"]


def _fixed_year(report: RegionalReport) -> int:
    rows = report._rows("groups", composition="fixed")
    return rows[0]["composition_year"] if rows else report.years[-1]


def _composition_text(report: RegionalReport, composition: str, compare: bool = True) -> str:
    """"fixed: the 2017 members in every year (EAEU: ARM BLR ...)" or "members of each year
    (...)", with where the members change."""
    groups = _groups(report, compare)
    changes = [t for g in groups for t in _changes(report, g)]
    if composition == "fixed":
        year = _fixed_year(report)
        listed = "; ".join(f"{g}: " + " ".join(sorted(_members_by_year(report, g, "fixed").get(report.years[-1], [])))
                           for g in groups)
        text = f"fixed: the {year} members in every year ({listed})"
        if changes:
            text += ("; the members of each year differ (" + "; ".join(f"{y}: {t}" for y, t in changes)
                     + "): composition='by-year' plots them, groups.csv lists them")
        return text
    first = {g: sorted(_members_by_year(report, g).get(report.years[0], [])) for g in groups}
    listed = "; ".join(f"{g} in {report.years[0]}: " + (" ".join(m) or "none") for g, m in first.items())
    return f"members of each year ({listed}" + "".join(f"; {y}: {t}" for y, t in changes) + ")"


def _mark_changes(axes: Sequence[Axes], report: RegionalReport, composition: str, compare: bool = True) -> None:
    """Dotted vertical lines where the composition plotted changes (each year's members)."""
    if composition != "by-year":
        return
    for year, text in (c for g in _groups(report, compare) for c in _changes(report, g)):
        for n, a in enumerate(axes):
            a.axvline(year - 0.5, color="0.35", ls=":", lw=1)
            if n == 0:  # the text once, the line in every panel
                a.annotate(f"{year}: {text.split(': ', 1)[-1]}", xy=(year - 0.5, 1),
                           xycoords=("data", "axes fraction"), xytext=(-2, -3), textcoords="offset points",
                           rotation=90, ha="right", va="top", fontsize=6, color="0.35")


# -- the report's member charts ------------------------------------------------------------------
def _check_report_args(report: RegionalReport, composition: str, members: str | Iterable[str] | None,
                       table: str) -> tuple[list[dict[str, Any]], list[str]]:
    check_choice("composition", composition, COMPOSITIONS)
    rows = report._rows(table, composition=composition)
    have = sorted({r["reporter"] for r in rows})
    if members is not None:
        members = [members] if isinstance(members, str) else list(members)
        unknown = [m for m in members if m not in have]
        if unknown or not members:
            fail("members", "members of the report's group: " + ", ".join(have),
                 ", ".join(map(repr, unknown)) or "none")
        rows = [r for r in rows if r["reporter"] in members]
        have = members
    if not have:
        fail("composition", f"a composition with rows in the report's {table} table", f"none for {composition!r}")
    return rows, have


def _member_panels(report: RegionalReport, *, composition: str, ax: AxesArg, members: str | Iterable[str] | None,
                   table: str, value: Callable[[dict[str, Any]], list[tuple[Any, float]]], series: Sequence[Series],
                   title: str, unit: str, notes: Sequence[str], source: str | None, top: float | None = 100,
                   share: bool = False, compare: bool = False) -> Figure:
    """Small multiples, one panel per member: each series ((key, label, style)) over the years,
    `value(row)` giving the [(series key, value)] of a table row. Index values share one y
    range fitted to the data (it may start above 0); `share` values (percentages) start at 0,
    each panel with its own range where the members' values differ too much for one (its title
    gives the range). `compare`: the series involve the comparison group (its composition and
    its changes shown too)."""
    rows, drawn = _check_report_args(report, composition, members, table)
    data: dict[str, dict[Any, dict[int, float]]] = {m: {} for m in drawn}
    for r in rows:
        for key, v in value(r):
            data[r["reporter"]].setdefault(key, {})[r["year"]] = v
    canvas = _panels(ax, drawn)
    years = report.years
    curves = {m: {key: [data[m].get(key, {}).get(y, np.nan) for y in years] for key, _, _ in series} for m in drawn}
    shared = not share or _comparable([sum(c.values(), []) for c in curves.values()])
    common = _limits(sum((sum(c.values(), []) for c in curves.values()), []), top, zero=share)
    ncols = _grid(len(drawn))[1]
    panel_titles = []
    for k, (a, m) in enumerate(zip(canvas.axes, drawn)):
        for key, label, style in series:
            a.plot(years, curves[m][key], label=label, ms=5, lw=1.6, **style)
        low, high, start = common if shared else _limits(sum(curves[m].values(), []), top, zero=True)
        a.set_ylim(low, high)
        _year_axis(a, years)
        panel_titles.append(m if shared else f"{m} (axis {low:g}-{min(high, top or high):g})")
        if not canvas.owned or k + ncols >= len(drawn):
            a.set_xlabel("year", fontsize=8)
        if not canvas.owned:
            a.set_ylabel(unit + (f"\n({start})" if start else ""), fontsize=8)
    _mark_changes(canvas.axes, report, composition, compare)
    if canvas.owned:
        canvas.body.supylabel(unit + (f" ({common[2]})" if shared and common[2] else "")
                              + ("" if shared else " (each panel its own scale)"), fontsize=9)
    _title(canvas, title, panel_titles)
    _legend(canvas)
    products, classification = rows[0]["products"], rows[0]["classification"]
    paragraphs = [f"Products: {products}; classification: {classification}. "
                  f"Group composition: {_composition_text(report, composition, compare)}.", *notes,
                  "Markers at the years with data; a gap is a year without a value (no trade, or not a member)."
                  + ("" if shared else " Each panel has its own y axis (the members' values differ too much "
                     "for one)."),
                  source_line(_report_source(report, source), years)]
    _footer(canvas, paragraphs)
    return canvas.fig


def member_complementarity(report: RegionalReport, *, composition: Literal["fixed", "by-year"] = "fixed",
                           ax: AxesArg = None, members: str | Iterable[str] | None = None,
                           source: str | None = None) -> Figure:
    """Each member's trade complementarity with the rest of the group and with the comparison
    group over the years, one panel per member: the member as exporter (its exports vs the
    partner's imports) solid, as importer dashed; rest of the group blue circles, comparison
    group vermillion squares.

    Parameters
    ----------
    report : RegionalReport.
    composition : "fixed" (one composition in every year) or "by-year" (each year's members;
        dotted lines mark where they change).
    ax : None (a new figure), or one Axes per member drawn (see `members`).
    members : the members to draw (default all).
    source : the data source for the footer (default ``report.source`` when the report has one).

    Examples
    --------
    >>> import tradeindex
    >>> r = tradeindex.regional_report(tradeindex.sample(), {"MERCOSUR": ["ARG", "BRA", "PRY", "URY"]},
    ...                                compare={"NAFTA": ["CAN", "MEX", "USA"]})
    >>> fig = r.plot_complementarity()          # the same as charts.member_complementarity(r)
    >>> [ax.get_title() for ax in fig.axes], len(fig.axes[0].get_lines())
    (['ARG', 'BRA', 'PRY', 'URY'], 4)
    >>> fig.savefig("complementarity.pdf")      # doctest: +SKIP
    """
    rows, _ = _check_report_args(report, composition, members, "complementarity")
    partners = list(dict.fromkeys(r["partner"] for r in rows))
    names = {p: f"the rest of {report.group}" if p == f"{report.group} (rest)" else p for p in partners}
    series = [((p, role), f"{'member' if role == 'exporter' else names[p]}'s exports vs "
                          f"{names[p] if role == 'exporter' else 'member'}'s imports",
               {"color": PALETTE[i % len(PALETTE)], "marker": MARKERS[i % len(MARKERS)],
                "ls": "-" if role == "exporter" else "--", "mfc": "white" if role == "importer" else None})
              for i, p in enumerate(partners) for role in ("exporter", "importer")]
    versus = " and with ".join(names[p] for p in partners)
    return _member_panels(
        report, composition=composition, ax=ax, members=members, table="complementarity",
        value=lambda r: [((r["partner"], r["reporter_as"]), r["trade_complementarity"])], series=series,
        title=f"Trade complementarity of each {report.group} member with {versus}, {_span(report.years)}",
        unit="trade complementarity (0-100)", compare=True,
        notes=["Trade complementarity (Michaely 1996), 0-100: 100 when the exporter's shares of products in its "
               "exports equal the importer's shares in its imports, 0 when they have no product in common; over all "
               "products (full trade profiles)."],
        source=source)


def grubel_lloyd_lines(report: RegionalReport, *, composition: Literal["fixed", "by-year"] = "fixed",
                       ax: AxesArg = None, members: str | Iterable[str] | None = None,
                       source: str | None = None) -> Figure:
    """Each member's Grubel-Lloyd intra-industry trade in the product set within the group
    (solid, circles) vs in global trade (dashed, squares) over the years, one panel per member.
    Parameters as :func:`member_complementarity`."""
    products = _products_phrase(report.products)
    series = [("within", f"trade with the rest of {report.group}",
               {"color": PALETTE[0], "marker": MARKERS[0], "ls": "-"}),
              ("global", "trade with all partners (global)",
               {"color": PALETTE[1], "marker": MARKERS[1], "ls": "--", "mfc": "white"})]
    return _member_panels(
        report, composition=composition, ax=ax, members=members, table="grubel_lloyd",
        value=lambda r: [("within", r["grubel_lloyd_within"]), ("global", r["grubel_lloyd_global"])],
        series=series, unit="Grubel-Lloyd index (0-100)",
        title=f"Intra-industry trade of each {report.group} member within {report.group} vs globally: "
              f"{products}, {_span(report.years)}",
        notes=["Grubel-Lloyd index (Grubel and Lloyd 1975), 0-100: the share of the member's trade in the products "
               "that is two-way (exports matched by imports of the same product), summed over products; 100 when "
               "exports equal imports in every product, 0 when all trade is one-way. Within: the member's trade with "
               "the other members (summed)."],
        source=source)


def share_lines(report: RegionalReport, *, composition: Literal["fixed", "by-year"] = "fixed", ax: AxesArg = None,
                members: str | Iterable[str] | None = None, source: str | None = None) -> Figure:
    """The share of each member's exports (solid, circles) and imports (dashed, squares) in the
    product set that goes to / comes from the rest of the group, over the years, one panel per
    member. Parameters as :func:`member_complementarity`."""
    products = _products_phrase(report.products)
    series = [("export_share", f"exports to the rest of {report.group}",
               {"color": PALETTE[0], "marker": MARKERS[0], "ls": "-"}),
              ("import_share", f"imports from the rest of {report.group}",
               {"color": PALETTE[1], "marker": MARKERS[1], "ls": "--", "mfc": "white"})]
    return _member_panels(
        report, composition=composition, ax=ax, members=members, table="intra_group_share",
        value=lambda r: [(k, r[k]) for k in ("export_share", "import_share")], series=series, share=True,
        unit=f"% of the member's trade in {products}",
        title=f"Share of each {report.group} member's trade with the rest of {report.group}: {products}, "
              f"{_span(report.years)}",
        notes=["Exports to (imports from) the other members as a % of the member's exports (imports) of the "
               "products to (from) all partners in the data."],
        source=source)


# -- heatmaps ------------------------------------------------------------------------------------
def _order(labels: Sequence[Any], highlight: Sequence[str], ranked: Sequence[str] | None, score: Any,
           max_n: int) -> tuple[list[int], bool]:
    """Positions on one axis: the highlighted entries first, then the others (by `ranked`, a
    list of labels best first, else in their order); more than `max_n` keeps the highlighted
    ones and the best others (by `ranked`, else by `score`, highest first)."""
    at = {lab: n for n, lab in enumerate(labels)}
    first = [at[h] for h in highlight if h in at]
    others = [n for n in range(len(labels)) if n not in set(first)]
    if ranked is not None:
        rank = {lab: k for k, lab in enumerate(ranked)}
        others.sort(key=lambda n: rank.get(labels[n], len(rank)))
    cut = len(first) + len(others) > max_n
    if cut and ranked is None:
        others = sorted(others, key=lambda n: -np.nan_to_num(score[n], nan=-np.inf))
    return first + others[:max(max_n - len(first), 0)], cut


def _colour_scale(values: F64Array, diverging: bool) -> tuple[Normalize, Colormap, str, str]:
    """(norm, cmap, extend, text) fitted to the finite values: the 2nd-98th percentiles (all of
    them under 10 values); diverging: centred on the median."""
    from matplotlib import colormaps
    from matplotlib.colors import Normalize, TwoSlopeNorm
    v = values[np.isfinite(values)]
    if not v.size:
        return Normalize(0, 100), colormaps["viridis"], "neither", "no values"
    lo, hi = (np.percentile(v, [2, 98]) if v.size >= 10 else (v.min(), v.max()))
    text = (f"colours span the 2nd-98th percentile of the values shown ({lo:.1f}-{hi:.1f}; arrows: beyond)"
            if v.size >= 10 else f"colours span the values shown ({lo:.1f}-{hi:.1f})")
    if hi - lo < 1e-9:
        lo, hi = lo - 0.5, hi + 0.5
    norm = Normalize(lo, hi)
    if diverging:
        mid = float(np.clip(np.median(v), lo + 1e-6 * (hi - lo), hi - 1e-6 * (hi - lo)))
        norm = TwoSlopeNorm(mid, lo, hi)
        text += f"; the colours diverge from the median ({mid:.1f}, white)"
    extend = {(False, False): "neither", (True, False): "min", (False, True): "max", (True, True): "both"}[
        (bool(v.min() < lo), bool(v.max() > hi))]
    cmap = colormaps["RdBu" if diverging else "viridis"].with_extremes(bad=NA_GREY)
    return norm, cmap, extend, text


def _draw_heatmap(matrix: IndexMatrix, *, highlight: Sequence[str], ranked: Sequence[str] | None, diverging: bool,
                  ax: Axes | None, max_countries: int, title: str, paragraphs: list[str],
                  highlighted: str = "highlighted") -> Figure:
    from matplotlib import patheffects
    from matplotlib.patches import Patch, Rectangle
    values = np.asarray(matrix.values, dtype=float)
    score_r, score_c = (np.nanmean(np.where(np.isfinite(values), values, np.nan), axis=a) if values.size else []
                        for a in (1, 0))
    with np.errstate(all="ignore"):
        ri, cut_r = _order(list(matrix.rows), highlight, ranked, score_r, max_countries)
        ci, cut_c = _order(list(matrix.cols), highlight, ranked, score_c, max_countries)
    rows, cols = matrix.rows[ri], matrix.cols[ci]
    sub = values[np.ix_(ri, ci)]
    rc, cc = matrix.row_codes[ri], matrix.col_codes[ci]
    self_pair = (rows[:, None] == cols[None, :]) | ((rc[:, None] == cc[None, :]) & (rc[:, None] >= 0))
    norm, cmap, extend, scale_text = _colour_scale(sub[~self_pair], diverging)
    nr, nc = sub.shape
    cell = float(np.clip(5.0 / max(nr, nc, 1), 0.24, 0.55))   # inches: square cells, 0.24 at 20+ countries
    canvas = _single(ax, (max(5.5, 2.4 + cell * nc), 2.1 + cell * nr))
    fig, ax = canvas.fig, canvas.axes[0]
    im = ax.imshow(np.ma.masked_invalid(np.where(self_pair, np.nan, sub)), cmap=cmap, norm=norm,
                   aspect="auto", interpolation="nearest")
    for i, j in zip(*np.nonzero(self_pair)):
        ax.add_patch(Rectangle((j - 0.5, i - 0.5), 1, 1, facecolor="white", edgecolor="0.45", hatch="/////", lw=0))
    ax.set_xticks(np.arange(nc + 1) - 0.5, minor=True)
    ax.set_yticks(np.arange(nr + 1) - 0.5, minor=True)
    ax.grid(which="minor", color="white", lw=0.6)
    ax.tick_params(which="minor", length=0)
    size = 8 if max(nr, nc) <= 24 else 7
    ax.set_xticks(range(nc), [str(c) for c in cols], rotation=90, fontsize=size)
    ax.set_yticks(range(nr), [str(r) for r in rows], fontsize=size)
    marked = set(map(str, highlight))
    for lab in ax.get_xticklabels() + ax.get_yticklabels():
        if lab.get_text() in marked:
            lab.set_fontweight("bold")
    kr, kc = sum(str(r) in marked for r in rows), sum(str(c) in marked for c in cols)
    if kr and kc:
        frame = Rectangle((-0.5, -0.5), kc, kr, fill=False, edgecolor="black", lw=1.8)
        frame.set_path_effects([patheffects.withStroke(linewidth=3.6, foreground="white")])
        ax.add_patch(frame)
    ax.set_xlabel(f"{matrix.col_name} (columns)")
    ax.set_ylabel(f"{matrix.row_name} (rows)")
    unit = _unit(matrix)
    canvas.body.colorbar(im, ax=ax, shrink=0.75, extend=extend, label=unit)
    handles = [Patch(facecolor="white", edgecolor="0.45", hatch="/////", label="a country with itself (not defined)")]
    if np.isnan(sub[~self_pair]).any():
        handles.append(Patch(facecolor=NA_GREY, label="n/a: no trade in the selection"))
    if kr and kc:
        handles.append(Patch(fill=False, edgecolor="black", lw=1.8, label=f"{highlighted} (bold labels)"))
    ax.legend(handles=handles, loc="lower left", bbox_to_anchor=(0, 1.0), ncols=len(handles), fontsize=7,
              frameon=False, borderaxespad=0.3, handlelength=1.4)
    shown = ([f"{nr} of the {len(matrix.rows)} {matrix.row_name}s"] if cut_r else []) + \
            ([f"{nc} of the {len(matrix.cols)} {matrix.col_name}s"] if cut_c else [])
    width = canvas.fig.get_size_inches()[0] - 1.1 if canvas.owned else 4.0
    ax.set_title("\n".join(_wrap(title.split("\n"), width, 11 if canvas.owned else 9)),
                 fontsize=11 if canvas.owned else 9, pad=22, loc="left")
    notes = [f"Shown: {' and '.join(shown)} (members first, then the others ranked best)." if shown else "",
             f"Colour scale: {scale_text}."]
    _footer(canvas, paragraphs[:1] + notes + paragraphs[1:])
    return fig


def _unit(result: IndexMatrix | IndexPanel) -> str:
    scale = result.meta.get("scale")
    return f"{result.name} (0-{scale:g})" if isinstance(scale, (int, float)) and scale else result.name


def report_heatmap(report: RegionalReport, *, composition: Literal["fixed", "by-year"] = "fixed",
                   diverging: bool = False, ax: Axes | None = None, max_countries: int = 40,
                   source: str | None = None) -> Figure:
    """The last year's complementarity of every pair of countries (``report.heatmap``): the
    group's members (of `composition` in that year) first, bold and framed, then the other
    countries ranked by complementarity with the group (the candidate partners); at most
    `max_countries` per axis. The colour scale spans the 2nd-98th percentile of the values
    (`diverging`: colours diverge from the median); a country with itself is hatched, a pair
    without trade grey."""
    check_choice("composition", composition, COMPOSITIONS)
    if report.heatmap is None:
        fail("report", "a report with a complementarity matrix for the last year", "none (no flows that year)")
    last = report.years[-1]
    members = sorted(r["reporter"] for r in report._rows("grubel_lloyd", composition=composition, year=last))
    ranked = report.tables["candidate_partners"].column("country").to_pylist() \
        if report.tables["candidate_partners"].num_rows else None
    which = (f"the fixed composition (the {_fixed_year(report)} members)" if composition == "fixed"
             else f"the {last} members")
    title = (f"Trade complementarity between countries, {last}\n{report.group} members first, then the other "
             f"countries by complementarity with {report.group}")
    paragraphs = [f"Products: all products (full trade profiles); classification: {report.classification}. "
                  f"Highlighted: {report.group} members of {which}: {' '.join(members) or 'none in the data'}. "
                  "Trade complementarity (Michaely 1996), 0-100: 100 when the exporter's (row) shares of products in "
                  "its exports equal the importer's (column) shares in its imports.",
                  source_line(_report_source(report, source), [last])]
    return _draw_heatmap(report.heatmap, highlight=members, ranked=ranked, diverging=diverging, ax=ax,
                         max_countries=max_countries, title=title, paragraphs=paragraphs,
                         highlighted=f"{report.group} members")


def _meta_products(meta: Mapping[str, Any]) -> str:
    """"engineering (204 codes)" from a result's meta."""
    selection = meta.get("product_selection")
    counts = meta.get("products")
    counts = sorted(set(counts.values())) if isinstance(counts, dict) else [counts] if counts is not None else []
    n = (f"{counts[0]:,}" if len(counts) == 1 else f"{counts[0]:,}-{counts[-1]:,}") if counts else None
    text = "all products" if selection in (None, "all") else ", ".join(map(str, np.atleast_1d(selection)))
    return text + (f" ({n} codes)" if n else "")


def _meta_groups(meta: Mapping[str, Any]) -> str:
    """"EAEU: BLR KAZ RUS (2014), ARM BLR KAZ KGZ RUS (2015)" from a result's meta["groups"]."""
    by_year = meta.get("groups") or {}
    names = dict.fromkeys(g for groups in by_year.values() if isinstance(groups, dict) for g in groups)
    parts = []
    for g in names:
        lists = {y: " ".join(map(str, groups[g] or [])) or "all" for y, groups in by_year.items() if g in groups}
        if len(set(lists.values())) == 1:
            parts.append(f"{g}: {next(iter(lists.values()))} (every year)")
        else:
            parts.append(f"{g}: members of each year (" + "; ".join(f"{y}: {m}" for y, m in lists.items()) + ")")
    return "; ".join(parts)


def _result_paragraphs(result: IndexMatrix | IndexPanel, years: Sequence[int | None], source: str | None) -> list[str]:
    groups = _meta_groups(result.meta)
    notes = result.meta.get("notes") or []
    notes = [n for v in notes.values() for n in np.atleast_1d(v)] if isinstance(notes, dict) else np.atleast_1d(notes)
    classification = result.meta.get("classification", "not recorded")
    return [f"Products: {_meta_products(result.meta)}; classification: {classification}."
            + (f" Groups: {groups}." if groups else ""),
            " ".join(dict.fromkeys(map(str, notes))), source_line(source, years)]


def heatmap(matrix: IndexMatrix, *, highlight: str | Iterable[str] = (), diverging: bool = False,
            ax: Axes | None = None, max_countries: int = 40, source: str | None = None) -> Figure:
    """An IndexMatrix as a heatmap (``IndexMatrix.plot()``): rows x columns, `highlight`
    (labels) first, bold and framed; over `max_countries` per axis, the highlighted entries and
    the others with the highest mean value. Colour scale and missing cells as
    :func:`report_heatmap`; the footer gives the product set, classification, groups and
    `source`."""
    title = f"{matrix.name[:1].upper()}{matrix.name[1:]}" + (f", {matrix.year}" if matrix.year is not None else "")
    marked = [highlight] if isinstance(highlight, str) else list(highlight or ())
    return _draw_heatmap(matrix, highlight=[str(h) for h in marked], ranked=None, diverging=diverging, ax=ax,
                         max_countries=max_countries, title=title,
                         paragraphs=_result_paragraphs(matrix, [matrix.year], source))


# -- panels --------------------------------------------------------------------------------------
MAX_PAIRS = 20


def panel_lines(panel: IndexPanel, rows: Countries | None = None, cols: Countries | None = None, *,
                ax: Axes | None = None, source: str | None = None) -> Figure:
    """An IndexPanel's values over the years for chosen (row, col) pairs (``IndexPanel.plot()``):
    one line per pair of `rows` x `cols` (labels, codes or names; default all), a country's
    pair with itself left out; at most 20 pairs. Markers at the years with a value; the y axis
    fitted to the values (it says so when it does not start at 0)."""
    from .result import _positions, _self_pairs
    ri, ci = (np.atleast_1d(_positions(labels, codes, slice(None) if keys is None else keys, name))
              for labels, codes, keys, name in ((panel.rows, panel.row_codes, rows, panel.row_name),
                                                (panel.cols, panel.col_codes, cols, panel.col_name)))
    same = _self_pairs(panel.rows[ri], panel.row_codes[ri], panel.cols[ci], panel.col_codes[ci])
    pairs = [(i, j) for a, i in enumerate(ri) for b, j in enumerate(ci) if not same[a, b]]
    if not pairs or len(pairs) > MAX_PAIRS:
        fail("rows", f"rows= and cols= giving 1 to {MAX_PAIRS} (row, col) pairs to draw (a country with itself "
             "left out)", f"{len(pairs)} pairs")
    years = list(panel.years)
    canvas = _single(ax, (7.5, 4.2))
    fig, ax = canvas.fig, canvas.axes[0]
    for n, (i, j) in enumerate(pairs):
        ax.plot(years, panel.values[:, i, j], label=f"{panel.rows[i]} → {panel.cols[j]}",
                color=PALETTE[n % len(PALETTE)], marker=MARKERS[n % len(MARKERS)], ls=DASHES[n % len(DASHES)],
                ms=5, lw=1.6)
    scale = panel.meta.get("scale")
    low, high, start = _limits([panel.values[:, i, j] for i, j in pairs],
                               scale if isinstance(scale, (int, float)) and scale else None)
    ax.set_ylim(low, high)
    _year_axis(ax, years)
    ax.set_xlabel("year")
    ax.set_ylabel(_unit(panel) + (f"\n({start})" if start else ""))
    ax.legend(title=f"{panel.row_name} → {panel.col_name}", fontsize=7, title_fontsize=7, frameon=False,
              loc="center left", bbox_to_anchor=(1.01, 0.5))
    _title(canvas, f"{panel.name[:1].upper()}{panel.name[1:]}, {_span(years)}")
    paragraphs = _result_paragraphs(panel, years, source)
    _footer(canvas, paragraphs[:2] + ["Markers at the years with a value."] + paragraphs[2:])
    return fig


# -- the report's files ----------------------------------------------------------------------------
def _save(make: Callable[[], Figure], path: PathLike) -> PathLike:
    plt = _plt()
    fig = make()
    try:
        fig.savefig(path, dpi=DPI)
    finally:
        plt.close(fig)
    return path


def report_charts(report: RegionalReport, source: str | None = None) -> dict[str, Callable[[PathLike], PathLike]]:

    """{file name: function writing that PNG at a path} for the report's charts
    (:meth:`RegionalReport.write`): the four charts with the fixed composition and, where a
    group's members change over the years, the three member charts with each year's members too.
    Raises ImportError without matplotlib."""
    _plt()
    charts = {"complementarity_members": member_complementarity, "grubel_lloyd_within_vs_global": grubel_lloyd_lines,
              "intra_group_share": share_lines}
    # (a lambda with a default argument, f=f binding each chart, is one mypy cannot infer: [misc])
    out: dict[str, Callable[[PathLike], PathLike]] = {
        f"{name}.png": (lambda path, f=f: _save(lambda: f(report, source=source), path))  # type: ignore[misc]  # (above)
        for name, f in charts.items()}
    out["complementarity_heatmap.png"] = lambda path: _save(lambda: report_heatmap(report, source=source), path)
    if any(_changes(report, g) for g in _groups(report)):
        out.update({f"{name}_by_year.png": (lambda path, f=f: _save(  # type: ignore[misc]  # the same
            lambda: f(report, composition="by-year", source=source), path)) for name, f in charts.items()})
    return out
