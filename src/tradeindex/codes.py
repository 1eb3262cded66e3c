"""Code tables: countries, products, country groups and HS -> SITC Rev.3 concordances.

Countries come from the bundled BACI table (CEPII BACI V202401) plus
``data/country_codes_extra.csv`` (codes BACI's table lacks: 381 Italy, the UN Comtrade code of
the bundled sample and of BACI files before V202401). Each numeric code has an ISO3 and a name.

Country labels
--------------
The label of a numeric code depends on the code alone, never on the other countries of a table
or a selection, so one country keeps one label across years, panels and files:

- the *current* code of an ISO3 is labelled by the ISO3 (56 -> ``'BEL'``);
- every other code sharing that ISO3 is labelled ``ISO3(code)`` (58 -> ``'BEL(58)'``), always,
  also when it is the only code of that ISO3 in a table;
- a numeric code in neither table is labelled by its code as text (999 -> ``'999'``);
- a text code not in the tables (a firm, a region) keeps its text as label.

The current code of an ISO3 is the one whose reference name has no end year "(...YYYY)"; when
several have none, the lowest. The bundled tables have four shared ISO3s: BEL 56 (58 =
Belgium-Luxembourg, ...1998), DEU 276 (280 = Fed. Rep. of Germany, ...1990), SDN 729 (736 =
Sudan, ...2011) and ITA 380 (381, Italy's UN Comtrade code: the bundled sample shows
``'ITA(381)'``).

Country keys
------------
Wherever countries are selected (:meth:`CountryTable.ids`, :func:`country_codes`) a key is an
ISO3 (all codes with that ISO3: ``'BEL'`` gives 56 and 58), a label (``'BEL(58)'``), a numeric
code (an int, a NumPy integer or a digit string such as ``'58'``) or a country name
(case-insensitive, the whole name or the name without its closing remark in parentheses:
``'Belgium'``, ``'russian federation'``, ``'Sudan'`` for 729 and ``'Sudan (...2011)'`` = 736).

Concordances
------------
:func:`concordance` and :func:`concordance_table` map the 6-digit codes of every BACI HS
revision (:data:`CONVERTIBLE`) to SITC Rev.3 (see ``data/README.md`` for the sources). BACI's
own ``271000`` (petroleum oils it cannot split) maps to SITC group 334 where a table lacks it;
codes without an SITC Rev.3 counterpart (monetary gold ``710820``, legal-tender coin ``711890``)
stay unmapped, and the converter reports them.

Examples
--------
>>> from tradeindex import codes
>>> codes.country_label(56), codes.country_label(58), codes.country_label(999)
('BEL', 'BEL(58)', '999')
>>> codes.country_codes(["Belgium", "DEU", 381]).tolist()
[56, 276, 280, 381]
>>> codes.concordance("H3")["847130"]
'75220'
"""
from __future__ import annotations

import csv
import functools
import re
import types
from collections.abc import Callable, Iterable, Mapping, Sequence
from importlib import resources
from typing import TYPE_CHECKING, Any, TypeAlias

import numpy as np

from ._validation import check_known, fail

if TYPE_CHECKING:
    import numpy.typing as npt

    from ._typing import Countries, Groups, Products

#: When a country is a member of a Group: from a first year on, over (first, last) (last
#: inclusive; None: open), or always (None).
Span: TypeAlias = "int | tuple[int | None, int | None] | None"

#: A reference name ending in "(...YYYY)" (e.g. "Belgium-Luxembourg (...1998)") is a historic code.
_END_YEAR = re.compile(r"\(\.\.\.\d{4}\)\s*$")
_REMARK = re.compile(r"\s*\([^()]*\)\s*$")


def _read_data(name: str) -> list[dict[str, str]]:
    """Rows of a bundled CSV file in data/ as dicts."""
    with resources.files("tradeindex").joinpath("data", name).open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


@functools.lru_cache(maxsize=None)
def country_reference() -> dict[int, tuple[str, str]]:
    """{numeric code: (iso3, name)} from the bundled tables."""
    return {int(row["country_code"]): (row["country_iso3"], row["country_name"])
            for name in ("country_codes_V202401.csv", "country_codes_extra.csv") for row in _read_data(name)}


