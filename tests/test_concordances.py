"""HS -> SITC Rev.3 concordances of every BACI revision, against their source CSV files."""
import re
from importlib import resources
from pathlib import Path

import numpy as np
import pytest

import tradeindex
from tradeindex import codes
from tradeindex.codes import CONVERTIBLE, concordance, concordance_table

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"
BUNDLED = resources.files("tradeindex") / "data"
SPELLINGS = {"HS92": ["HS92", "hs92", "HS88", "hs88", "H0", "h0"], "HS96": ["HS96", "hs96", "H1", "h1"],
             "HS02": ["HS02", "Hs02", "H2", "h2"], "HS07": ["HS07", "hs07", "H3", "h3"],
             "HS12": ["HS12", "hs12", "H4", "h4"], "HS17": ["HS17", "hs17", "H5", "h5"],
             "HS22": ["HS22", "hS22", "H6", "h6"]}
#: 4-digit HS headings where a revision's table and WITS HS92 / UNSD HS17 put the same 6-digit code
#: in different 3-digit SITC groups (source differences and reused codes; see data/README.md).
DIFFERING_HEADINGS = {
    "0306", "0307", "0308", "1103", "1207", "1211", "1601", "2852", "2937", "3006", "3306", "3823", "3825",
    "4101", "4823", "7019", "7112", "8443", "8456", "8466", "8485", "8486", "8508", "8517", "8523", "8529",
    "8536", "8542", "8543", "8548", "9021", "9022", "9619"}


def _source(revision):
    """The source file of a revision: ../shared/data when present, else the bundled copy."""
    name = f"{revision.lower()}_to_sitc3.csv"
    return (SHARED / name) if (SHARED / name).exists() else BUNDLED / name


def _read(revision):
    """{HS code: SITC text} of a source file, read by splitting lines (the HS92 file quotes its
    descriptions, so its SITC code is found by pattern: the field after the HS description)."""
    lines = _source(revision).read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    if header == [revision.lower(), "sitc3"]:
        return dict(line.split(",") for line in lines[1:])
    out = {}
    for line in lines[1:]:  # hs92,hs92_description,sitc3,sitc3_description
        match = re.fullmatch(r'(\d{6}),(?:"[^"]*"|[^",]*),(\d{3,5}),.*', line)
        out[match.group(1)] = match.group(2)
    return out


@pytest.mark.skipif(not SHARED.exists(), reason=f"{SHARED} not found (needs ../shared beside the repository)")
@pytest.mark.parametrize("revision", CONVERTIBLE)
def test_bundled_copies_are_the_sources(revision):
    name = f"{revision.lower()}_to_sitc3.csv"
    assert (BUNDLED / name).read_bytes() == (SHARED / name).read_bytes()


@pytest.mark.parametrize("revision", CONVERTIBLE)
def test_concordance_against_source(revision):
    source, table = _read(revision), concordance(revision)
    rng = np.random.default_rng(sum(map(ord, revision)))
    first_group = next(iter(source.values()))[:3]
    sample = set(rng.choice(sorted(source), 300, replace=False)) | {k for k, v in source.items()
                                                                   if v[:3] == first_group}
    for code in sample:
        if source[code].isdigit():
            assert table[code] == source[code], code
        else:
            assert code not in table, code
    # nothing else: the table is the source's codes with an SITC code, plus BACI's 271000
    assert set(table) == {k for k, v in source.items() if v.isdigit()} | {"271000"}
    assert all(v.isdigit() and 3 <= len(v) <= 5 for v in table.values())


@pytest.mark.parametrize("revision", CONVERTIBLE)
def test_concordance_table_is_the_mapping(revision):
    hs, sitc = concordance_table(revision)
    assert hs.dtype.kind == sitc.dtype.kind == "U" and len(hs) == len(sitc)
    assert (hs[1:] > hs[:-1]).all()  # sorted, no repeats
    assert dict(zip(hs.tolist(), sitc.tolist())) == dict(concordance(revision))
    with pytest.raises(ValueError, match="read-only"):
        hs[0] = "000000"
    with pytest.raises(TypeError):
        concordance(revision)["000000"] = "001"


@pytest.mark.parametrize("revision", CONVERTIBLE)
def test_baci_petroleum_code_maps_to_334(revision):
    source = _read(revision)
    assert ("271000" in source) == (revision in ("HS92", "HS96"))  # the tables that have it
    assert concordance(revision)["271000"][:3] == "334"
    if "271000" in source:
        assert concordance(revision)["271000"] == source["271000"]


@pytest.mark.parametrize("revision", CONVERTIBLE)
def test_no_counterpart_stays_unmapped(revision):
    table = concordance(revision)
    assert "710820" not in table  # monetary gold
    assert "711890" not in table  # legal-tender coin ('II000' in the HS12 table)
    assert table["710812"][:3] == "971"  # non-monetary gold is mapped


def test_unmapped_gold_reported_by_convert():
    f = tradeindex.TradeFlows.from_arrays([4, 4, 8], [8, 8, 4], ["847130", "710820", "271000"], [3.0, 1.0, 4.0],
                                          hs="H4")
    with pytest.warns(UserWarning, match=r"1 HS12 codes without an SITC Rev.3 match \(710820\): 1 flows, 12.500%"):
        s = f.convert("sitc3")
    assert dict(zip(s.products.code[s.product].tolist(), s.value.tolist())) == {"334": 4.0, "752": 3.0}


@pytest.mark.parametrize("revision", CONVERTIBLE)
def test_every_spelling(revision):
    for spelling in SPELLINGS[revision] + [f" {revision.lower()} "]:
        assert codes.hs_revision(spelling) == revision
        assert concordance(spelling) is concordance(revision)
        assert concordance_table(spelling)[0] is concordance_table(revision)[0]
    assert set(SPELLINGS) == set(CONVERTIBLE)


@pytest.mark.parametrize("bad", ["HS2017", "H7", "SITC3", "", 17])
def test_unknown_revision(bad):
    expected = ("hs must be an HS revision with an SITC Rev.3 concordance: HS92 (HS88, H0), HS96 (H1), "
                "HS02 (H2), HS07 (H3), HS12 (H4), HS17 (H5), HS22 (H6); found " + repr(bad))
    for function in (concordance, concordance_table):
        with pytest.raises(ValueError) as err:
            function(bad)
        assert str(err.value) == expected


def test_no_revision_recorded():
    with pytest.raises(ValueError, match=r"hs must be the HS revision of the flows \(e.g. 'HS92'\).*found none recorded"):
        concordance(None)


def _differing(revision, reference):
    new, ref = _read(revision), _read(reference)
    shared = sorted(new.keys() & ref.keys() - {"710820", "711890"})  # no SITC code on one side
    return shared, [c for c in shared if new[c][:3] != ref[c][:3]]


@pytest.mark.parametrize("revision", ["HS96", "HS02", "HS07", "HS12"])
def test_groups_agree_with_wits_hs92(revision):
    shared, differ = _differing(revision, "HS92")
    assert len(shared) > 4000
    assert differ == (["120760"] if revision == "HS12" else [])  # safflower seeds: WITS 222, UNSD 223


@pytest.mark.parametrize("reference", ["HS92", "HS17"])
@pytest.mark.parametrize("revision", CONVERTIBLE)
def test_groups_differ_only_in_known_headings(revision, reference):
    shared, differ = _differing(revision, reference)
    assert len(shared) > 3900
    assert {c[:4] for c in differ} <= DIFFERING_HEADINGS
    assert len(differ) <= 0.011 * len(shared)
