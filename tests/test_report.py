"""The regional report: every table against an independent pandas computation on the sample."""
import numpy as np
import pytest

import reference as ref
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
    assert len(t) == 2 * 2 * 4 * 2 * 2  # compositions x years x members x partners x roles
    assert set(t.composition) == {"fixed", "by-year"} and set(t.products) == {"all products"}
    for row in t.itertuples():
        rest = [c for c in MERCOSUR if c != row.reporter] if row.partner == "MERCOSUR (rest)" else NAFTA
        assert row.partner_members == " ".join(rest)
        want = (_tc(df, row.year, [row.reporter], rest) if row.reporter_as == "exporter"
                else _tc(df, row.year, rest, [row.reporter]))
        assert row.trade_complementarity == pytest.approx(want, abs=1e-9)
        want = (ref.intensity_pandas_groups(df, row.year, [row.reporter], rest) if row.reporter_as == "exporter"
                else ref.intensity_pandas_groups(df, row.year, rest, [row.reporter]))
        assert row.trade_intensity == pytest.approx(want, rel=1e-10)
    change = report.tables["complementarity_change"].to_pandas()
    r = change[(change.reporter == "BRA") & (change.partner == "NAFTA") & (change.reporter_as == "importer")].iloc[0]
    assert r.change == pytest.approx(_tc(df, 1990, NAFTA, ["BRA"]) - _tc(df, 1989, NAFTA, ["BRA"]), abs=1e-9)
    assert r.change_by_year == pytest.approx(r.change, abs=1e-12)  # a fixed list: the same members every year


def _gl(df, year, member, partners):
    d = df[(df.t == year) & df.k.str[:2].isin([str(c) for c in range(84, 91)])]
    x = d[(d.i == member) & (d.j.isin(partners) if partners else d.j != member)].groupby("k").v.sum()
    m = d[(d.j == member) & (d.i.isin(partners) if partners else d.i != member)].groupby("k").v.sum()
    x, m = x.align(m, fill_value=0.0)
    return 100 * ((x + m) - (x - m).abs()).sum() / (x + m).sum()


def test_grubel_lloyd_within_vs_global(report, df):
    t = report.tables["grubel_lloyd"].to_pandas()
    assert len(t) == 2 * 8 and set(t.classification) == {"HS92"} and t.products.str.startswith("engineering").all()
    for row in t.itertuples():
        rest = [c for c in MERCOSUR if c != row.reporter]
        assert row.grubel_lloyd_within == pytest.approx(_gl(df, row.year, row.reporter, rest), abs=1e-9)
        assert row.grubel_lloyd_global == pytest.approx(_gl(df, row.year, row.reporter, None), abs=1e-9)


def test_intra_group_share(report, df):
    t = report.tables["intra_group_share"].to_pandas()
    d = df[df.k.str[:2].isin([str(c) for c in range(84, 91)])]
    for row in t.itertuples():
        y = d[d.t == row.year]
        x = y[y.i == row.reporter]
        m = y[y.j == row.reporter]
        assert row.export_share == pytest.approx(100 * x[x.j.isin(MERCOSUR)].v.sum() / x.v.sum(), abs=1e-9)
        assert row.import_share == pytest.approx(100 * m[m.i.isin(MERCOSUR)].v.sum() / m.v.sum(), abs=1e-9)


def test_candidate_partners(report, df):
    t = report.tables["candidate_partners"].to_pandas()
    assert set(t.country) == set(df.i.unique()) - set(MERCOSUR)
    top = t.iloc[0]
    assert top["rank"] == 1 and (t["mean"].diff().dropna() <= 1e-12).all()
    assert top.trade_complementarity_country_exports == pytest.approx(_tc(df, 1990, [top.country], MERCOSUR), abs=1e-9)
    assert top.trade_complementarity_group_exports == pytest.approx(_tc(df, 1990, MERCOSUR, [top.country]), abs=1e-9)
    tii = ref.intensity_pandas_groups
    for row in t.itertuples():
        assert row.trade_intensity_country_exports == pytest.approx(tii(df, 1990, [row.country], MERCOSUR), rel=1e-10)
        assert row.trade_intensity_group_exports == pytest.approx(tii(df, 1990, MERCOSUR, [row.country]), rel=1e-10)