@functools.lru_cache(maxsize=None)
def _country_index() -> tuple[dict[int, str], dict[str, int], dict[str, list[int]]]:
    """The lookups built once from the reference: the label of each code, the code of each
    upper-cased label (an ISO3 is the label of its current code), and the codes of each
    upper-cased key (ISO3, label, name, name without its closing remark)."""
    ref = country_reference()
    by_iso: dict[str, list[int]] = {}
    for code in sorted(ref):
        by_iso.setdefault(ref[code][0] or str(code), []).append(code)
    label: dict[int, str] = {}
    for iso, codes in by_iso.items():
        current = next((c for c in codes if not _END_YEAR.search(ref[c][1])), codes[0])
        label.update({c: iso if c == current else f"{iso}({c})" for c in codes})
    keys: dict[str, list[int]] = {}
    for code, (iso3, name) in sorted(ref.items()):
        for key in dict.fromkeys(k.upper() for k in (iso3, label[code], name, _REMARK.sub("", name))):
            keys.setdefault(key, []).append(code)
    return label, {text.upper(): code for code, text in label.items()}, keys


def country_label(code: int | np.integer[Any]) -> str:
    """The stable label of one numeric country code (see the module notes): its ISO3 when it is
    the current code of that ISO3, ``ISO3(code)`` for another code of the same ISO3, the code as
    text when it is in neither bundled table.

    Examples
    --------
    >>> from tradeindex.codes import country_label
    >>> [country_label(c) for c in (276, 280, 4, 12345)]
    ['DEU', 'DEU(280)', 'AFG', '12345']
    """
    if isinstance(code, (bool, np.bool_)) or not isinstance(code, (int, np.integer)):
        fail("code", "a numeric country code (an integer)", repr(code), TypeError)
    return _country_index()[0].get(int(code), str(int(code)))


def _key_list(keys: Countries) -> list[Any]:
    """One key or an iterable of keys, as a list."""
    return [keys] if isinstance(keys, str) or not isinstance(keys, Iterable) else list(keys)


def _key_codes(key: object) -> list[int]:
    """Numeric codes a country key stands for: the code of an integer or a digit string (as given,
    known or not), the reference codes of an ISO3, label or name; [] for anything else."""
    if isinstance(key, (int, np.integer)) and not isinstance(key, (bool, np.bool_)):
        return [int(key)]
    if not isinstance(key, str):
        return []
    key = key.strip()
    return [int(key)] if key.isascii() and key.isdigit() else _country_index()[2].get(key.upper(), [])


def country_codes(keys: Countries, param: str = "countries") -> npt.NDArray[np.int64]:
    """Numeric codes of country keys, resolved against the bundled reference tables alone (no
    flows needed, e.g. to filter files by country before reading them).

    Parameters
    ----------
    keys : str, int or iterable of them
        ISO3 (all its codes), label (``'BEL(58)'``), numeric code (kept as given, even when not in
        the tables) or country name; see the module notes.
    param : str
        The parameter name used in the error message.

    Returns
    -------
    ndarray of int64
        The codes, sorted, without repeats.

    Raises
    ------
    ValueError
        For a key that is none of these.

    Examples
    --------
    >>> from tradeindex.codes import country_codes
    >>> country_codes("BEL").tolist(), country_codes(["DEU(280)", "58", 999]).tolist()
    ([56, 58], [58, 280, 999])
    """
    out: list[int] = []
    unknown: list[object] = []
    for key in _key_list(keys):
        codes = _key_codes(key)
        out.extend(codes) if codes else unknown.append(key)
    check_known(param, unknown, "countries", len(country_reference()),
                "of the bundled code tables, given as ISO3 ('BEL'), label ('BEL(58)'), numeric code or name")
    return np.unique(np.asarray(out, dtype=np.int64))


