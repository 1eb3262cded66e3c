"""Country labels and keys, country groups by year, product sets, HS -> SITC Rev.3 conversion."""
import csv
from importlib import resources

import numpy as np
import pytest

import tradeindex
from tradeindex import codes
from tradeindex.codes import GROUPS, CountryTable, country_codes, country_label, resolve_groups

#: The four ISO3s with two codes in the bundled tables: (current code, historic code).
SHARED_ISO3 = {"BEL": (56, 58), "DEU": (276, 280), "SDN": (729, 736), "ITA": (380, 381)}


@pytest.mark.parametrize("iso3", SHARED_ISO3)
def test_label_depends_on_the_code_alone(iso3):
    current, other = SHARED_ISO3[iso3]
    want = {current: iso3, other: f"{iso3}({other})"}
    for selection in ([current, other], [current], [other], [other, 4, current], [other, 12345]):
        table, _ = CountryTable.from_codes(selection)
        got = dict(zip(table.code.tolist(), table.label.tolist()))
        assert {c: got[c] for c in want if c in got} == {c: want[c] for c in selection if c in want}
        assert table.take(np.arange(len(table)) == 0).label[0] == got[table.code[0]]  # a subset keeps its labels
    assert country_label(current) == iso3 and country_label(np.int16(other)) == f"{iso3}({other})"


def test_labels_of_the_reference_are_unique_and_one_per_iso3():
    ref = codes.country_reference()
    labels = [country_label(c) for c in ref]
    assert len(set(labels)) == len(ref)
    plain = [c for c in ref if country_label(c) == (ref[c][0] or str(c))]
    assert sorted(ref[c][0] for c in plain) == sorted({iso for iso, _ in ref.values()})
    assert {iso: [c for c in ref if ref[c][0] == iso] for iso in SHARED_ISO3} == \
        {iso: list(pair) for iso, pair in SHARED_ISO3.items()}
    assert sum(country_label(c) != ref[c][0] for c in ref) == len(SHARED_ISO3)


@pytest.fixture
def reference(monkeypatch):
    """Swap in a made-up reference table (the lookups are rebuilt from it, then restored)."""
    def use(table):
        monkeypatch.setattr(codes, "country_reference", lambda: table)
        codes._country_index.cache_clear()
    yield use
    codes._country_index.cache_clear()


def test_current_code_by_name_then_lowest(reference):
    reference({5: ("AAA", "Aland (...1990)"), 9: ("AAA", "Aland"),  # the end year decides
               3: ("BBB", "Bland"), 7: ("BBB", "Bland (customs union)"),  # no end year: the lowest
               2: ("CCC", "Cland (...1991)"), 4: ("CCC", "Cland (...2001)")})  # all ended: the lowest
    assert [country_label(c) for c in (5, 9, 3, 7, 2, 4)] == ["AAA(5)", "AAA", "BBB", "BBB(7)", "CCC", "CCC(4)"]


def test_unknown_codes_and_free_text():
    table, position = CountryTable.from_codes(["firm-7", "BEL(58)", " bel ", "RUS", "Belgium"])
    assert table.code.tolist() == [56, 58, 643, -1, -1]  # text: an ISO3 is its current code; labels
    assert table.label.tolist() == ["BEL", "BEL(58)", "RUS", "Belgium", "firm-7"]
    assert position.tolist() == [4, 1, 0, 2, 3]
    ids = lambda keys: table.ids(keys, "countries").tolist()
    assert ids("Belgium") == [0, 3] and ids("firm-7") == [4] and ids("BEL") == [0, 1] and ids(["RUS", 643]) == [2]
    with pytest.raises(ValueError, match=r"found 'FIRM-7'$"):
        ids("FIRM-7")  # free text is matched as written
    table, _ = CountryTable.from_codes([12345, 58])
    assert table.label.tolist() == ["BEL(58)", "12345"] and table.iso3.tolist() == ["BEL", "12345"]
    assert country_label(12345) == "12345"


