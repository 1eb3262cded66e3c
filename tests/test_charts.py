"""Charts: what each figure shows (axes, lines, titles, footers, scales), on the sample report and
on a 2014-2015 EAEU panel whose membership changes (Armenia and Kyrgyzstan join in 2015). No
image comparison; figures are built, not drawn, except where a file is written."""
import dataclasses

import numpy as np
import pytest

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.colors import TwoSlopeNorm  # noqa: E402
from matplotlib.text import Text  # noqa: E402

import tradeindex  # noqa: E402
from tradeindex import charts  # noqa: E402
from tradeindex.report import regional_report  # noqa: E402

SAMPLE = "UN Comtrade sample (zerotradeflow), 1989-1990"


@pytest.fixture(scope="module")
def mercosur(sample):
    return regional_report(sample, {"MERCOSUR": ["ARG", "BRA", "PRY", "URY"]},
                           compare={"NAFTA": ["CAN", "MEX", "USA"]}, products="engineering")


@pytest.fixture(scope="module")
def eaeu(eaeu_flows):
    return regional_report(eaeu_flows, "EAEU", compare={"DE": ["DEU"]}, products="84")


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def texts(fig):
    return [t.get_text() for t in fig.findobj(Text) if t.get_text()]


def joined(fig):
    return " ".join(" ".join(texts(fig)).split())  # wrapped lines joined again


def series(ax):
    """The data lines of an Axes (not the composition-change markers)."""
    return [line for line in ax.lines if not line.get_label().startswith("_")]


MEMBER_CHARTS = {"plot_complementarity": 4, "plot_grubel_lloyd": 2, "plot_shares": 2}  # lines per panel
TABLES = {"plot_complementarity": "complementarity", "plot_grubel_lloyd": "grubel_lloyd",
          "plot_shares": "intra_group_share"}


@pytest.mark.parametrize("name", MEMBER_CHARTS)
@pytest.mark.parametrize("which", ["mercosur", "eaeu"])
@pytest.mark.parametrize("composition", ["fixed", "by-year"])
def test_member_charts(request, name, which, composition):
    report = request.getfixturevalue(which)
    fig = getattr(report, name)(composition=composition, source=SAMPLE)
    members = {"mercosur": ["ARG", "BRA", "PRY", "URY"], "eaeu": ["ARM", "BLR", "KAZ", "KGZ", "RUS"]}[which]
    assert [ax.get_title().split(" (axis")[0] for ax in fig.axes] == members  # one panel per member, in order
    assert all(len(series(ax)) == MEMBER_CHARTS[name] for ax in fig.axes)
    assert all(list(series(ax)[0].get_xdata()) == report.years for ax in fig.axes)
    text = joined(fig)
    span = f"{report.years[0]}-{report.years[-1]}"
    assert any(span in t and f"each {report.group} member" in t for t in texts(fig))  # the title
    assert f"Source: {SAMPLE} via tradeindex {tradeindex.__version__}." in text
    products = report.tables[TABLES[name]]["products"][0].as_py()  # "all products" for complementarity
    assert f"Products: {products};" in text
    assert f"classification: {report.classification}" in text
    assert ("fixed: the " if composition == "fixed" else "members of each year") in text


def test_study_chart_series(mercosur):
    """Member as exporter solid, as importer dashed; rest of the group and comparison group in
    two colours and markers; values are the table's."""
    fig = mercosur.plot_complementarity()
    ax = fig.axes[0]  # ARG
    labels = [line.get_label() for line in series(ax)]
    assert labels == ["member's exports vs the rest of MERCOSUR's imports",
                      "the rest of MERCOSUR's exports vs member's imports",
                      "member's exports vs NAFTA's imports", "NAFTA's exports vs member's imports"]
    assert [line.get_linestyle() for line in series(ax)] == ["-", "--", "-", "--"]
    assert len({line.get_color() for line in series(ax)}) == 2 and len({line.get_marker() for line in series(ax)}) == 2
    want = [r["trade_complementarity"] for r in mercosur._rows("complementarity", composition="fixed", reporter="ARG",
                                                               partner="NAFTA", reporter_as="importer")]
    assert list(series(ax)[3].get_ydata()) == want
    assert "Trade complementarity of each MERCOSUR member with the rest of MERCOSUR and with NAFTA, 1989-1990" \
        in joined(fig)