class CountryTable:
    """The countries of a TradeFlows: ``code`` (numeric, -1 for a text label not in the tables),
    ``iso3``, ``name`` and ``label`` (the stable label of each code, see the module notes); ids are
    positions, in numeric-code order (text-only labels last)."""

    def __init__(self, code: npt.ArrayLike, iso3: npt.ArrayLike, name: npt.ArrayLike) -> None:
        self.code = np.asarray(code, dtype=np.int64)
        self.iso3 = np.asarray(iso3, dtype=object)
        self.name = np.asarray(name, dtype=object)
        self.label = np.array([country_label(c) if c >= 0 else i for c, i in zip(self.code.tolist(), self.iso3)],
                              dtype=object)

    @classmethod
    def from_codes(cls, codes: Sequence[Any]) -> tuple[CountryTable, npt.NDArray[np.int32]]:
        """Table of unique numeric codes or text labels (ISO3, a label like 'BEL(58)', or free
        text), and the table position of each input code. An ISO3 stands for its current code."""
        ref, by_label = country_reference(), _country_index()[1]
        rows: list[tuple[str, int, str]] = []
        row_of: dict[int | str, int] = {}
        position = np.empty(len(codes), dtype=np.int32)
        for n, c in enumerate(codes):
            code = by_label.get(c.strip().upper(), -1) if isinstance(c, str) else int(c)
            key = code if code >= 0 else c.strip()  # 'rus' and 'RUS' (or 643) are one country
            if key not in row_of:
                iso3, name = ref.get(code, (c.strip(), c.strip()) if code < 0 else (str(code), ""))
                row_of[key] = len(rows)
                rows.append((iso3 or str(code), code, name))
            position[n] = row_of[key]
        # BACI order (numeric code), then text labels: BACI files are then sorted in id space.
        order = sorted(range(len(rows)), key=lambda n: (rows[n][1] < 0, rows[n][1], rows[n][0]))
        table = cls(*([rows[n][k] for n in order] for k in (1, 0, 2)))
        rank = np.empty(len(rows), dtype=np.int32)
        rank[order] = np.arange(len(rows), dtype=np.int32)
        return table, rank[position]

    def take(self, ids: npt.NDArray[Any]) -> CountryTable:
        return CountryTable(self.code[ids], self.iso3[ids], self.name[ids])

    def __len__(self) -> int:
        return len(self.code)

    def __repr__(self) -> str:
        return f"CountryTable({len(self)} countries: {', '.join(self.label[:12])}{' ...' if len(self) > 12 else ''})"

    def ids(self, keys: Countries, param: str) -> npt.NDArray[np.int64]:
        """Ids of the countries given by keys (one key or a list): an ISO3 (all codes with that
        ISO3), a label, a numeric code or a country name (see the module notes), or the text of a
        text-only label. A key that matches no country of this table is an error."""
        by_code, by_text = self._lookup
        out: list[int] = []
        unknown: list[object] = []
        for key in _key_list(keys):
            hit = [n for c in _key_codes(key) for n in by_code.get(c, ())]
            if isinstance(key, str):
                hit += by_text.get(key.strip(), [])
            out.extend(hit) if hit else unknown.append(key)
        check_known(param, unknown, "countries", len(self))
        return np.unique(np.asarray(out, dtype=np.int64))

    def __getstate__(self) -> dict[str, Any]:  # the lookup is a cache: not pickled (Dask ships tables to workers)
        return {k: v for k, v in vars(self).items() if k != "_lookup"}

    @functools.cached_property
    def _lookup(self) -> tuple[dict[int, list[int]], dict[str, list[int]]]:
        """({numeric code: [ids]}, {text-only label: [ids]}), built on the first :meth:`ids`."""
        by_code: dict[int, list[int]] = {}
        by_text: dict[str, list[int]] = {}
        for n, (c, label) in enumerate(zip(self.code.tolist(), self.label)):
            (by_code.setdefault(c, []) if c >= 0 else by_text.setdefault(label, [])).append(n)
        return by_code, by_text


