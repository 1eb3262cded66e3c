"""Numbers a referee accepts: group composition over time, groups before they existed, members
absent from the data, custom groups, stable country labels across Belgium-Luxembourg's split."""
import warnings

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import tradeindex as ti

CODES = {"ARM": 51, "BLR": 112, "KAZ": 398, "KGZ": 417, "RUS": 643}


@pytest.fixture(scope="module")
def flip():
    """A 2014-2015 panel where the EAEU's composition change flips the sign of Russia's change
    (as importer, vs the rest of the group). BLR and KAZ export only product 01, ARM and KGZ only
    02. Russia imports 01/02 as 200/200 in 2014 and 300/200 in 2015. In 2015 ARM also sells 200 of
    02 to Germany. By year, the rest is BLR+KAZ in 2014 (exports only 01: TC 50) and all four in
    2015 (300/400 vs 300/200: TC 100 * (3/7 + 2/5) = 82.86): +32.9. With the 2015 members in both
    years: 100 in 2014 (200/200 vs 200/200), 82.86 in 2015: -17.1."""
    rows = [(2014, "BLR", "RUS", "01", 100.0), (2014, "KAZ", "RUS", "01", 100.0),
            (2014, "ARM", "RUS", "02", 100.0), (2014, "KGZ", "RUS", "02", 100.0),
            (2015, "BLR", "RUS", "01", 150.0), (2015, "KAZ", "RUS", "01", 150.0),
            (2015, "ARM", "RUS", "02", 100.0), (2015, "KGZ", "RUS", "02", 100.0),
            (2015, "ARM", "DEU", "02", 200.0),
            (2014, "RUS", "DEU", "03", 10.0), (2015, "RUS", "DEU", "03", 10.0)]
    codes = {**CODES, "DEU": 276}
    y, e, i, k, v = zip(*rows)
    return ti.TradeFlows.from_arrays([codes[c] for c in e], [codes[c] for c in i], list(k), np.array(v),
                                     year=np.array(y))


TC_2015 = 100 * (3 / 7 + 2 / 5)


def test_membership_sign_flip_in_the_index_functions(flip):
    by_year = ti.complementarity(flip, groups="EAEU")
    fixed = ti.complementarity(flip, groups="EAEU", membership="fixed")
    rest = {2014: ["BLR", "KAZ"], 2015: ["ARM", "BLR", "KAZ", "KGZ"]}
    for year, want, want_fixed in ((2014, 50.0, 100.0), (2015, TC_2015, TC_2015)):
        assert ti.complementarity(flip, years=year, groups={"R": rest[year]}).loc["R", "RUS"] == pytest.approx(want)
        assert ti.complementarity(flip, years=year, groups={"R": rest[2015]}).loc["R", "RUS"] == pytest.approx(want_fixed)
    assert fixed.meta["membership"] == "fixed" and fixed.meta["groups"][2014]["EAEU"] == ["ARM", "BLR", "KAZ", "KGZ", "RUS"]
    assert by_year.meta["groups"][2014]["EAEU"] == ["BLR", "KAZ", "RUS"]
    given = ti.complementarity(flip, groups="EAEU", membership=2014)
    assert given.meta["groups"][2015]["EAEU"] == ["BLR", "KAZ", "RUS"]


def test_report_change_uses_one_composition_and_shows_the_by_year_change(flip):
    r = ti.regional_report(flip, "EAEU")
    change = r.tables["complementarity_change"].to_pandas()
    row = change[(change.reporter == "RUS") & (change.reporter_as == "importer")].iloc[0]
    assert row.change == pytest.approx(TC_2015 - 100) and row.change_by_year == pytest.approx(TC_2015 - 50)  # the sign flips
    assert row.partner_members_first == row.partner_members_last == "ARM BLR KAZ KGZ"
    assert row.partner_members_first_by_year == "BLR KAZ"
    assert any("the members change within 2014-2015" in n for n in r.notes)
    assert "| RUS | EAEU (rest) | importer | 82.9 | -17.1 | 32.9 |" in r.to_markdown()
    by_year_report = ti.regional_report(flip, "EAEU", membership="by-year")
    change = by_year_report.tables["complementarity_change"].to_pandas()
    assert change[(change.reporter == "RUS") & (change.reporter_as == "importer")].iloc[0].change == pytest.approx(TC_2015 - 50)


def test_a_panel_that_starts_before_the_group_existed(eaeu_flows):
    """EAEU from 2010: a 2008-2009 year gives the group NaN with a note; the rest is computed."""
    codes = eaeu_flows.countries.code
    early = ti.TradeFlows.from_arrays(codes[eaeu_flows.exporter], codes[eaeu_flows.importer],
                                      eaeu_flows.products.code[eaeu_flows.product], eaeu_flows.value,
                                      year=np.where(eaeu_flows.year == 2014, 2009, 2015))
    with pytest.warns(UserWarning, match=r"EAEU has no member in the data in 2009 \(before it existed"):
        tc = ti.complementarity(early, groups="EAEU")
    assert np.isnan(tc[2009].loc["EAEU"].values).all() and not np.isnan(tc[2015].loc["EAEU", "DEU"])
    assert not np.isnan(tc[2009].loc["RUS", "DEU"])
    r = ti.regional_report(early, "EAEU", products="84")
    assert any("EAEU has no members in 2009 (before it existed)" in n for n in r.notes)
    gl = r.tables["grubel_lloyd"].to_pandas()
    assert set(gl[(gl.composition == "fixed") & (gl.year == 2009)].reporter) == {"ARM", "BLR", "KAZ", "KGZ", "RUS"}