def test_membership_change_is_marked(eaeu):
    """By year, Armenia has no value in 2014 (not a member: a gap, no marker) and a dotted line
    marks where the members change; the fixed composition names its year and the change."""
    fig = eaeu.plot_complementarity(composition="by-year")
    arm = fig.axes[0]
    assert all(np.isnan(line.get_ydata()[0]) and not np.isnan(line.get_ydata()[1]) for line in series(arm))
    for ax in fig.axes:
        assert [list(line.get_xdata()) for line in ax.lines if line.get_label().startswith("_")] == [[2014.5, 2014.5]]
    assert "2015: ARM, KGZ join" in texts(fig)
    fixed = joined(eaeu.plot_complementarity())
    assert "fixed: the 2015 members in every year (EAEU: ARM BLR KAZ KGZ RUS; DE: DEU)" in fixed
    assert "2015: EAEU: ARM, KGZ join" in fixed
    assert "fixed: the 2015 members in every year (EAEU: ARM BLR KAZ KGZ RUS);" in joined(eaeu.plot_shares())


def test_axes_fit_the_data(mercosur, eaeu):
    """Shares of a few percent get their own axis (from 0); index values share one axis fitted
    to them, which says when it does not start at 0."""
    fig = mercosur.plot_shares()
    bra = fig.axes[1]
    top = np.nanmax([line.get_ydata() for line in series(bra)])
    assert top < 10 and bra.get_ylim()[0] == 0 and bra.get_ylim()[1] <= 2 * top
    assert bra.get_title() == "BRA (axis 0-10)" and "each panel its own scale" in joined(fig)
    fig = eaeu.plot_complementarity()
    lows = {ax.get_ylim() for ax in fig.axes}
    assert len(lows) == 1 and 0 < lows.pop()[0] <= 71.28  # shared; the lowest value is 71.3
    assert "axis starts at" in joined(fig)
    fig = mercosur.plot_grubel_lloyd()
    assert {ax.get_ylim()[0] for ax in fig.axes} == {0.0}  # PRY near 0: one axis from 0


def test_heatmap(mercosur):
    fig = mercosur.plot_heatmap(source=SAMPLE)
    ax, colorbar = fig.axes
    rows = [t.get_text() for t in ax.get_yticklabels()]
    assert rows[:4] == ["ARG", "BRA", "PRY", "URY"] and len(rows) == 23
    assert rows[4:7] == mercosur.tables["candidate_partners"].column("country").to_pylist()[:3]
    assert [t.get_fontweight() for t in ax.get_yticklabels()[:5]] == ["bold"] * 4 + ["normal"]
    image = ax.images[0]
    values = mercosur.heatmap.values[np.isfinite(mercosur.heatmap.values)]
    lo, hi = np.percentile(values, [2, 98])  # the scale fits the data, not 0-100
    assert image.norm.vmin == pytest.approx(lo, abs=1) and image.norm.vmax == pytest.approx(hi, abs=1)
    assert sum(p.get_hatch() == "/////" for p in ax.patches) == 23  # every country with itself
    text = joined(fig)
    assert "Trade complementarity between countries, 1990" in text and f"Source: {SAMPLE}" in text
    assert "Products: all products" in text and "classification: HS92" in text
    assert "a country with itself (not defined)" in texts(fig)
    div = mercosur.plot_heatmap(diverging=True).axes[0].images[0].norm
    assert isinstance(div, TwoSlopeNorm) and div.vcenter == pytest.approx(np.median(values), abs=0.5)


def test_heatmap_keeps_members_and_best_candidates(mercosur):
    fig = mercosur.plot_heatmap(max_countries=10)
    ax = fig.axes[0]
    ranked = mercosur.tables["candidate_partners"].column("country").to_pylist()
    assert [t.get_text() for t in ax.get_xticklabels()] == ["ARG", "BRA", "PRY", "URY"] + ranked[:6]
    assert "Shown: 10 of the 23 exporters and 10 of the 23 importers" in joined(fig)