class ProductTable:
    """The products of a TradeFlows: ``code`` strings (leading zeros kept), sorted, in a
    ``classification`` ("HS" or "SITC3")."""

    def __init__(self, code: npt.ArrayLike, classification: str = "HS") -> None:
        self.code = np.asarray(code, dtype=object)
        self.label = self.code
        self.classification = classification

    def take(self, ids: npt.NDArray[Any]) -> ProductTable:
        return ProductTable(self.code[ids], self.classification)

    def __len__(self) -> int:
        return len(self.code)

    def __repr__(self) -> str:
        return f"ProductTable({len(self)} products: {', '.join(self.code[:8])}{' ...' if len(self) > 8 else ''})"

    def ids(self, specs: Products, param: str) -> npt.NDArray[np.int64]:
        """Ids of products matching codes or prefixes; ranges like "84-90" expand to prefixes,
        named sets ("engineering", "high-tech") to their prefixes in this classification. A spec
        may state its classification ("hs:84-90", "sitc3:7"): it must be this table's."""
        codes = self.code.astype(str)
        hits: list[npt.NDArray[np.intp]] = []
        unknown: list[str] = []
        for cls, spec in product_specs(specs, param):  # each spec must match something
            if cls is not None and cls != self.classification:
                fail(param, f"codes of the flows' classification ({self.classification})",
                     f"{cls} codes {_SPEC_PREFIX[cls]}:{spec}" + (
                         "; convert the flows first (.convert('sitc3'), or classification='sitc3')"
                         if cls == "SITC3" else "; select HS codes before converting to SITC"))
            hit = np.flatnonzero(np.any([np.char.startswith(codes, p)
                                         for p in expand_product_spec(spec, self.classification, param)], axis=0))
            hits.append(hit) if len(hit) else unknown.append(spec)
        check_known(param, unknown, f"{self.classification} product codes or prefixes of codes", len(self))
        return np.unique(np.concatenate(hits)) if hits else np.zeros(0, np.int64)


#: Classification prefixes of product specs: "hs:84-90" (HS chapters 84 to 90), "sitc3:7".
_SPEC_CLASSIFICATION = {"hs": "HS", "sitc3": "SITC3", "sitc": "SITC3"}
_SPEC_PREFIX = {"HS": "hs", "SITC3": "sitc3"}


def product_specs(specs: Products, param: str = "products") -> list[tuple[str | None, str]]:
    """[(classification or None, spec)] of a products argument: a list, or comma-separated text.
    ``"hs:84-90"`` / ``"sitc3:7"`` state their classification; other specs are read in the
    flows' own classification."""
    if isinstance(specs, str):
        items = specs.split(",")
    elif isinstance(specs, (list, tuple, np.ndarray)):
        items = [str(x) for x in specs]
    else:
        fail(param, "product codes, prefixes, ranges or named sets (a list or comma-separated text)",
             repr(specs), TypeError)
    out: list[tuple[str | None, str]] = []
    for item in (x.strip() for x in items):
        if not item:
            continue
        head, colon, rest = item.partition(":")
        if colon:
            cls = _SPEC_CLASSIFICATION.get(head.strip().lower())
            if cls is None:
                fail(param, "a classification prefix hs: or sitc3: before the codes", repr(item))
            out.append((cls, rest.strip()))
        else:
            out.append((None, item))
    if not out:
        fail(param, "at least one product code, prefix, range or named set", repr(specs))
    return out


@functools.lru_cache(maxsize=None)
def _known_prefixes(classification: str, width: int) -> frozenset[str]:
    """Every code prefix of `width` characters in a classification (from the bundled product
    tables and concordances): a range's ends must be among them."""
    if classification == "SITC3":
        codes = {c for hs in CONVERTIBLE for c in concordance(hs).values()}
    else:
        codes = {c for hs in CONVERTIBLE for c in concordance(hs)}
    return frozenset(c[:width] for c in codes if len(c) >= width)


def expand_product_spec(spec: str, classification: str = "HS", param: str = "products") -> list[str]:
    """Prefixes of one spec: "84" -> ["84"]; "84-86" -> ["84", "85", "86"] (same width,
    zero-padded); a named set ("engineering", "high-tech") -> its prefixes in `classification`.
    The ends of a range must be codes of the classification (SITC Rev.3 has no division 90:
    "84-90" read as SITC is an error that points to "hs:84-90")."""
    if spec in PRODUCT_SETS:
        return product_set(spec, classification)
    if "-" in spec:
        lo, hi = (x.strip() for x in spec.split("-", 1))
        if not (lo.isdigit() and hi.isdigit() and len(lo) == len(hi) and lo <= hi):
            fail(param, "a code, a prefix or a range of equal-width codes like '84-90'", repr(spec))
        known = _known_prefixes(classification, len(lo)) if classification in _SPEC_PREFIX else None
        bad = [x for x in (lo, hi) if known is not None and x not in known]
        if bad:
            other = "hs" if classification == "SITC3" else "sitc3"
            fail(param, f"a range of {classification} codes (the flows' classification; say "
                 f"'{other}:{spec}' for {other.upper()} codes)",
                 f"{spec!r}: {', '.join(bad)} {'is' if len(bad) == 1 else 'are'} not {classification} "
                 f"code{'s' if len(bad) > 1 else ''}")
        return [str(v).zfill(len(lo)) for v in range(int(lo), int(hi) + 1)]
    return [spec]