def test_members_absent_from_the_data_are_said(sample):
    with pytest.warns(UserWarning, match="G7: GBR is not in the data in 1989-1990; left out of the group there"):
        tc = ti.complementarity(sample, years=[1989, 1990], groups="G7")
    assert tc.meta["groups_absent"][1990] == {"G7": ["GBR"]}
    assert "GBR" not in tc.meta["groups"][1990]["G7"] and len(tc.meta["groups"][1990]["G7"]) == 6
    assert any("GBR is not in the data" in n for n in tc.meta["notes"])


def test_reporters_may_be_a_group(eaeu_flows):
    gl = ti.grubel_lloyd(eaeu_flows, by="country", reporters="EAEU", partners="EAEU")
    assert list(gl[2014].rows[~np.isnan(gl[2014].values[:, 0])]) == ["BLR", "KAZ", "RUS"]
    assert list(gl.rows) == ["ARM", "BLR", "KAZ", "KGZ", "RUS"]


def test_custom_group_with_membership_by_year(eaeu_flows):
    g = ti.Group("Union", {"BLR": 2010, "KAZ": 2010, "RUS": 2010, "ARM": (2015, None), "DEU": (2000, 2014)})
    tc = ti.complementarity(eaeu_flows, groups=g)
    assert tc.meta["groups"][2014]["Union"] == ["BLR", "DEU", "KAZ", "RUS"]
    assert tc.meta["groups"][2015]["Union"] == ["ARM", "BLR", "KAZ", "RUS"]
    with pytest.raises(ValueError, match=r"members\['X'\] must be a \(first, last\) pair with last >= first"):
        ti.Group("Bad", {"X": (2015, 2010)})
    with pytest.raises(TypeError, match="members must be a non-empty dict"):
        ti.Group("Bad", [])


@pytest.fixture(scope="module")
def belgium(tmp_path_factory):
    """BEL as Belgium-Luxembourg (58) in 1998 and as Belgium (56) in 1999, as BACI codes them."""
    rows = [(1998, 58, 276, "01", 5.0), (1998, 276, 58, "02", 4.0), (1998, 251, 58, "01", 3.0),
            (1999, 56, 276, "01", 6.0), (1999, 276, 56, "02", 4.0), (1999, 251, 56, "01", 2.0),
            (1998, 251, 276, "01", 1.0), (1999, 251, 276, "02", 1.0)]
    y, e, i, k, v = zip(*rows)
    flows = ti.TradeFlows.from_arrays(np.array(e), np.array(i), list(k), np.array(v), year=np.array(y))
    folder = tmp_path_factory.mktemp("bel")
    table = pa.table({"t": np.array(y, np.int32), "i": np.array(e, np.int32), "j": np.array(i, np.int32),
                      "k": list(k), "v": np.array(v)})
    for year in (1998, 1999):
        pq.write_table(table.filter(pa.compute.equal(table["t"], year)), folder / f"BACI_HS92_Y{year}_V1.parquet")
    return flows, ti.scan_baci(folder)


def test_belgium_labels_are_stable_across_1998_1999(belgium):
    flows, lazy = belgium
    assert list(flows.countries.label) == ["BEL", "BEL(58)", "FRA", "DEU"]
    only_1999 = flows.select(years=1999)
    assert "BEL" in list(only_1999.countries.label)  # the label does not depend on the selection
    for source in (flows, lazy):
        tc = ti.complementarity(source, self_pairs=True)
        assert "BEL(58)" in list(tc.rows) and "BEL" in list(tc.rows)
        assert np.isnan(tc[1999].loc["BEL(58)", "DEU"]) and not np.isnan(tc[1998].loc["BEL(58)", "DEU"])
        assert tc[1998].loc[58, 276] == tc[1998].loc["BEL(58)", "DEU"]  # numeric codes as keys
        assert tc[1999].loc["Belgium", "Germany"] == tc[1999].loc["BEL", "DEU"]  # names as keys
        both = ti.complementarity(source, exporters=["BEL"], importers=["DEU"])
        assert list(both.rows) == ["BEL", "BEL(58)"]  # the ISO3 gives both codes, where present
        table = tc.to_arrow()
        assert set(table.filter(pa.compute.equal(table["exporter"], "BEL(58)"))["exporter_code"].to_pylist()) == {58}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert list(ti.complementarity(lazy, years=1999, exporters=["BEL"], importers=["DEU"]).rows) == ["BEL"]