def test_heatmap_no_trade_cells_are_grey(eaeu):
    values = eaeu.heatmap.values.copy()
    values[0, 1] = np.nan  # a pair without trade
    fig = dataclasses.replace(eaeu.heatmap, values=values).plot(highlight=["ARM"])
    assert "n/a: no trade in the selection" in texts(fig)
    assert np.ma.getmaskarray(fig.axes[0].images[0].get_array())[0, 1]  # drawn in the 'bad' colour
    assert fig.axes[0].images[0].cmap.get_bad()[:3] == pytest.approx(matplotlib.colors.to_rgb(charts.NA_GREY))


def test_matrix_and_panel_plots(sample):
    panel = tradeindex.complementarity(sample, groups={"M": ["ARG", "BRA"]}, products="engineering")
    fig = panel.plot(rows=["M", "USA"], cols=["BRA", "USA"])
    ax = fig.axes[0]
    assert [line.get_label() for line in ax.lines] == ["M → BRA", "M → USA", "USA → BRA"]  # USA -> USA left out
    assert list(ax.lines[2].get_ydata()) == list(panel.loc[:, "USA", "BRA"].values())
    text = joined(fig)
    assert "Trade complementarity, 1989-1990" in text and "Products: engineering (204 codes)" in text
    assert "classification: HS92" in text and "Groups: M: ARG BRA" in text and "Source:" in text
    fig = panel[1990].plot(highlight="USA", source="test data")
    assert fig.axes[0].get_yticklabels()[0].get_text() == "USA" and "Source: test data via" in joined(fig)
    with pytest.raises(ValueError, match=r"rows must be rows= and cols= giving 1 to 20 \(row, col\) pairs to draw "
                                         r"\(a country with itself left out\); found 552 pairs"):
        panel.plot()
    with pytest.raises(ValueError, match="kind must be one of 'heatmap'; found 'bars'"):
        panel[1990].plot("bars")


def test_drawing_into_given_axes(mercosur):
    fig, axes = plt.subplots(1, 2)
    assert mercosur.plot_complementarity(members=["ARG", "BRA"], ax=axes) is fig
    assert [len(series(a)) for a in axes] == [4, 4]
    assert axes[0].get_title().startswith("ARG: Trade complementarity")
    assert any("Source:" in t for t in texts(fig))
    fig, ax = plt.subplots()
    assert mercosur.plot_heatmap(ax=ax) is fig and mercosur.plot_shares(members="URY", ax=ax) is fig


def test_errors(mercosur):
    with pytest.raises(ValueError, match=r"composition must be one of 'fixed', 'by-year'; found 'yearly'"):
        mercosur.plot_shares(composition="yearly")
    with pytest.raises(ValueError, match=r"members must be members of the report's group: ARG, BRA, PRY, URY; "
                                         r"found 'USA'"):
        mercosur.plot_grubel_lloyd(members=["USA"])
    fig, ax = plt.subplots()
    with pytest.raises(ValueError, match=r"ax must be one Axes per panel \(4: ARG, BRA, PRY, URY\), or members= "
                                         r"naming one member per Axes given; found 1 Axes"):
        mercosur.plot_complementarity(ax=ax)


def test_write_and_vector_output(eaeu, eaeu_flows, tmp_path, monkeypatch):
    """report.write() writes every chart as PNG (and, where the members change, the member charts
    by year too); the same figures save as SVG and PDF."""
    monkeypatch.setattr(charts, "DPI", 30)  # fast; the files are what is tested
    small = regional_report(eaeu_flows, {"KR": ["KAZ", "RUS"]}, years=2015)  # few panels: fast to draw
    paths = small.write(tmp_path / "out")
    pngs = sorted(p.name for p in paths if p.suffix == ".png")
    assert pngs == ["complementarity_heatmap.png", "complementarity_members.png",
                    "grubel_lloyd_within_vs_global.png", "intra_group_share.png"]
    assert all((tmp_path / "out" / n).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" for n in pngs)
    assert sorted(charts.report_charts(eaeu)) == sorted(pngs + ["complementarity_members_by_year.png",
                                                               "grubel_lloyd_within_vs_global_by_year.png",
                                                               "intra_group_share_by_year.png"])
    fig = small.plot_shares(members="KAZ")
    fig.savefig(tmp_path / "shares.svg")
    fig.savefig(tmp_path / "shares.pdf")
    assert "<svg" in (tmp_path / "shares.svg").read_text()
    assert (tmp_path / "shares.pdf").read_bytes()[:5] == b"%PDF-"
