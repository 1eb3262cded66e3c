"""PNG charts of the regional report (matplotlib, the optional [plot] extra)."""
import numpy as np


def _plt():
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    return plt


def _save(fig, path, plt):
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return path


def report_charts(report):
    """{file name: function writing that chart at a path} for the report's charts."""
    plt = _plt()
    names = {"complementarity_heatmap.png": _heatmap, "grubel_lloyd_within_vs_global.png": _gl_bars,
             "intra_group_share.png": _share_lines}
    return {name: (lambda path, f=f: f(report, path, plt)) for name, f in names.items()}


def _heatmap(report, out, plt, max_countries=40):
    """Complementarity of all pairs in the last year, group members first and highlighted."""
    tc = report.heatmap
    members = sorted({r["reporter"] for r in report._rows("grubel_lloyd", composition="fixed", year=report.years[-1])})
    countries = [str(x) for x in tc.rows]
    others = [c for c in countries if c not in members]
    subtitle = f"{report.group} members in red"
    if len(members) + len(others) > max_countries:  # keep the best candidates legible
        ranked = report.tables["candidate_partners"].column("country").to_pylist()
        others = [c for c in ranked if c in others][:max_countries - len(members)]
        subtitle += f", then the {len(others)} best-ranked candidate partners"
    order = members + others
    sub = tc.loc[order, order].values
    fig, ax = plt.subplots(figsize=(2 + 0.28 * len(order), 1.5 + 0.28 * len(order)))
    im = ax.imshow(sub, cmap="viridis", vmin=0, vmax=100)
    ax.set_xticks(range(len(order)), order, rotation=90, fontsize=8)
    ax.set_yticks(range(len(order)), order, fontsize=8)
    for lab in ax.get_xticklabels() + ax.get_yticklabels():
        if lab.get_text() in members:
            lab.set_color("crimson")
            lab.set_fontweight("bold")
    k = len(members) - 0.5
    ax.plot([-0.5, k, k, -0.5, -0.5], [-0.5, -0.5, k, k, -0.5], color="crimson", lw=2)
    ax.set_xlabel("importer")
    ax.set_ylabel("exporter")
    ax.set_title(f"Trade complementarity, {report.years[-1]} (0-100)\n{subtitle}")
    fig.colorbar(im, ax=ax, shrink=0.8, label="complementarity index (0-100)")
    return _save(fig, out, plt)


def _gl_bars(report, out, plt):
    """Grubel-Lloyd within the group vs in global trade, per member, last year."""
    t = report._rows("grubel_lloyd", composition="fixed")
    last = [r for r in t if r["year"] == report.years[-1]]
    names = [r["reporter"] for r in last]
    x = np.arange(len(names))
    fig, ax = plt.subplots(figsize=(max(5, 1.2 * len(names) + 2), 4))
    ax.bar(x - 0.2, [r["grubel_lloyd_within"] for r in last], 0.4, label=f"within {report.group}")
    ax.bar(x + 0.2, [r["grubel_lloyd_global"] for r in last], 0.4, label="global trade")
    ax.set_xticks(x, names)
    ax.set_ylim(0, 100)
    ax.set_ylabel("Grubel-Lloyd index (0-100)")
    ax.set_title(f"Intra-industry trade in {report.products}, {report.years[-1]}")
    ax.legend()
    return _save(fig, out, plt)


def _share_lines(report, out, plt):
    """Share of each member's trade in the product set with the group, over the years."""
    t = report._rows("intra_group_share", composition="fixed")
    fig, ax = plt.subplots(figsize=(8.5, 4))
    for m in dict.fromkeys(r["reporter"] for r in t):
        rows = [r for r in t if r["reporter"] == m]
        line, = ax.plot([r["year"] for r in rows], [r["export_share"] for r in rows], marker="o", label=f"{m} exports")
        ax.plot([r["year"] for r in rows], [r["import_share"] for r in rows], marker="s", ls="--",
                color=line.get_color(), label=f"{m} imports")
    ax.set_xticks(report.years, [str(y) for y in report.years])
    ax.set_ylim(0, 100)
    ax.set_xlabel("year")
    ax.set_ylabel(f"% of the member's trade\nin {report.products}")
    ax.set_title(f"Trade with the rest of {report.group} (exports solid, imports dashed)")
    ax.legend(fontsize=7, loc="center left", bbox_to_anchor=(1.01, 0.5))
    return _save(fig, out, plt)
