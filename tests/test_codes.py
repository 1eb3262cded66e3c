"""Country groups by year, product sets, HS -> SITC Rev.3 conversion."""
import csv
from importlib import resources

import numpy as np
import pytest

import tradeindex
from tradeindex.codes import GROUPS, resolve_groups


def test_group_membership_by_year():
    assert "ARM" not in GROUPS["EAEU"].members(2014) and "ARM" in GROUPS["EAEU"].members(2015)
    assert sorted(GROUPS["EAEU"].members(2010)) == ["BLR", "KAZ", "RUS"]
    assert sorted(GROUPS["EAEU"].members()) == ["ARM", "BLR", "KAZ", "KGZ", "RUS"]
    assert "GBR" in GROUPS["EU28"].members(2020) and "GBR" not in GROUPS["EU28"].members(2021)
    assert "GBR" not in GROUPS["EU28"].members()  # current membership
    assert len(GROUPS["EU27"].members()) == 27 and "HRV" not in GROUPS["EU27"].members(2012)
    assert len(GROUPS["EU28"].members(2019)) == 28
    assert set(GROUPS["BRICS"].members(2024)) >= {"BRA", "RUS", "IND", "CHN", "ZAF", "EGY", "ETH", "IRN", "ARE"}
    assert "VEN" in GROUPS["MERCOSUR"].members(2013) and "VEN" not in GROUPS["MERCOSUR"].members(2017)


def test_resolve_groups():
    assert resolve_groups({"X": ["RUS", "KAZ"]}) == {"X": ["RUS", "KAZ"]}
    assert sorted(resolve_groups("EAEU", year=2014)["EAEU"]) == ["BLR", "KAZ", "RUS"]
    assert set(resolve_groups(["G7", "NAFTA"])) == {"G7", "NAFTA"}
    assert resolve_groups({"Union": "eaeu"}, year=2016)["Union"] == GROUPS["EAEU"].members(2016)
    with pytest.raises(ValueError, match=r"groups must be a dict \{name: \[ISO3, ...\]\} or names of built-in groups .*found 'NOPE'"):
        resolve_groups("NOPE")
    with pytest.raises(ValueError, match=r"groups must be a dict \{name: \[ISO3, ...\]\} or names of built-in groups .*found 5"):
        resolve_groups(5)
    assert list(resolve_groups("eaeu")) == ["EAEU"]


def test_product_sets(sample):
    eng = sample.select(products="engineering")
    assert {c[:2] for c in eng.products.code} == {str(c) for c in range(84, 91)}
    ht = sample.select(products=["high-tech"])
    assert set(ht.products.code) <= {c for c in sample.products.code if c in
                                     tradeindex.codes.PRODUCT_SETS["high-tech"]["HS"]}
    assert "8471" in ht.products.code


def _concordance(name):
    with resources.files("tradeindex").joinpath("data", name).open() as fh:
        rows = list(csv.DictReader(fh))
    return {r[next(iter(r))]: r["sitc3"] for r in rows}


def test_convert_against_python_merge(baci_slice_path):
    pd = pytest.importorskip("pandas")
    f = tradeindex.read_baci(baci_slice_path)
    s = f.convert("sitc3", digits=3)
    table = _concordance("hs17_to_sitc3.csv")
    table["271000"] = "334"
    df = pd.DataFrame({"e": f.exporter, "i": f.importer, "k": f.products.code[f.product], "v": f.value})
    df["s"] = df.k.map(table).str[:3]
    assert df.s.notna().all()
    want = df.groupby(["e", "i", "s"]).v.sum()
    assert len(s) == len(want)
    got = pd.Series(s.value, index=pd.MultiIndex.from_arrays(
        [s.countries.code[s.exporter], s.countries.code[s.importer], s.products.code[s.product]]))
    want.index = want.index.set_levels([f.countries.code[want.index.levels[0]], f.countries.code[want.index.levels[1]],
                                        want.index.levels[2]])
    np.testing.assert_allclose(got.sort_index().values, want.sort_index().values, rtol=1e-12)
    assert s.products.classification == "SITC3" and "SITC3 (from HS17)" in repr(s)
    assert set(s.select(products="engineering").products.code) == {c for c in s.products.code if c.startswith("7")}


def test_convert_reports_unmapped():
    f = tradeindex.TradeFlows.from_arrays([4, 4, 8], [8, 8, 4], ["870323", "999999", "870323"], [1.0, 3.0, 4.0],
                                          hs="HS92")
    with pytest.warns(UserWarning, match=r"1 HS codes without an SITC Rev.3 match \(999999\): 1 flows, 37.500% of value, dropped"):
        s = f.convert("sitc3")
    assert len(s) == 2 and "37.500% of value" in s.notes[0]
    with pytest.raises(ValueError, match=r"products must be HS codes with an SITC Rev.3 match"):
        f.convert("sitc3", unmapped="error")


def test_convert_errors(sample):
    with pytest.raises(ValueError, match=r"products must be 6-digit HS codes .*found 4-digit codes"):
        sample.convert("sitc3")
    f = tradeindex.TradeFlows.from_arrays([4], [8], ["847130"], [1.0])
    with pytest.raises(ValueError, match=r"hs must be the HS revision of the flows .*found none recorded"):
        f.convert("sitc3")
    with pytest.raises(ValueError, match=r"hs must be an HS revision with an SITC Rev.3 concordance: HS92 .*found 'HS2017'"):
        f.convert("sitc3", hs="HS2017")
    assert f.convert("sitc3", hs="h4").products.code.tolist() == ["752"]  # every BACI revision converts
    with pytest.raises(ValueError, match=r"to must be one of 'sitc3'; found 'sitc4'"):
        f.convert("sitc4", hs="HS92")
