"""The callables under test: each public array-level function with valid base arguments and the
kind of each parameter (see hostile.HOSTILE). The labelled functions (tradeindex.complementarity,
grubel_lloyd...) and the CLI subcommands join by adding a `Target` whose `call` runs them and
whose slots name their parameters' kinds (with new kinds in hostile.HOSTILE where needed)."""
from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np

from tradeindex import kernels
from tradeindex._validation import OutputTooLargeError

from .hostile import Holds, Raises, Same

# Small integers (exact in every dtype), an empty row and an empty product column in X.
X = np.array([[3, 0, 1, 0, 2], [0, 0, 5, 1, 1], [0, 0, 0, 0, 0]], dtype=np.float64)
M = np.array([[1, 0, 1, 0, 0], [2, 0, 0, 7, 1], [1, 0, 1, 0, 0], [0, 0, 4, 4, 0]], dtype=np.float64)
# Flows among 3 countries: a pair trading both ways in two products, one one-way flow.
EXPORTER = np.array([0, 1, 0, 1, 2], dtype=np.int64)
IMPORTER = np.array([1, 0, 1, 0, 0], dtype=np.int64)
PRODUCT = np.array([0, 0, 1, 1, 2], dtype=np.int64)
VALUE = np.array([4.0, 2.0, 3.0, 3.0, 5.0])


def _arrays(result):
    """A result as a tuple of arrays (or of strings) to compare."""
    if isinstance(result, tuple):
        return tuple(np.asarray(r) for r in result)
    return (np.asarray(result),)


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

    def expectation(self, param, hostile):
        if hostile.expect == "absurd":
            return self.absurd[param]
        if hostile.values and not self.reads_values:
            return Holds(self.valid, "a result: the values are not read")
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