def test_keys_in_a_panel_spanning_belgium_luxembourg():
    f = tradeindex.TradeFlows.from_arrays([58, 56, 276, 643], [276, 276, 56, 56], ["01", "01", "01", "01"],
                                          [1.0, 2.0, 3.0, 4.0], year=[1998, 1999, 1999, 1999])
    assert f.countries.label.tolist() == ["BEL", "BEL(58)", "DEU", "RUS"]
    ids = lambda keys: f.countries.code[f.countries.ids(keys, "countries")].tolist()
    assert ids("BEL") == ids(" bel ") == [56, 58]
    assert ids("BEL(58)") == ids("bel(58)") == ids(58) == ids(np.int64(58)) == ids("58") == ids("058") == [58]
    assert ids("Belgium") == ids("BELGIUM") == [56]
    assert ids("Belgium-Luxembourg") == ids("belgium-luxembourg (...1998)") == [58]
    assert ids("russian federation") == [643]
    assert ids(["BEL(58)", "DEU", 643]) == ids(np.array([58, 276, 643])) == [58, 276, 643]
    assert f.select(years=1998).countries.label.tolist() == ["BEL(58)", "DEU"]  # same label alone
    assert f.select(exporters="BEL").exporter.size == 2


def test_key_errors():
    f = tradeindex.TradeFlows.from_arrays([58, 276], [276, 58], ["01", "01"], [1.0, 2.0])
    for keys, found in [("XYZ", "'XYZ'"), (["DEU", "Belgium"], "'Belgium'"), ([56, "Narnia"], "56, 'Narnia'"),
                        ("BEL(56)", "'BEL(56)'"), (5.0, "5.0"), (True, "True")]:
        with pytest.raises(ValueError) as err:
            f.countries.ids(keys, "exporters")
        assert str(err.value) == f"exporters must be countries present in these flows (2 in all); found {found}"
    with pytest.raises(ValueError, match=r"^exporters must be countries present in these flows \(2 in all\); found 'XYZ'"):
        f.select(exporters=["DEU", "XYZ"])


def test_country_codes_from_the_reference_alone():
    assert country_codes("BEL").tolist() == [56, 58]
    assert country_codes(["bel(58)", "Germany", "DEU(280)", " 842 ", np.int32(999), 4]).tolist() == [4, 58, 276, 280,
                                                                                                     842, 999]
    assert country_codes(["Sudan"]).tolist() == [729, 736] and country_codes("Sudan (...2011)").tolist() == [736]
    assert country_codes("Italy").tolist() == [380, 381] and country_codes("ITA(381)").tolist() == [381]
    assert country_codes("russian federation").tolist() == [643] and country_codes([]).dtype == np.int64
    n = len(codes.country_reference())
    with pytest.raises(ValueError) as err:
        country_codes(["BEL", "Narnia", 5.5, "BEL(56)"], "exporters")
    assert str(err.value) == ("exporters must be countries of the bundled code tables, given as ISO3 ('BEL'), label "
                              f"('BEL(58)'), numeric code or name ({n} in all); found 'Narnia', 5.5, 'BEL(56)'")
    with pytest.raises(TypeError, match=r"^code must be a numeric country code \(an integer\); found '56'"):
        country_label("56")


def test_every_text_key_names_one_iso3():
    ref = codes.country_reference()
    for key, found in codes._country_index()[2].items():
        assert len({ref[c][0] for c in found}) == 1, key


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
    f = tradeindex.TradeFlows.from_arrays([4, 4, 8], [8, 8, 4], ["870323", "999999", "870323"], [9.0, 1.0, 10.0],
                                          hs="HS92")
    with pytest.warns(UserWarning, match=r"1 HS92 codes without an SITC Rev.3 match \(999999\): 1 flows, "
                                         r"5.000% of value, left out"):
        s = f.convert("sitc3")
    assert len(s) == 2 and "5.000% of value" in s.notes[0]
    with pytest.raises(ValueError, match=r"products must be HS92 codes with an SITC Rev.3 match"):
        f.convert("sitc3", unmapped="error")


def test_convert_wrong_revision_is_an_error():
    """A wrong hs= that leaves more than a quarter of the value unmapped is an error, not a warning."""
    f = tradeindex.TradeFlows.from_arrays([4, 4, 8], [8, 8, 4], ["870323", "999999", "870323"], [1.0, 3.0, 4.0],
                                          hs="HS92")
    with pytest.raises(ValueError, match=r"hs must be the HS revision of the flows' codes \(with HS92, more than 25% "
                                         r"of the value has no SITC Rev.3 match\); found 'HS92'; .*37.500% of value"):
        f.convert("sitc3")


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


def test_convert_drops_a_country_whose_every_flow_is_unmapped():
    """Afghanistan (4) trades only monetary gold (no SITC code): it leaves the code table."""
    f = tradeindex.TradeFlows.from_arrays([4, 8, 12], [8, 12, 8], ["710820", "847130", "847130"], [1.0, 10.0, 30.0],
                                          hs="HS17")
    with pytest.warns(UserWarning, match="710820"):
        s = f.convert("sitc3")
    assert list(s.countries.code) == [8, 12] and len(s) == 2