def translate_hs_products(specs: Sequence[str], hs: str, digits: int) -> tuple[list[str], str]:
    """SITC Rev.3 codes (cut to `digits`) that the HS codes matching `specs` map to through the
    `hs` concordance, and a note saying the translation is approximate where those SITC codes
    also receive HS codes outside the specs."""
    table = concordance(hs)
    prefixes = tuple(p for s in specs for p in expand_product_spec(s, "HS"))
    inside = {c[:digits] for h, c in table.items() if h.startswith(prefixes)}
    outside = sum(1 for h, c in table.items() if c[:digits] in inside and not h.startswith(prefixes))
    note = (f"products {', '.join('hs:' + s for s in specs)} on SITC3 flows: translated through the {hs} -> "
            f"SITC Rev.3 concordance to {len(inside)} SITC3 codes ({', '.join(sorted(inside)[:8])}"
            f"{' ...' if len(inside) > 8 else ''})")
    if outside:
        note += (f"; these also hold {outside} {hs} codes outside the selection, so the set is approximate "
                 "(select HS codes before converting for an exact set)")
    return sorted(inside), note


def pad_product_codes(codes: Iterable[Any], width: int | None = None,
                      where: Callable[[int], str] | None = None) -> list[str]:
    """Restore leading zeros lost by all-digit codes (e.g. written as integers): when the codes
    differ in length or have an odd length, pad to `width`, or to the longest code rounded up to
    an even length (HS codes have 2, 4 or 6 digits). Codes of one even length are kept as they are.
    Only codes one digit short are padded; any other length beside them (HS4 codes among HS6
    ones: two levels of detail, not a lost zero) is refused, `where(i)` placing the i-th code."""
    codes = [str(c).strip() for c in codes]
    lengths = {len(c) for c in codes}
    if not all(c.isdigit() for c in codes) or (len(lengths) == 1 and not next(iter(lengths)) % 2):
        return codes
    if width is None:
        longest = max(lengths, default=0)
        width = longest + (longest % 2)
    for i, c in enumerate(codes):
        if len(c) not in (width, width - 1):
            fail("product", f"codes of one length ({width} digits, or {width - 1} with a lost leading zero)",
                 repr(c) + (f" {where(i)}" if where is not None else ""))
    return [c.zfill(width) for c in codes]


# -- country groups ------------------------------------------------------------------------------
class Group:
    """A named country group whose members change over the years, usable wherever a group is
    accepted (``groups=``, ``partners=``, ``reporters=``, the report's ``group=``/``compare=``),
    like the built-in ones in ``tradeindex.groups``.

    Parameters
    ----------
    name : the group's label in results (e.g. "EAEU+").
    members : {country: span}, country as ISO3 (or a numeric code or a label), span a first year
        (a member from then on), a (first, last) pair (last inclusive; None for open), or None
        (a member in every year).
    description : free text, kept for reports.

    ``members(year)`` gives the members in a year (the current ones for None); results record
    the members used in every year (``meta["groups"]``), and ``membership="fixed"`` makes every
    year use one composition.

    Examples
    --------
    >>> import tradeindex
    >>> g = tradeindex.Group("EAEU+UZB", {"BLR": 2010, "KAZ": 2010, "RUS": 2010, "ARM": 2015,
    ...                                   "KGZ": 2015, "UZB": (2020, None)})
    >>> g.members(2016), g.members(2021)[-1]
    (['BLR', 'KAZ', 'RUS', 'ARM', 'KGZ'], 'UZB')
    """

    def __init__(self, name: str, members: Mapping[Any, Span], description: str = "") -> None:
        if not isinstance(name, str) or not name.strip():
            fail("name", "a non-empty group name", repr(name), TypeError)
        if not isinstance(members, dict) or not members:
            fail("members", "a non-empty dict {country: first year, (first, last) or None}", repr(members), TypeError)
        self.name, self.description = name, description
        self.spans: dict[Any, tuple[int | None, int | None]] = {}
        for country, span in members.items():
            first, last = span if isinstance(span, tuple) else (span, None)
            for year in (first, last):
                if year is not None and (isinstance(year, bool) or not isinstance(year, (int, np.integer))):
                    fail(f"members[{country!r}]", "a first year, a (first, last) pair of years or None", repr(span),
                         TypeError)
            if first is not None and last is not None and last < first:
                fail(f"members[{country!r}]", "a (first, last) pair with last >= first", repr(span))
            self.spans[country] = (first, last)

    def members(self, year: int | None = None) -> list[Any]:
        """The members in `year` (as given: ISO3 for the built-in groups); year=None gives the
        current members."""
        return [iso for iso, (start, end) in self.spans.items()
                if (end is None if year is None else (start is None or start <= year) and (end is None or year <= end))]

    def __repr__(self) -> str:
        return f"Group({self.name}: {', '.join(self.members())})"


