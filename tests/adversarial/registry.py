"""The callables under test: each public array-level function with valid base arguments and the
kind of each parameter (see hostile.HOSTILE). The labelled functions (tradeindex.complementarity,
grubel_lloyd...) and the CLI subcommands join by adding a `Target` whose `call` runs them and
whose slots name their parameters' kinds (with new kinds in hostile.HOSTILE where needed)."""
from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np
import scipy.sparse as sp

from tradeindex import kernels
from tradeindex._validation import OutputTooLargeError

import reference as naive

from .hostile import Exact, Holds, Raises, Same

# Small integers (exact in every dtype), an empty row and an empty product column in X.
X = np.array([[3, 0, 1, 0, 2], [0, 0, 5, 1, 1], [0, 0, 0, 0, 0]], dtype=np.float64)
M = np.array([[1, 0, 1, 0, 0], [2, 0, 0, 7, 1], [1, 0, 1, 0, 0], [0, 0, 4, 4, 0]], dtype=np.float64)
# Flows among 3 countries: a pair trading both ways in two products, one one-way flow.
EXPORTER = np.array([0, 1, 0, 1, 2], dtype=np.int64)
IMPORTER = np.array([1, 0, 1, 0, 0], dtype=np.int64)
PRODUCT = np.array([0, 0, 1, 1, 2], dtype=np.int64)
VALUE = np.array([4.0, 2.0, 3.0, 3.0, 5.0])


def _arrays(result):
    """A result as a tuple of arrays to compare: sparse results as dense; labelled results (an
    IndexMatrix, IndexPanel, TopPartners, IndexTable, TradeFlows: anything with to_arrow) as the
    columns of their long table; a RegionalReport as its tables'; dicts by key."""
    if isinstance(result, dict):
        result = tuple(result[k] for k in sorted(result))
    out = []
    for r in result if isinstance(result, tuple) else (result,):
        if sp.issparse(r):
            out.append(r.toarray())
        elif hasattr(r, "tables"):
            out += [a for name in sorted(r.tables) for a in _arrays(r.tables[name])]
        elif hasattr(r, "to_arrow") or hasattr(r, "column_names"):
            table = r.to_arrow() if hasattr(r, "to_arrow") else r
            if type(r).__name__ == "TradeFlows":  # the same flows in any row order
                table = table.sort_by([(c, "ascending") for c in ("year", "exporter_code", "importer_code", "product")
                                       if c in table.column_names])
            out += [c.to_numpy(zero_copy_only=False) for c in table.columns]
        else:
            out.append(np.asarray(r))
    return tuple(out)


def _blocks(**kw):
    parts = list(kernels.complementarity_blocks(**kw))
    starts = np.array([s for s, _ in parts])
    return (starts, np.vstack([b for _, b in parts]) if parts else np.zeros((0, 0)))


def _in_range(result):
    values = result[0]
    return bool(np.all(np.isnan(values) | ((values >= 0) & np.isfinite(values))))


def _is_method(result):
    return result[0].item() in ("dense", "sparse")


TOO_LARGE = Raises(OutputTooLargeError, r"{param} must be small enough for the .* to fit in memory \(.*\); found ")


@dataclass
class Target:
    name: str
    call: Callable[..., Any]           # call(**arguments) -> result
    base: dict                         # valid arguments
    slots: dict                        # parameter -> kind
    reads_values: bool = True          # False: value-level hostiles give a result (`valid`)
    valid: Callable = _in_range        # what any result must satisfy
    absurd: dict = field(default_factory=dict)   # count parameter -> expectation of 10**15
    reference: Callable = None         # the naive formula (same arguments): value-level hostiles against it
    overrides: dict = field(default_factory=dict)  # "param:hostile name" -> expectation (None: does not apply)
    xfail: dict = field(default_factory=dict)      # "param:hostile name" -> the bug, in a module not owned here
    outputs: tuple = ()                # parameters naming where results are written (unchanged on errors only)

    def expectation(self, param, hostile):
        if f"{param}:{hostile.name}" in self.overrides:
            return self.overrides[f"{param}:{hostile.name}"]
        if hostile.expect == "absurd":
            return self.absurd[param]
        if hostile.expect == "reference":
            return Exact(self.reference)
        if hostile.values and not self.reads_values:
            return Holds(self.valid, "a result: the values are not read")
        if hostile.values and self.reference is not None and isinstance(hostile.expect, Same):
            return Exact(self.reference)
        return hostile.expect


_SHARED = {"scale": "scale", "n_threads": "threads"}
_MATRIX = {"X": "matrix", "M": "matrix"}

