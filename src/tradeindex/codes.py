"""Code tables: countries (BACI numeric code, ISO3, name) and products (code strings).

Countries are labelled by ISO3 from the bundled BACI table (CEPII BACI V202401) plus
``data/country_codes_extra.csv`` (UN Comtrade codes BACI does not use, e.g. 381 Italy). A
numeric code in neither table keeps its code as its label. When two codes present share an ISO3
(BACI's historic codes: 58 Belgium-Luxembourg and 56 Belgium) both are labelled ``ISO3(code)``.
"""
import csv
import functools
from importlib import resources

import numpy as np

from ._validation import check_known, fail


@functools.lru_cache(maxsize=None)
def country_reference():
    """{numeric code: (iso3, name)} from the bundled tables."""
    ref = {}
    for name in ("country_codes_V202401.csv", "country_codes_extra.csv"):
        with resources.files("tradeindex").joinpath("data", name).open(encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                ref[int(row["country_code"])] = (row["country_iso3"], row["country_name"])
    return ref


@functools.lru_cache(maxsize=None)
def _iso3_to_code():
    out = {}
    for code, (iso3, _) in sorted(country_reference().items(), reverse=True):
        out[iso3] = code  # the lowest code wins: the current one (56 BEL before 58)
    return out


class CountryTable:
    """The countries of a TradeFlows: ``code`` (numeric, -1 for a text label not in the tables),
    ``iso3`` (label), ``name``; ids are positions, in numeric-code order (text-only labels last)."""

    def __init__(self, code, iso3, name):
        self.code = np.asarray(code, dtype=np.int64)
        self.iso3 = np.asarray(iso3, dtype=object)
        self.name = np.asarray(name, dtype=object)
        iso, counts = np.unique(self.iso3.astype(str), return_counts=True)
        clash = set(iso[counts > 1])
        self.label = np.array([f"{i}({c})" if i in clash else i for i, c in zip(self.iso3, self.code)],
                              dtype=object)

    @classmethod
    def from_codes(cls, codes):
        """Table of unique numeric codes or text labels (ISO3 or free text), and the table
        position of each input code."""
        ref, iso_ref = country_reference(), _iso3_to_code()
        rows = []
        for c in codes:
            if isinstance(c, str):
                key = c.strip()
                code = iso_ref.get(key.upper(), -1)
                iso3, name = (key.upper(), ref[code][1]) if code >= 0 else (key, key)
            else:
                code = int(c)
                iso3, name = ref.get(code, (str(code), ""))
                iso3 = iso3 or str(code)
            rows.append((iso3, code, name))
        # BACI order (numeric code), then text labels: BACI files are then sorted in id space.
        order = sorted(range(len(rows)), key=lambda n: (rows[n][1] < 0, rows[n][1], rows[n][0]))
        table = cls(*([rows[n][k] for n in order] for k in (1, 0, 2)))
        position = np.empty(len(rows), dtype=np.int32)
        position[order] = np.arange(len(rows), dtype=np.int32)
        return table, position

    def take(self, ids):
        return CountryTable(self.code[ids], self.iso3[ids], self.name[ids])

    def __len__(self):
        return len(self.code)

    def __repr__(self):
        return f"CountryTable({len(self)} countries: {', '.join(self.label[:12])}{' ...' if len(self) > 12 else ''})"

    def ids(self, keys, param):
        """Ids of countries given by ISO3, label or numeric code (a list, or one key)."""
        keys = [keys] if isinstance(keys, (str, int, np.integer)) else list(keys)
        out, unknown = [], []
        for k in keys:
            if isinstance(k, str) and not k.strip().isdigit():
                hit = np.flatnonzero((self.iso3 == k.strip().upper()) | (self.label == k.strip()))
            else:
                hit = np.flatnonzero(self.code == int(k))
            out.extend(hit) if len(hit) else unknown.append(k)
        check_known(param, unknown, "countries", len(self))
        return np.unique(np.asarray(out, dtype=np.int64))


class ProductTable:
    """The products of a TradeFlows: ``code`` strings (leading zeros kept), sorted."""

    def __init__(self, code):
        self.code = np.asarray(code, dtype=object)
        self.label = self.code

    def take(self, ids):
        return ProductTable(self.code[ids])

    def __len__(self):
        return len(self.code)

    def __repr__(self):
        return f"ProductTable({len(self)} products: {', '.join(self.code[:8])}{' ...' if len(self) > 8 else ''})"

    def ids(self, specs, param):
        """Ids of products matching codes or prefixes; ranges like "84-90" expand to prefixes."""
        prefixes = expand_product_specs(specs)
        codes = self.code.astype(str)
        hits, unknown = [], []
        for p in prefixes:
            hit = np.flatnonzero(np.char.startswith(codes, p))
            hits.append(hit) if len(hit) else unknown.append(p)
        check_known(param, unknown, "product codes or prefixes of codes", len(self))
        return np.unique(np.concatenate(hits)) if hits else np.zeros(0, np.int64)


def expand_product_specs(specs):
    """"84" -> ["84"]; "84-86" -> ["84", "85", "86"] (same width, zero-padded); lists flatten;
    comma-separated text is split."""
    if isinstance(specs, str):
        specs = specs.split(",")
    out = []
    for s in specs:
        s = str(s).strip()
        if "-" in s:
            lo, hi = (x.strip() for x in s.split("-", 1))
            if not (lo.isdigit() and hi.isdigit() and len(lo) == len(hi) and lo <= hi):
                fail("products", "a code, a prefix or a range of equal-width codes like '84-90'", repr(s))
            out.extend(str(v).zfill(len(lo)) for v in range(int(lo), int(hi) + 1))
        elif s:
            out.append(s)
    return out


def pad_product_codes(codes, width=None):
    """Restore leading zeros lost by all-digit codes (e.g. written as integers): when the codes
    differ in length or have an odd length, pad to `width`, or to the longest code rounded up to
    an even length (HS codes have 2, 4 or 6 digits). Codes of one even length are kept as they are."""
    codes = [str(c).strip() for c in codes]
    lengths = {len(c) for c in codes}
    if not all(c.isdigit() for c in codes) or (len(lengths) == 1 and not lengths.pop() % 2):
        return codes
    if width is None:
        longest = max((len(c) for c in codes), default=0)
        width = longest + (longest % 2)
    return [c.zfill(width) for c in codes]