def test_rca_in_the_product_set(report, df):
    """RCA of each member in each engineering product, with all-goods denominators: the pandas
    RCA over all products, then the engineering rows (0 where the member does not export it)."""
    t = report.tables["rca"].to_pandas()
    engineering = sorted(k for k in df.k.unique() if k[:2] in {str(c) for c in range(84, 91)})
    assert len(t) == 2 * 2 * 4 * len(engineering)  # compositions x years x members x products
    assert list(t.columns) == ["year", "reporter", "composition", "product", "rca", "products", "classification"]
    for year in (1989, 1990):
        expected = ref.rca_pandas(df[df.t == year])
        got = t[(t.year == year) & (t.composition == "fixed")].set_index(["reporter", "product"]).rca
        traded = got.index.isin(expected.index)
        np.testing.assert_allclose(got[traded], expected.loc[got.index[traded]], rtol=1e-10)
        assert (got[~traded] == 0).all()


def test_marginal_iit(report, df):
    t = report.tables["marginal_iit"].to_pandas()
    d = df[df.k.str[:2].isin([str(c) for c in range(84, 91)])]
    for row in t.itertuples():
        rest = [c for c in MERCOSUR if c != row.reporter]
        flows = {}
        for year in (1989, 1990):
            y = d[d.t == year]
            flows[year] = (y[(y.i == row.reporter) & y.j.isin(rest)].groupby("k").v.sum(),
                           y[(y.j == row.reporter) & y.i.isin(rest)].groupby("k").v.sum())
        idx = sorted(set().union(*[set(s.index) for pair in flows.values() for s in pair]))
        dx = flows[1990][0].reindex(idx, fill_value=0) - flows[1989][0].reindex(idx, fill_value=0)
        dm = flows[1990][1].reindex(idx, fill_value=0) - flows[1989][1].reindex(idx, fill_value=0)
        want = 100 * (1 - (dx - dm).abs().sum() / (dx.abs() + dm.abs()).sum())
        assert row.marginal_iit_a_within == pytest.approx(want, abs=1e-9)


def test_write_and_markdown(report, tmp_path):
    paths = report.write(tmp_path / "out")
    names = {p.name for p in paths}
    assert {"summary.md", "complementarity.csv", "grubel_lloyd.parquet", "candidate_partners.csv",
            "groups.csv", "manifest.json"} <= names
    assert paths[-1].name == "manifest.json"  # written last: a report without it is incomplete
    text = (tmp_path / "out" / "summary.md").read_text()
    assert "Table II. Grubel-Lloyd" in text and "| ARG | MERCOSUR (rest) | exporter |" in text
    assert "## Trade intensity (Kojima) of each member, 1989 and 1990" in text and "## RCA in engineering" in text
    tii = report.tables["complementarity"].to_pandas().set_index(["year", "reporter", "partner", "reporter_as", "composition"])
    row = f"| BRA | NAFTA | importer | {tii.trade_intensity[1989, 'BRA', 'NAFTA', 'importer', 'fixed']:.1f} | " \
          f"{tii.trade_intensity[1990, 'BRA', 'NAFTA', 'importer', 'fixed']:.1f} |"
    assert row in text
    rca = report.tables["rca"].to_pandas()
    bra = rca[(rca.reporter == "BRA") & (rca.composition == "fixed") & (rca.year == 1990)].dropna()
    best = bra.sort_values("rca", ascending=False).iloc[0]
    assert f"| BRA | {(rca[(rca.reporter == 'BRA') & (rca.composition == 'fixed') & (rca.year == 1989)].rca >= 1).sum()} of " \
           in text and f"{best['product']} ({best.rca:.1f})" in text
    assert {"rca.csv", "rca.parquet"} <= names
    with pytest.raises(FileExistsError, match="overwrite"):
        report.write(tmp_path / "out")
    pytest.importorskip("matplotlib")
    assert {"complementarity_heatmap.png", "grubel_lloyd_within_vs_global.png", "intra_group_share.png"} <= names