TARGETS = [
    Target("complementarity", kernels.complementarity, {"X": X, "M": M, "scale": 100.0, "n_threads": 1},
           {**_MATRIX, **_SHARED}),
    Target("complementarity sparse", lambda **kw: kernels.complementarity(method="sparse", **kw),
           {"X": X, "M": M, "scale": 100.0, "n_threads": 1}, {**_MATRIX, **_SHARED}),
    Target("complementarity float32", lambda **kw: kernels.complementarity(dtype="float32", **kw),
           {"X": X, "M": M, "scale": 100.0, "n_threads": 1}, {**_MATRIX, "n_threads": "threads"}),
    Target("complementarity_blocks", _blocks, {"X": X, "M": M, "rows": 2, "scale": 100.0, "n_threads": 1},
           {**_MATRIX, **_SHARED, "rows": "count"}, valid=lambda r: _in_range(r[1:]),
           absurd={"rows": Same(lambda b: 3)}),  # more rows than X has: one block
    Target("complementarity_top_k", kernels.complementarity_top_k, {"X": X, "M": M, "k": 2, "n_threads": 1,
           "scale": 100.0}, {**_MATRIX, **_SHARED, "k": "count"}, absurd={"k": TOO_LARGE}),
    Target("complementarity_top_k sparse", lambda **kw: kernels.complementarity_top_k(method="sparse", **kw),
           {"X": X, "M": M, "k": 3, "n_threads": 1}, {**_MATRIX, "n_threads": "threads", "k": "count"},
           absurd={"k": TOO_LARGE}),
    Target("choose_method", kernels.choose_method, {"X": X, "M": M}, _MATRIX, reads_values=False,
           valid=_is_method),
    Target("group_totals", kernels.group_totals, {"ids": PRODUCT, "values": VALUE, "n_groups": 4, "n_threads": 1},
           {"ids": "ids", "values": "reals", "n_groups": "count", "n_threads": "threads"},
           valid=lambda r: True, absurd={"n_groups": TOO_LARGE}),
    Target("bilateral_gl", kernels.bilateral_gl,
           {"exporter": EXPORTER, "importer": IMPORTER, "product": PRODUCT, "value": VALUE, "n_countries": 3,
            "n_products": 3, "scale": 100.0, "n_threads": 1},
           {"exporter": "ids", "importer": "ids", "product": "ids", "value": "amounts", "n_countries": "count",
            "n_products": "count", **_SHARED},
           absurd={"n_countries": TOO_LARGE, "n_products": TOO_LARGE}),
    Target("bilateral_gl aquino", lambda **kw: kernels.bilateral_gl(adjust="aquino", **kw),
           {"exporter": EXPORTER, "importer": IMPORTER, "product": PRODUCT, "value": VALUE, "n_countries": 3,
            "n_products": 3, "n_threads": 1},
           {"value": "amounts", "n_threads": "threads"}),
]

# -- the indicator kernels -----------------------------------------------------------------------------
# Ratios of sums (RCA, intensity, shares, orientation) and two-matrix indices: value-level hostiles
# are compared with the naive formulas of tests/reference.py in extended precision (reference=).
XM = np.array([[1, 0, 1, 2, 0], [0, 0, 5, 0, 1], [0, 0, 0, 0, 0]], dtype=np.float64)   # imports, like X
REF = np.array([2.0, 0.0, 1.0, 1.0, 3.0])   # a reference row for RCA (a product it does not export)
# bilateral totals: a zero diagonal, a country without exports (3), one without imports (0)
B = np.array([[0, 6, 2, 1], [0, 0, 1, 4], [0, 1, 0, 3], [0, 0, 0, 0]], dtype=np.float64)
ROWS = np.array([[1, 1, 0, 0], [0, 0, 1, 0]], dtype=np.float64)   # a group of countries 0 and 1, and country 2
COLS = np.array([[0, 1, 1, 0], [0, 0, 0, 1]], dtype=np.float64)
TOO_LARGE_CELLS = Raises(OutputTooLargeError, r"n_rows and n_cols must be small enough for the result to fit in "
                         r"memory \(.*\); found a [\d,]+ x [\d,]+ float64 result of ")


def _ratio(result):
    """A ratio index: NaN (0/0) or >= 0; inf only where the exact value exceeds the float64
    range (checked against the reference)."""
    return bool(np.all(np.isnan(result[0]) | (result[0] >= 0)))


def _signed(result):
    values = result[0]
    return bool(np.all(np.isnan(values) | ((values >= -1) & (values <= 1))))