_EU_ACCESSION = {**dict.fromkeys(["BEL", "FRA", "DEU", "ITA", "LUX", "NLD"], 1958),
                 **dict.fromkeys(["DNK", "IRL"], 1973), "GRC": 1981, "ESP": 1986, "PRT": 1986,
                 **dict.fromkeys(["AUT", "FIN", "SWE"], 1995),
                 **dict.fromkeys(["CYP", "CZE", "EST", "HUN", "LVA", "LTU", "MLT", "POL", "SVK", "SVN"], 2004),
                 "BGR": 2007, "ROU": 2007, "HRV": 2013}

#: Built-in country groups (ISO3 with membership years). Users pass their own as dicts
#: {"NAME": ["ISO3", ...]} anywhere a group is accepted.
GROUPS = {g.name: g for g in [
    Group("EAEU", {"BLR": 2010, "KAZ": 2010, "RUS": 2010, "ARM": 2015, "KGZ": 2015},
          "Eurasian Economic Union (2015); Belarus, Kazakhstan and Russia counted from the 2010 "
          "Customs Union; Armenia and Kyrgyzstan from 2015"),
    Group("EU27", _EU_ACCESSION, "European Union, the 27 members after 2020, each from its accession year"),
    Group("EU28", {**_EU_ACCESSION, "GBR": (1973, 2020)}, "EU27 plus the United Kingdom (1973-2020)"),
    Group("CIS", {**dict.fromkeys(["ARM", "AZE", "BLR", "KAZ", "KGZ", "MDA", "RUS", "TJK", "UZB"], 1991),
                  "TKM": (1991, 2005), "GEO": (1993, 2009), "UKR": (1991, 2018)},
          "Commonwealth of Independent States: Turkmenistan an associate from 2005, Georgia left in 2009, "
          "Ukraine ended its participation in 2018"),
    Group("ASEAN", {**dict.fromkeys(["IDN", "MYS", "PHL", "SGP", "THA"], 1967), "BRN": 1984, "VNM": 1995,
                    "LAO": 1997, "MMR": 1997, "KHM": 1999, "TLS": 2025},
          "Association of Southeast Asian Nations"),
    Group("MERCOSUR", {**dict.fromkeys(["ARG", "BRA", "PRY", "URY"], 1991), "VEN": (2012, 2016), "BOL": 2024},
          "Southern Common Market: Venezuela 2012 until its suspension in 2016, Bolivia from 2024"),
    Group("BRICS", {**dict.fromkeys(["BRA", "RUS", "IND", "CHN"], 2009), "ZAF": 2011,
                    **dict.fromkeys(["EGY", "ETH", "IRN", "ARE"], 2024), "IDN": 2025},
          "The original five (South Africa from 2011) and the 2024-2025 members"),
    Group("BRICS5", dict.fromkeys(["BRA", "RUS", "IND", "CHN", "ZAF"], 2009), "The original five BRICS"),
    Group("G7", dict.fromkeys(["CAN", "FRA", "DEU", "ITA", "JPN", "GBR", "USA"], 1976), "Group of Seven"),
    Group("NAFTA", dict.fromkeys(["CAN", "MEX", "USA"], 1994), "NAFTA (1994), USMCA since 2020"),
    Group("USMCA", dict.fromkeys(["CAN", "MEX", "USA"], 2020), "United States-Mexico-Canada Agreement"),
]}


