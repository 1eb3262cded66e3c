"""The regional report: every table against an independent pandas computation on the sample."""
import numpy as np
import pytest

import tradeindex
from tradeindex.report import regional_report

pd = pytest.importorskip("pandas")
MERCOSUR = ["ARG", "BRA", "PRY", "URY"]
NAFTA = ["CAN", "MEX", "USA"]


@pytest.fixture(scope="module")
def report(sample):
    return regional_report(sample, {"MERCOSUR": MERCOSUR}, compare={"NAFTA": NAFTA}, products="engineering")


@pytest.fixture(scope="module")
def df(sample):
    label = sample.countries.label  # what the report's tables show (Italy 381 is 'ITA(381)')
    return pd.DataFrame({"t": sample.year, "i": label[sample.exporter], "j": label[sample.importer],
                         "k": sample.products.code[sample.product], "v": sample.value})


def _shares(df, year, who, side):
    """Share vector over products of the summed trade of `who` (exports: column i, imports: j)."""
    col = "i" if side == "x" else "j"
    s = df[(df.t == year) & df[col].isin(who)].groupby("k").v.sum()
    return s / s.sum()


def _tc(df, year, exporters, importers):
    x, m = _shares(df, year, exporters, "x"), _shares(df, year, importers, "m")
    x, m = x.align(m, fill_value=0.0)
    return 100 * (1 - 0.5 * (x - m).abs().sum())


def test_complementarity_table(report, df):
    t = report.tables["complementarity"].to_pandas()
    assert len(t) == 2 * 4 * 2 * 2  # years x members x partners x roles
    for row in t.itertuples():
        rest = [c for c in MERCOSUR if c != row.member] if row.partner == "MERCOSUR (rest)" else NAFTA
        want = (_tc(df, row.year, [row.member], rest) if row.member_as == "exporter"
                else _tc(df, row.year, rest, [row.member]))
        assert row.tc == pytest.approx(want, abs=1e-9)
    change = report.tables["complementarity_change"].to_pandas()
    r = change[(change.member == "BRA") & (change.partner == "NAFTA") & (change.member_as == "importer")].iloc[0]
    assert r.change == pytest.approx(_tc(df, 1990, NAFTA, ["BRA"]) - _tc(df, 1989, NAFTA, ["BRA"]), abs=1e-9)


def _gl(df, year, member, partners):
    d = df[(df.t == year) & df.k.str[:2].isin([str(c) for c in range(84, 91)])]
    x = d[(d.i == member) & (d.j.isin(partners) if partners else d.j != member)].groupby("k").v.sum()
    m = d[(d.j == member) & (d.i.isin(partners) if partners else d.i != member)].groupby("k").v.sum()
    x, m = x.align(m, fill_value=0.0)
    return 100 * ((x + m) - (x - m).abs()).sum() / (x + m).sum()


def test_grubel_lloyd_within_vs_global(report, df):
    t = report.tables["grubel_lloyd"].to_pandas()
    assert len(t) == 8
    for row in t.itertuples():
        rest = [c for c in MERCOSUR if c != row.member]
        assert row.gl_within == pytest.approx(_gl(df, row.year, row.member, rest), abs=1e-9)
        assert row.gl_global == pytest.approx(_gl(df, row.year, row.member, None), abs=1e-9)


def test_intra_group_share(report, df):
    t = report.tables["intra_group_share"].to_pandas()
    d = df[df.k.str[:2].isin([str(c) for c in range(84, 91)])]
    for row in t.itertuples():
        y = d[d.t == row.year]
        x = y[y.i == row.member]
        m = y[y.j == row.member]
        assert row.export_share == pytest.approx(100 * x[x.j.isin(MERCOSUR)].v.sum() / x.v.sum(), abs=1e-9)
        assert row.import_share == pytest.approx(100 * m[m.i.isin(MERCOSUR)].v.sum() / m.v.sum(), abs=1e-9)


def test_candidate_partners(report, df):
    t = report.tables["candidate_partners"].to_pandas()
    assert set(t.country) == set(df.i.unique()) - set(MERCOSUR)
    top = t.iloc[0]
    assert top["rank"] == 1 and (t["mean"].diff().dropna() <= 1e-12).all()
    assert top.tc_country_exports == pytest.approx(_tc(df, 1990, [top.country], MERCOSUR), abs=1e-9)
    assert top.tc_group_exports == pytest.approx(_tc(df, 1990, MERCOSUR, [top.country]), abs=1e-9)


def test_marginal_iit(report, df):
    t = report.tables["marginal_iit"].to_pandas()
    d = df[df.k.str[:2].isin([str(c) for c in range(84, 91)])]
    for row in t.itertuples():
        rest = [c for c in MERCOSUR if c != row.member]
        flows = {}
        for year in (1989, 1990):
            y = d[d.t == year]
            flows[year] = (y[(y.i == row.member) & y.j.isin(rest)].groupby("k").v.sum(),
                           y[(y.j == row.member) & y.i.isin(rest)].groupby("k").v.sum())
        idx = sorted(set().union(*[set(s.index) for pair in flows.values() for s in pair]))
        dx = flows[1990][0].reindex(idx, fill_value=0) - flows[1989][0].reindex(idx, fill_value=0)
        dm = flows[1990][1].reindex(idx, fill_value=0) - flows[1989][1].reindex(idx, fill_value=0)
        want = 100 * (1 - (dx - dm).abs().sum() / (dx.abs() + dm.abs()).sum())
        assert row.a_within == pytest.approx(want, abs=1e-9)


def test_write_and_markdown(report, tmp_path):
    paths = report.write(tmp_path)
    names = {p.name for p in paths}
    assert {"summary.md", "complementarity.csv", "grubel_lloyd.parquet", "candidate_partners.csv"} <= names
    text = (tmp_path / "summary.md").read_text()
    assert "Table II. Grubel-Lloyd" in text and "| ARG | MERCOSUR (rest) | exporter |" in text
    pytest.importorskip("matplotlib")
    assert {"complementarity_heatmap.png", "grubel_lloyd_within_vs_global.png", "intra_group_share.png"} <= names


def test_membership_by_year(sample):
    """Built-in MERCOSUR starts in 1991: the 1989-1990 sample has no members, a clear error."""
    with pytest.raises(ValueError, match=r"group must be a group with members present in the flows in 1989; "
                                         r"found none \(MERCOSUR members in 1989: none\)"):
        regional_report(sample, "MERCOSUR")


def test_eaeu_membership_in_a_panel(eaeu_flows):
    """Armenia joins the EAEU in 2015: in a 2014-2015 panel it is a member only in 2015."""
    r = regional_report(eaeu_flows, "EAEU", products="84")
    gl = r.tables["grubel_lloyd"].to_pandas()
    assert set(gl[gl.year == 2014].member) == {"BLR", "KAZ", "RUS"}
    assert set(gl[gl.year == 2015].member) == {"ARM", "BLR", "KAZ", "KGZ", "RUS"}


def test_one_group_expected(sample):
    with pytest.raises(ValueError, match=r"compare must be one group: a built-in group name or \{name: \[ISO3, ...\]\}; "
                                         r"found 2 groups \(A, B\)"):
        regional_report(sample, {"MERCOSUR": MERCOSUR}, compare={"A": ["USA"], "B": ["CAN"]})