def _sparse_iff_sparse(fn):
    """fn's result as (values, whether it is sparse exactly when X is): the catalogue compares
    the values, and a sparse X must give a sparse result."""
    def call(**kw):
        out = fn(**kw)
        return out, np.bool_(sp.issparse(out) == sp.issparse(kw["X"]))
    return call


def _members(G, n):
    """A 0/1 aggregation matrix (or None) as the reference's lists of member ids."""
    if G is None:
        return [[i] for i in range(n)]
    return [list(np.flatnonzero(row)) for row in np.asarray(G)]


def _naive_intensity(exclude_self=False):
    return lambda B, rows=None, cols=None: naive.trade_intensity(B, _members(rows, len(B)), _members(cols, len(B)),
                                                                  exclude_self)


def _naive_rca(fn):
    return lambda X, reference=None: (fn(X, reference), np.bool_(True))


TARGETS += [
    Target("cell_totals", kernels.cell_totals,
           {"rows": EXPORTER, "cols": PRODUCT, "values": VALUE, "n_rows": 3, "n_cols": 3, "n_threads": 1},
           {"rows": "ids", "cols": "ids", "values": "reals", "n_rows": "count", "n_cols": "count", "n_threads": "threads"},
           valid=lambda r: True, absurd={"n_rows": TOO_LARGE_CELLS, "n_cols": TOO_LARGE_CELLS}),
    Target("rca", _sparse_iff_sparse(kernels.rca), {"X": X}, {"X": "matrix"}, valid=_ratio,
           reference=_naive_rca(naive.rca)),
    Target("rca reference", _sparse_iff_sparse(kernels.rca), {"X": X, "reference": REF},
           {"X": "matrix", "reference": "amounts"}, valid=_ratio, reference=_naive_rca(naive.rca)),
    Target("rca binary", _sparse_iff_sparse(lambda **kw: kernels.rca(kind="binary", **kw)), {"X": X},
           {"X": "matrix"}, reference=_naive_rca(naive.rca_binary)),
    Target("rca symmetric", lambda **kw: kernels.rca(kind="symmetric", **kw), {"X": X}, {"X": "matrix"},
           valid=_signed, reference=naive.rca_symmetric),
    Target("trade_intensity", kernels.trade_intensity, {"B": B}, {"B": "matrix"}, valid=_ratio, reference=_naive_intensity()),
    Target("trade_intensity groups", kernels.trade_intensity, {"B": B, "rows": ROWS, "cols": COLS},
           {"B": "matrix", "rows": "aggregation", "cols": "aggregation"}, valid=_ratio,
           reference=_naive_intensity()),
    Target("trade_intensity rest of world", lambda **kw: kernels.trade_intensity(exclude_self=True, **kw),
           {"B": B, "rows": ROWS}, {"B": "matrix", "rows": "aggregation"}, valid=_ratio, reference=_naive_intensity(True)),
    Target("partner_shares", kernels.partner_shares, {"B": B, "cols": COLS, "scale": 100.0},
           {"B": "matrix", "cols": "aggregation", "scale": "scale"},
           reference=lambda B, cols, scale: naive.partner_shares(B, _members(None, len(B)), _members(cols, len(B)),
                                                                 scale)),
    Target("hhi", lambda **kw: kernels.hhi(return_counts=True, **kw), {"A": X, "scale": 1.0},
           {"A": "matrix", "scale": "scale"},
           reference=lambda A, scale: (scale * naive.hhi(A), np.count_nonzero(_arrays(A)[0], axis=1))),
    Target("hhi normalized", lambda **kw: kernels.hhi(normalized=True, **kw), {"A": X}, {"A": "matrix"},
           valid=_signed, reference=lambda A: naive.hhi(A, normalized=True)),
    Target("trade_specialisation", kernels.trade_specialisation, {"X": X, "M": XM}, {"X": "matrix", "M": "matrix"},
           valid=_signed, reference=naive.trade_specialisation),
    Target("krugman", kernels.krugman, {"X": X, "Y": M, "n_threads": 1}, {"X": "matrix", "Y": "matrix",
           "n_threads": "threads"}, reference=lambda X, Y, n_threads: naive.krugman(X, Y),
           overrides={"Y:None": Same(lambda b: X)}),  # Y=None: X against itself
    Target("krugman float32", lambda **kw: kernels.krugman(dtype="float32", **kw), {"X": X}, {"X": "matrix"}),
    Target("regional_orientation", kernels.regional_orientation, {"X_in": X, "X_out": XM},
           {"X_in": "matrix", "X_out": "matrix"}, valid=_ratio, reference=naive.regional_orientation),
]