def resolve_groups(groups: Groups | None, param: str = "groups", year: int | None = None,
                   present: Iterable[str] | None = None) -> dict[str, Any]:
    """{name: [ISO3...]} from a dict of member lists / Group objects / names of built-in groups,
    a list of built-in names, or one name. Built-in groups take their members in `year` (the
    current members when None), limited to the ISO3 codes in `present` when given (a built-in
    member missing from the data is left out; a user's own list is kept as given)."""
    if groups is None:
        return {}
    if isinstance(groups, (str, Group)):
        groups = [groups]
    if not isinstance(groups, (dict, list, tuple)):
        fail(param, "a dict {name: [ISO3, ...]} or names of built-in groups (" + ", ".join(GROUPS) + ")",
             repr(groups))
    if not isinstance(groups, dict):  # built-in names, keyed by their canonical (upper-case) name
        groups = {g.name if isinstance(g, Group) else str(g).upper() if str(g).upper() in GROUPS else g: g
                  for g in groups}
    out = {}
    for name, members in groups.items():
        builtin = members if isinstance(members, str) else name if members is None else None
        if builtin is not None:  # {"G": "EAEU"}, {"EAEU": None} or a name alone: a built-in group
            if str(builtin).upper() not in GROUPS:
                fail(param, "a dict {name: [ISO3, ...]} or names of built-in groups (" + ", ".join(GROUPS) + ")",
                     repr(builtin))
            members = GROUPS[str(builtin).upper()]
        if isinstance(members, Group):
            members = [m for m in members.members(year) if present is None or m in set(present)]
        out[str(name)] = members if isinstance(members, (list, tuple, np.ndarray)) else [members]
    return out


# -- product sets and concordances ---------------------------------------------------------------
#: Named product sets as code prefixes per classification. "engineering": machinery, equipment and
#: vehicles (HS chapters 84-90; SITC section 7). "high-tech": after Eurostat's high-technology
#: aggregation (SITC Rev.4 based), reduced to SITC Rev.3 groups and the matching HS headings:
#: pharmaceuticals, computers and office machines, telecommunications and electronics,
#: electro-medical and scientific instruments, aerospace, armament.
PRODUCT_SETS = {
    "engineering": {"HS": [str(c) for c in range(84, 91)], "SITC3": ["7"]},
    "high-tech": {
        "HS": ["3001", "3002", "3003", "3004", "3006", "8471", "8473", "8517", "8525", "8526", "8527",
               "8528", "8529", "8541", "8542", "8543", "8802", "8803", "8805", "9013", "9018", "9019",
               "9022", "9027", "9030", "9031", "9301"],
        "SITC3": ["541", "542", "714", "751", "752", "759", "764", "774", "776", "792", "871", "874",
                  "881", "891"],
    },
}

#: The HS revisions with an SITC Rev.3 concordance, by their canonical names (BACI's H0 ... H6).
CONVERTIBLE = ("HS92", "HS96", "HS02", "HS07", "HS12", "HS17", "HS22")
#: Other spellings of each revision (matched case-insensitively): BACI's H0..H6, HS88 for HS92.
HS_ALIASES = {"HS88": "HS92", **{f"H{n}": hs for n, hs in enumerate(CONVERTIBLE)}}
#: Codes BACI uses that are not HS subheadings: 271000 holds petroleum oils (HS 2710) BACI cannot
#: split; it maps to SITC Rev.3 group 334 like every 2710 subheading, in every revision whose table
#: lacks it (all but HS92 and HS96, whose tables have it: 334 and 33400).
BACI_EXTRA_SITC3 = {"271000": "334"}


def product_set(name: str, classification: str) -> list[str]:
    """Prefixes of a named product set in a classification ("HS" or "SITC3")."""
    if name not in PRODUCT_SETS:
        fail("products", "codes, prefixes or a named set (" + ", ".join(PRODUCT_SETS) + ")", repr(name))
    return PRODUCT_SETS[name][classification]