def test_group_without_members_in_any_year(sample):
    """Built-in MERCOSUR starts in 1991: the 1989-1990 sample has no members in any year."""
    with pytest.raises(ValueError, match=r"group must be a group with members in the years asked; found MERCOSUR "
                                         r"has no members in 1989-1990"):
        regional_report(sample, "MERCOSUR")


def test_eaeu_membership_in_a_panel(eaeu_flows):
    """Armenia joins the EAEU in 2015: by year it is a member only in 2015; with the fixed
    (2015) composition it is one in both years, and the change uses the same partners."""
    r = regional_report(eaeu_flows, "EAEU", products="84")
    gl = r.tables["grubel_lloyd"].to_pandas()
    by_year = gl[gl.composition == "by-year"]
    assert set(by_year[by_year.year == 2014].reporter) == {"BLR", "KAZ", "RUS"}
    assert set(by_year[by_year.year == 2015].reporter) == {"ARM", "BLR", "KAZ", "KGZ", "RUS"}
    assert set(gl[(gl.composition == "fixed") & (gl.year == 2014)].reporter) == {"ARM", "BLR", "KAZ", "KGZ", "RUS"}
    groups = r.tables["groups"].to_pandas()
    assert sorted(groups[(groups.year == 2014) & (groups.composition == "by-year")].member) == ["BLR", "KAZ", "RUS"]
    assert any("the members change within 2014-2015 (in 2015)" in n for n in r.notes)
    tc = r.tables["complementarity"].to_pandas()
    rus = tc[(tc.reporter == "RUS") & (tc.reporter_as == "importer") & (tc.partner == "EAEU (rest)")]
    fixed = rus[rus.composition == "fixed"].set_index("year")
    assert set(fixed.partner_members) == {"ARM BLR KAZ KGZ"}  # the same partners in both years
    by = rus[rus.composition == "by-year"].set_index("year")
    assert by.partner_members[2014] == "BLR KAZ" and by.partner_members[2015] == "ARM BLR KAZ KGZ"
    change = r.tables["complementarity_change"].to_pandas()
    row = change[(change.reporter == "RUS") & (change.reporter_as == "importer") & (change.partner == "EAEU (rest)")].iloc[0]
    assert row.change == pytest.approx(fixed.trade_complementarity[2015] - fixed.trade_complementarity[2014])
    assert row.change_by_year == pytest.approx(by.trade_complementarity[2015] - by.trade_complementarity[2014])
    assert row.change != pytest.approx(row.change_by_year)


def test_one_group_expected(sample):
    with pytest.raises(ValueError, match=r"compare must be one group: a built-in group name or \{name: \[ISO3, ...\]\}; "
                                         r"found 2 groups \(A, B\)"):
        regional_report(sample, {"MERCOSUR": MERCOSUR}, compare={"A": ["USA"], "B": ["CAN"]})


def test_member_without_trade_in_the_product_set(sample):
    """Uruguay trades no aircraft (HS 8802) in 1989: its product-set rows are NaN that year
    (never 0, never an error); the other members and years are computed."""
    r = regional_report(sample, {"MERCOSUR": MERCOSUR}, products="8802")
    for name, cols in (("grubel_lloyd", ["grubel_lloyd_within", "grubel_lloyd_global"]),
                       ("intra_group_share", ["export_share", "import_share"])):
        t = r.tables[name].to_pandas().set_index(["year", "reporter", "composition"])
        assert t.loc[(1989, "URY", "fixed"), cols].isna().all()
        assert t.loc[(1990, "BRA", "fixed"), cols].notna().all()
    rca = r.tables["rca"].to_pandas().set_index(["year", "reporter", "composition", "product"]).rca
    assert rca[1989, "URY", "fixed", "8802"] == 0.0  # a true zero: Uruguay exports other goods