def hs_revision(hs: str | None, param: str = "hs") -> str:
    """The canonical name (one of :data:`CONVERTIBLE`) of an HS revision spelt 'HS92', 'hs88',
    'H0', ... 'HS22', 'H6'.

    Examples
    --------
    >>> from tradeindex.codes import hs_revision
    >>> hs_revision("h4"), hs_revision("HS88")
    ('HS12', 'HS92')
    """
    if hs is None:
        fail(param, "the HS revision of the flows (e.g. 'HS92'): pass read_baci(..., hs=) or convert(..., hs=)",
             "none recorded", ValueError)
    key = str(hs).strip().upper()
    if key not in CONVERTIBLE and key not in HS_ALIASES:
        fail(param, "an HS revision with an SITC Rev.3 concordance: " + ", ".join(
            f"{rev} ({', '.join(a for a, r in HS_ALIASES.items() if r == rev)})" for rev in CONVERTIBLE), repr(hs))
    return HS_ALIASES.get(key, key)


@functools.lru_cache(maxsize=None)
def _concordance_arrays(revision: str) -> tuple[npt.NDArray[np.str_], npt.NDArray[np.str_]]:
    """(HS codes, SITC codes) of a canonical revision, sorted by HS code, read-only: the bundled
    table without its rows that have no SITC Rev.3 code (empty, or a placeholder such as
    'II000'), plus BACI_EXTRA_SITC3 where the table lacks a code."""
    rows = _read_data(f"{revision.lower()}_to_sitc3.csv")
    key = next(iter(rows[0]))
    table = {**BACI_EXTRA_SITC3, **{row[key]: row["sitc3"] for row in rows if row["sitc3"].isdigit()}}
    hs = np.array(sorted(table), dtype=str)
    sitc = np.array([table[c] for c in hs], dtype=str)
    hs.setflags(write=False)
    sitc.setflags(write=False)
    return hs, sitc


def concordance_table(hs: str) -> tuple[npt.NDArray[np.str_], npt.NDArray[np.str_]]:
    """HS -> SITC Rev.3 concordance of a revision as two aligned arrays, for converters that work
    on arrays: the same data as :func:`concordance`.

    Parameters
    ----------
    hs : str
        The HS revision: one of :data:`CONVERTIBLE` or an alias in :data:`HS_ALIASES`
        (case-insensitive).

    Returns
    -------
    hs_codes : ndarray of str
        6-digit HS codes, sorted.
    sitc_codes : ndarray of str
        Their SITC Rev.3 codes (3 to 5 characters; the first 3 are the group). Both arrays are
        read-only and shared between calls.

    Examples
    --------
    >>> from tradeindex.codes import concordance_table
    >>> hs, sitc = concordance_table("HS17")
    >>> hs[:2].tolist(), sitc[:2].tolist(), len(hs) == len(sitc)
    (['010121', '010129'], ['00151', '00151'], True)
    """
    return _concordance_arrays(hs_revision(hs))


@functools.lru_cache(maxsize=None)
def _concordance_mapping(revision: str) -> Mapping[str, str]:
    return types.MappingProxyType(dict(zip(*(a.tolist() for a in _concordance_arrays(revision)))))


def concordance(hs: str) -> Mapping[str, str]:
    """{HS6 code: SITC Rev.3 code} (a read-only mapping) for an HS revision.

    Sources: HS 1988/92 -> SITC Rev.3 from the World Bank WITS, HS 2017 from the UN Statistics
    Division, the other revisions from the UNSD tables as compiled in the R package concordance
    (see ``data/README.md``). BACI's ``271000`` maps to group 334 in every revision; codes without
    an SITC Rev.3 counterpart (``710820`` monetary gold, ``711890`` legal-tender coin) are absent.

    Parameters
    ----------
    hs : str
        The HS revision: 'HS92' (also 'HS88', 'H0'), 'HS96' ('H1'), 'HS02' ('H2'), 'HS07' ('H3'),
        'HS12' ('H4'), 'HS17' ('H5') or 'HS22' ('H6'), case-insensitive.

    Examples
    --------
    >>> from tradeindex.codes import concordance
    >>> table = concordance("HS12")
    >>> table["870323"], table["271000"], "710820" in table
    ('78120', '334', False)
    """
    return _concordance_mapping(hs_revision(hs))
