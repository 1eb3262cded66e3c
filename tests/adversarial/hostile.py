"""Hostile inputs, by the kind of parameter they are for.

A `Hostile` makes a value from the valid `base` value of a parameter (and a tmp_path, for
memory maps) and says what must happen:

- ``Same(equivalent)``: the call gives the result it gives with ``equivalent(base)`` in that
  parameter (a plain float64 array, or another scalar): the documented meaning of the input;
- ``Raises(exc, pattern)``: an exception of type `exc` whose message matches `pattern`, where
  ``{param}`` stands for the parameter's name (every message names its parameter);
- ``Holds(check)``: any result for which ``check(result)`` is true (e.g. a documented NaN);
- ``Exact(reference)``: the result of the naive formula on the same arguments (a target with a
  `reference` compares its value-level hostiles with it instead of their float64 equivalent).

Kinds: "matrix" (X, M: 2-D values, dense or scipy.sparse), "amounts" (a checked 1-D column of
values), "reals" (a 1-D column summed as it is), "ids" (a 1-D integer id column), "count" (a
positive integer), "threads" (n_threads), "scale". Value-level hostiles are flagged
``values=True``: a function that reads only the sparsity pattern gives a result for them.
Add a kind (e.g. "flows" for the labelled functions) by adding a list to `HOSTILE`.
"""
import warnings
from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np
import scipy.sparse as sp

TINY = 5e-324                      # the smallest subnormal
BIG = np.finfo(np.float64).max     # 1.7976931348623157e308


@dataclass(frozen=True)
class Same:
    equivalent: Callable[[Any], Any] = lambda base: base


@dataclass(frozen=True)
class Raises:
    exc: type
    pattern: str


@dataclass(frozen=True)
class Holds:
    check: Callable[[Any], bool]
    what: str = ""


@dataclass(frozen=True)
class Exact:
    """The result of `reference` (the naive formula of tests/reference.py, in extended
    precision) called with the same arguments: for value-level hostiles of an index whose
    result is not that of the plain float64 input (a ratio that does not bound the effect of
    1e-300 beside 1e300, or a function of two matrices scaled one at a time)."""
    reference: Callable


@dataclass(frozen=True)
class Hostile:
    name: str
    make: Callable[..., Any]       # make(base, tmp_path) -> the value passed
    expect: Any                    # Same | Raises | Holds
    values: bool = False           # a value-level hostile (NaN, negative...): see the module doc
    tags: tuple = field(default=())


def _h(name, make, expect, **kw):
    """A Hostile whose `make` may ignore tmp_path."""
    return Hostile(name, make if make.__code__.co_argcount == 2 else (lambda b, _t, m=make: m(b)), expect, **kw)


def _set(base, where, value, dtype=None):
    out = np.array(base, dtype=dtype or np.result_type(base, np.asarray(value)))
    out[where] = value
    return out


def _memmap(base, tmp_path, name="hostile.dat"):
    path = tmp_path / name
    mm = np.memmap(path, dtype=base.dtype, mode="w+", shape=base.shape)
    mm[...] = base
    mm.flush()
    return np.memmap(path, dtype=base.dtype, mode="r", shape=base.shape)


def _read_only(a):
    a = np.array(a)
    a.flags.writeable = False
    return a


def _strided(base):
    """The same values as a non-contiguous view (every other column of a wider array)."""
    wide = np.zeros(base.shape[:-1] + (2 * base.shape[-1],), base.dtype)
    wide[..., ::2] = base
    return wide[..., ::2]


def _reversed_view(base):
    return np.ascontiguousarray(base[::-1])[::-1]  # negative strides, same values


def _error(pattern, exc=ValueError):
    return Raises(exc, pattern)


_NOT_FINITE = r"{param} must be finite and non-negative trade values; found "
_NUMERIC = r"{param} must be numeric \(bool, integer or float\); found dtype "


# -- sparse constructions ---------------------------------------------------------------------
def _sparse(fmt, kind):
    cls = getattr(sp, f"{fmt}_{kind}")
    return lambda base: cls(base)


def _explicit_zeros(base):
    A = sp.csr_array(base)
    rows, cols = np.nonzero(base == 0)
    coo = sp.coo_array((np.r_[A.tocoo().data, np.zeros(len(rows))],
                        (np.r_[A.tocoo().row, rows], np.r_[A.tocoo().col, cols])), shape=base.shape)
    out = coo.tocsr()
    assert out.nnz == base.size  # every zero is stored
    return out


def _unsorted(base):
    A = sp.csr_array(base)
    idx, data = A.indices.copy(), A.data.copy()
    for r in range(A.shape[0]):
        s = slice(A.indptr[r], A.indptr[r + 1])
        idx[s], data[s] = idx[s][::-1], data[s][::-1]
    out = sp.csr_array((data, idx, A.indptr.copy()), shape=A.shape)
    out.has_sorted_indices = False
    return out


def _duplicates(fmt):
    """Each entry split in two halves stored twice (COO, or CSR built without summing)."""
    def make(base):
        c = sp.coo_array(base)
        row, col, data = np.r_[c.row, c.row], np.r_[c.col, c.col], np.r_[c.data / 2, c.data / 2]
        if fmt == "coo":
            return sp.coo_array((data, (row, col)), shape=base.shape)
        order = np.argsort(row, kind="stable")
        indptr = np.r_[0, np.cumsum(np.bincount(row, minlength=base.shape[0]))]
        return sp.csr_array((data[order], col[order], indptr), shape=base.shape)
    return make


def _index_dtype(dtype):
    def make(base):
        A = sp.csr_array(base)
        return sp.csr_array((A.data, A.indices.astype(dtype), A.indptr.astype(dtype)), shape=A.shape)
    return make


def _dia_with_padding(base):
    """A DIA matrix whose data array holds -1 in the cells that lie outside the matrix (DIA
    stores full diagonals; those cells are not part of it)."""
    A = sp.dia_array(base)
    data = A.data.copy()
    n_rows, n_cols = base.shape
    for d, off in enumerate(A.offsets):
        for j in range(data.shape[1]):
            if not 0 <= j - off < n_rows or j >= n_cols:
                data[d, j] = -1.0
    return sp.dia_array((data, A.offsets), shape=base.shape)


def _sparse_value(value):
    def make(base):
        A = sp.csr_array(base)
        A.data[0] = value
        return A
    return make


def _sparse_read_only(base):
    A = sp.csr_array(base)
    for a in (A.data, A.indices, A.indptr):
        a.flags.writeable = False
    return A


# -- the catalogue ------------------------------------------------------------------------------
def _huge_and_tiny(base, tiny):
    """In rows holding a value above 2: those values times 1e300, the others times `tiny`."""
    b = _float(base)
    big = b > 2
    return np.where(big, b * 1e300, np.where(big.any(axis=1, keepdims=True), b * tiny, b))


def _matrix(base):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PendingDeprecationWarning)
        return np.asmatrix(_float(base))


def _as_bool(base):
    return (np.asarray(base) > 0).astype(np.float64)


def _float(base):
    return np.asarray(base, dtype=np.float64)


def _scaled(factor):
    return lambda base: _float(base) * factor


def _matrix_hostiles():
    same = Same(_float)
    out = [
        # values (base: small non-negative integers, an empty row and an empty column)
        _h("negative", lambda b: _set(b, (0, 1), -1.0), _error(_NOT_FINITE + r"-1.0 at row 0, column 1"), values=True),
        _h("nan", lambda b: _set(b, (1, 0), np.nan), _error(_NOT_FINITE + r"nan at row 1, column 0"), values=True),
        _h("inf", lambda b: _set(b, (0, 0), np.inf), _error(_NOT_FINITE + r"inf at row 0, column 0"), values=True),
        _h("-inf", lambda b: _set(b, (0, 0), -np.inf), _error(_NOT_FINITE + r"-inf at row 0, column 0"), values=True),
        _h("many bad", lambda b: -_float(b) - 1, _error(_NOT_FINITE + r"-\d\.0 at row 0, column 0; \d+ entries in all"), values=True),
        _h("-0.0", lambda b: np.where(_float(b) == 0, -0.0, _float(b)), same, values=True),
        _h("1e-300", _scaled(1e-300), same, values=True),
        _h("1e300", _scaled(1e300), same, values=True),
        _h("subnormal", _scaled(TINY), same, values=True),
        _h("near float max", lambda b: _float(b) / max(_float(b).max(), 1) * BIG, same, values=True),
        _h("1e300 beside 1e-300", lambda b: _huge_and_tiny(b, 1e-300), Same(lambda b: _huge_and_tiny(b, 0.0)),
           values=True),
        # dtypes
        _h("bool", lambda b: np.asarray(b) > 0, Same(_as_bool)),
        _h("int8", lambda b: np.asarray(b, np.int8), same),
        _h("uint64", lambda b: np.asarray(b, np.uint64), same),
        _h("int64 list", lambda b: np.asarray(b, np.int64).tolist(), same),
        _h("float16", lambda b: np.asarray(b, np.float16), same),
        _h("float32", lambda b: np.asarray(b, np.float32), same),
        _h("longdouble", lambda b: np.asarray(b, np.longdouble), same),
        _h("big-endian", lambda b: np.asarray(b, ">f8"), same),
        _h("complex", lambda b: np.asarray(b, np.complex128), _error(_NUMERIC + "complex128", TypeError)),
        _h("object", lambda b: np.asarray(b, object), _error(_NUMERIC + "object", TypeError)),
        _h("datetime64", lambda b: np.asarray(b, "datetime64[D]"), _error(_NUMERIC + r"datetime64\[D\]", TypeError)),
        _h("timedelta64", lambda b: np.asarray(b, "timedelta64[s]"), _error(_NUMERIC + r"timedelta64\[s\]", TypeError)),
        _h("str", lambda b: np.asarray(b).astype(str), _error(_NUMERIC + "<U", TypeError)),
        _h("bytes", lambda b: np.asarray(b).astype(bytes), _error(_NUMERIC + "[|]S", TypeError)),
        # layouts: never modified, never copied back
        _h("read-only", lambda b: _read_only(_float(b)), same),
        _h("memory-mapped", lambda b, t: _memmap(_float(b), t), same),
        _h("strided", lambda b: _strided(_float(b)), same),
        _h("Fortran", lambda b: np.asfortranarray(_float(b)), same),
        _h("negative strides", lambda b: _reversed_view(_float(b)), same),
        _h("np.matrix", _matrix, same),
        # shapes and types
        _h("1-D", lambda b: _float(b)[0], _error(r"{param} must be a 2-D array \(rows x products\) or a scipy.sparse matrix; found shape \(\d+,\)")),
        _h("3-D", lambda b: _float(b)[None], _error(r"{param} must be a 2-D array .*; found shape \(1, \d+, \d+\)")),
        _h("scalar", lambda b: 1.0, _error(r"{param} must be a 2-D array .*; found shape \(\)")),
        _h("None", lambda b: None, _error(r"{param} must be a 2-D array .*; found shape \(\)")),
        _h("ragged list", lambda b: [[1.0, 2.0], [3.0]], _error(r"{param} must be an array of numbers; found list \(", TypeError)),
        _h("masked", lambda b: np.ma.masked_equal(_float(b), 0), _error(r"{param} must be a plain array .*found a masked array; pass {param}.filled\(0\)", TypeError)),
        _h("sparse negative", _sparse_value(-2.0), _error(_NOT_FINITE + r"-2.0 at row 0, column \d"), values=True),
        _h("sparse nan", _sparse_value(np.nan), _error(_NOT_FINITE + r"nan at row 0, column \d"), values=True),
        _h("sparse complex", lambda b: sp.csr_array(_float(b).astype(np.complex128)), _error(_NUMERIC + "complex128", TypeError)),
        _h("sparse bool", lambda b: sp.csr_array(np.asarray(b) > 0), Same(_as_bool)),
        _h("sparse int8", lambda b: sp.coo_matrix(np.asarray(b, np.int8)), same),
        _h("sparse float32", lambda b: sp.csc_array(np.asarray(b, np.float32)), same),
        _h("sparse read-only", _sparse_read_only, same),
        _h("explicit zeros", _explicit_zeros, same),
        _h("unsorted indices", _unsorted, same),
        _h("duplicates coo", _duplicates("coo"), same),
        _h("duplicates csr", _duplicates("csr"), same),
        _h("int64 indices", _index_dtype(np.int64), same),
        _h("int32 indices", _index_dtype(np.int32), same),
        _h("dia with padding", _dia_with_padding, same),
    ]
    out += [_h(f"{fmt}_{kind}", _sparse(fmt, kind), same)
            for fmt in ("csr", "csc", "coo", "lil", "dok", "bsr", "dia") for kind in ("array", "matrix")]
    return out


def _column_hostiles(checked):
    """1-D value columns: `checked` ones refuse bad values, the others sum what they get."""
    same = Same(_float)

    def bad(make, found):  # checked: an error; else summed as given (the same as that float64 column)
        return _h(found[0], make, _error(r"{param} must be " + found[1]) if checked else Same(make), values=True)
    return [
        bad(lambda b: _set(b, 1, -1.0), ("negative", r"finite and non-negative; found -1.0 at row 1")),
        bad(lambda b: _set(b, 0, np.nan), ("nan", r"a number in every row \(no NaN or missing\); found NaN at row 0")),
        bad(lambda b: _set(b, 2, np.inf), ("inf", r"finite and non-negative; found inf at row 2")),
        _h("-0.0", lambda b: np.where(_float(b) == 0, -0.0, _float(b)), same, values=True),
        _h("1e-300", _scaled(1e-300), Same(_scaled(1e-300)) if not checked else same, values=True),
        _h("1e300", _scaled(1e300), Same(_scaled(1e300)) if not checked else same, values=True),
        _h("subnormal", _scaled(TINY), Same(_scaled(TINY)) if not checked else same, values=True),
        _h("bool", lambda b: np.asarray(b) > 0, Same(_as_bool)),
        _h("int8", lambda b: np.asarray(b, np.int8), same),
        _h("float16", lambda b: np.asarray(b, np.float16), same),
        _h("list", lambda b: _float(b).tolist(), same),
        _h("complex", lambda b: np.asarray(b, np.complex128), _error(_NUMERIC + "complex128", TypeError)),
        _h("object", lambda b: np.asarray(b, object), _error(_NUMERIC + "object", TypeError)),
        _h("datetime64", lambda b: np.asarray(b, "datetime64[D]"), _error(_NUMERIC + r"datetime64\[D\]", TypeError)),
        _h("str", lambda b: np.asarray(b).astype(str), _error(_NUMERIC + "<U", TypeError)),
        _h("read-only", lambda b: _read_only(_float(b)), same),
        _h("memory-mapped", lambda b, t: _memmap(_float(b), t), same),
        _h("strided", lambda b: _strided(_float(b)), same),
        _h("negative strides", lambda b: _reversed_view(_float(b)), same),
        _h("2-D", lambda b: _float(b)[:, None], _error(r"{param} must be a one-dimensional array \(one value per row\); found shape \(\d+, 1\)")),
        _h("scalar", lambda b: 1.0, _error(r"{param} must be a one-dimensional array .*; found shape \(\)")),
        _h("too short", lambda b: _float(b)[:-1], _error(r"{param} must be of length \d+ like [\w ]+; found length \d+")),
        _h("masked", lambda b: np.ma.masked_equal(_float(b), 0), _error(r"{param} must be a plain array", TypeError)),
        _h("ragged list", lambda b: [[1.0], [2.0, 3.0]], _error(r"{param} must be an array of numbers; found list", TypeError)),
    ]


def _id_hostiles():
    ints = Same(lambda b: np.asarray(b, np.int64))
    return [
        _h("out of range", lambda b: _set(b, 0, 99, np.int64), _error(r"{param} must be ids in \[0, \d+\); found 99 at row 0; 1 rows in all")),
        _h("negative id", lambda b: _set(b, 1, -1, np.int64), _error(r"{param} must be ids in \[0, \d+\); found -1 at row 1")),
        _h("float ids", lambda b: np.asarray(b, np.float64), _error(r"{param} must be integer ids; found dtype float64", TypeError)),
        _h("bool ids", lambda b: np.asarray(b) > 0, _error(r"{param} must be integer ids; found dtype bool", TypeError)),
        _h("complex ids", lambda b: np.asarray(b, np.complex64), _error(_NUMERIC + "complex64", TypeError)),
        _h("str ids", lambda b: np.asarray(b).astype(str), _error(_NUMERIC + "<U", TypeError)),
        _h("int8", lambda b: np.asarray(b, np.int8), ints),
        _h("uint16", lambda b: np.asarray(b, np.uint16), ints),
        _h("uint64", lambda b: np.asarray(b, np.uint64), ints),
        _h("uint64 beyond int64", lambda b: _set(np.asarray(b, np.uint64), 0, 2**63 + 5), _error(r"{param} must be ids (in \[0, \d+\)|below \d+); found 9223372036854775813")),
        _h("int32", lambda b: np.asarray(b, np.int32), ints),
        _h("list", lambda b: np.asarray(b).tolist(), ints),
        _h("read-only", lambda b: _read_only(np.asarray(b, np.int64)), ints),
        _h("memory-mapped", lambda b, t: _memmap(np.asarray(b, np.int64), t, "ids.dat"), ints),
        _h("strided", lambda b: _strided(np.asarray(b, np.int64)), ints),
        _h("2-D", lambda b: np.asarray(b)[:, None], _error(r"{param} must be a one-dimensional array")),
        _h("scalar", lambda b: 0, _error(r"{param} must be a one-dimensional array .*; found shape \(\)")),
    ]


def _count_hostiles():
    return [
        _h("zero", lambda b: 0, _error(r"{param} must be a positive integer; found 0")),
        _h("negative", lambda b: -3, _error(r"{param} must be a positive integer; found -3")),
        _h("float", lambda b: 2.5, _error(r"{param} must be a positive integer; found 2.5")),
        _h("nan", lambda b: float("nan"), _error(r"{param} must be a positive integer; found nan")),
        _h("bool", lambda b: True, _error(r"{param} must be a positive integer; found True")),
        _h("str", lambda b: "3", _error(r"{param} must be a positive integer; found '3'")),
        _h("numpy int", lambda b: np.int64(b), Same()),
        _h("absurd", lambda b: 10**15, "absurd"),  # what it means is the function's (registry)
    ]


def _thread_hostiles():
    one = Same(lambda b: 1)
    bound = r"n_threads must be None \(all cores\) or a positive integer up to 4096 .*; found "
    return [
        _h("one", lambda b: 1, one),
        _h("all cores", lambda b: None, one),
        _h("numpy int", lambda b: np.int32(2), one),
        _h("more than the cores", lambda b: 64, one),
        _h("the bound", lambda b: 4096, one),
        _h("above the bound", lambda b: 4097, _error(bound + "4097")),
        _h("a million", lambda b: 10**6, _error(bound + "1000000")),
        _h("2**63", lambda b: 2**63, _error(bound + "9223372036854775808")),
        _h("zero", lambda b: 0, _error(bound + "0")),
        _h("negative", lambda b: -1, _error(bound + "-1")),
        _h("float", lambda b: 2.0, _error(bound + "2.0")),
        _h("bool", lambda b: True, _error(bound + "True")),
        _h("str", lambda b: "2", _error(bound + "'2'")),
    ]


def _scale_hostiles():
    msg = r"scale must be a positive finite number up to \S+ \(100 for percentages, 1 for shares\); found "
    return [
        _h("nan", lambda b: float("nan"), _error(msg + "nan")),
        _h("inf", lambda b: float("inf"), _error(msg + "inf")),
        _h("negative", lambda b: -1, _error(msg + "-1")),
        _h("zero", lambda b: 0, _error(msg + "0")),
        _h("bool", lambda b: True, _error(msg + "True")),
        _h("str", lambda b: "100", _error(msg + "'100'")),
        _h("complex", lambda b: 1j, _error(msg + "1j")),
        _h("numpy float", lambda b: np.float32(b), Same()),
        _h("int", lambda b: int(b), Same()),
        _h("tiny", lambda b: 1e-300, Holds(lambda r: True, "finite, tiny")),
        _h("huge", lambda b: 1e300, Holds(lambda r: True, "finite")),
    ]


def _aggregation_hostiles():
    """0/1 matrices saying which countries make each output row (rows=, cols= of the bilateral
    indicators): any numeric dtype or sparse format holding 0s and 1s means the same."""
    same = Same(_float)
    not_01 = r"{param} must be a matrix of 0s and 1s \(members of each output row\); found "
    shape = r"{param} must be None or a 2-D 0/1 matrix with \d+ columns \(one per country\); found shape "
    return [
        _h("bool", lambda b: np.asarray(b) > 0, same),
        _h("int8", lambda b: np.asarray(b, np.int8), same),
        _h("list", lambda b: np.asarray(b).tolist(), same),
        _h("read-only", lambda b: _read_only(_float(b)), same),
        _h("Fortran", lambda b: np.asfortranarray(_float(b)), same),
        _h("explicit zeros", _explicit_zeros, same),
        _h("duplicates coo", _duplicates("coo"), same),
        _h("two", lambda b: _float(b) * 2, _error(not_01 + "2.0")),
        _h("half", lambda b: _set(b, (0, 0), 0.5), _error(not_01 + "0.5")),
        _h("negative", lambda b: _set(b, (0, 0), -1.0), _error(not_01 + "-1.0")),
        _h("nan", lambda b: _set(b, (0, 0), np.nan), _error(not_01 + "nan")),
        _h("complex", lambda b: np.asarray(b, np.complex128), _error(_NUMERIC + "complex128", TypeError)),
        _h("object", lambda b: np.asarray(b, object), _error(_NUMERIC + "object", TypeError)),
        _h("str", lambda b: np.asarray(b).astype(str), _error(_NUMERIC + "<U", TypeError)),
        _h("1-D", lambda b: _float(b)[0], _error(shape + r"\(\d+,\)")),
        _h("too few columns", lambda b: _float(b)[:, :-1], _error(shape + r"\(\d+, \d+\)")),
        _h("scalar", lambda b: 1.0, _error(shape + r"\(\)")),
        _h("no members", lambda b: np.zeros_like(_float(b)), "reference"),  # what it means is the formula's
        _h("one empty row", lambda b: _set(b, 0, 0.0), "reference"),
    ] + [_h(f"{fmt}_{kind}", _sparse(fmt, kind), same) for fmt in ("csr", "csc", "coo", "lil", "dok")
         for kind in ("array", "matrix")]


# -- the labelled API (tradeindex.complementarity, grubel_lloyd, ..., TradeFlows): keyword values ------
# The labelled bases (registry.FLOWS): the years 2014 and 2015, six countries, three HS6 products.
def _present(found):
    return _error(r"{param} must be one of the years present \[2014, 2015\]; found " + found)


def _years_hostiles():
    both = Same(lambda b: [2014, 2015])
    return [
        _h("absent", lambda b: 2050, _present("2050")),
        _h("text", lambda b: "2014", _present("'2014'")),
        _h("float", lambda b: 2014.0, _present(r"2014\.0")),
        _h("bool", lambda b: True, _present("True")),
        _h("nan", lambda b: float("nan"), _present("nan")),
        _h("absent in a list", lambda b: [2014, 1990], _present("1990")),
        _h("empty list", lambda b: [], _error(r"{param} must be None, a year or a non-empty list of years; found an empty list")),
        _h("repeated", lambda b: [2014, 2014], _error(r"{param} must be a list of different years; found 2014 more than once")),
        _h("numpy int", lambda b: np.int64(2015), Same(lambda b: 2015)),
        _h("tuple", lambda b: (2015, 2014), both),
        _h("range", lambda b: range(2014, 2016), both),
        _h("array", lambda b: np.array([2014, 2015]), both),
    ]


def _year_hostiles():
    """One year (marginal IIT's start and end)."""
    return [
        _h("absent", lambda b: 2050, _present("2050")),
        _h("text", lambda b: str(b), _present(r"'\d+'")),
        _h("float", lambda b: float(b), _present(r"\d+\.0")),
        _h("bool", lambda b: True, _present("True")),
        _h("None", lambda b: None, _present("None")),
        _h("the other year", lambda b: 4029 - b, _error(r"end must be a year different from start; found \d+")),
        _h("numpy int", lambda b: np.int32(b), Same()),
    ]


def _products_hostiles():
    unknown = r"{param} must be HS product codes or prefixes of codes present in these flows \(3 in all\); found "
    spec = r"{param} must be a code, a prefix or a range of equal-width codes like '84-90'; found "
    kinds = r"{param} must be product codes, prefixes, ranges or named sets \(a list or comma-separated text\); found "
    every = Same(lambda b: None)  # the base flows' three products
    return [
        _h("unknown", lambda b: "9999", _error(unknown + "'9999'")),
        _h("unknown in a list", lambda b: ["84", "9999"], _error(unknown + "'9999'")),
        _h("lost leading zero", lambda b: [10121], _error(unknown + "'10121'")),
        _h("empty list", lambda b: [], _error(r"{param} must be at least one product code, prefix, range or named set; found (\[\]|\(\))")),
        _h("empty text", lambda b: " , ", _error(r"{param} must be at least one product code, .*; found (' , '|\(\))")),
        _h("reversed range", lambda b: "90-84", _error(spec + "'90-84'")),
        _h("open range", lambda b: "84-", _error(spec + "'84-'")),
        _h("other classification", lambda b: "sitc3:7", _error(r"{param} must be codes of the flows' classification \(HS\); found SITC3 codes sitc3:7")),
        _h("number", lambda b: 84, _error(kinds + "84", TypeError)),
        _h("nan", lambda b: float("nan"), _error(kinds + "nan", TypeError)),
        _h("None in a list", lambda b: [None], _error(unknown + "'None'")),
        _h("a range of all", lambda b: "01-85", every),
        _h("named set", lambda b: "engineering", Holds(lambda r: True, "the products of the set present")),
        _h("tuple", lambda b: ("010121", "840110", "850110"), every),
        _h("array", lambda b: np.array(["010121", "840110", "850110"]), every),
        _h("comma-separated", lambda b: "010121, 840110,850110", every),
        _h("one prefix", lambda b: "8401", Holds(lambda r: True, "a subset")),
    ]


def _groups_hostiles():
    member = r"{param}\['G'\] must be countries present in these flows \(6 in all\); found "
    builtin = r"{param} must be a dict \{name: \[ISO3, \.\.\.\]\} or names of built-in groups \(.*\); found "
    return [
        _h("empty dict", lambda b: {}, Same(lambda b: None)),
        _h("empty list", lambda b: [], Same(lambda b: None)),
        _h("no members", lambda b: {"G": []}, _error(r"{param} must be a non-empty name with at least one member per group; found 'G': \[\]")),
        _h("unknown member", lambda b: {"G": ["RUS", "XXX"]}, _error(member + "'XXX'")),
        _h("World member", lambda b: {"G": ["RUS", "WLD"]}, _error(member + "'WLD'")),
        _h("None member", lambda b: {"G": [None]}, _error(member + "None")),
        _h("unknown built-in", lambda b: "NOSUCH", _error(builtin + "'NOSUCH'")),
        _h("a number", lambda b: 42, _error(builtin + "42")),
        _h("empty name", lambda b: {"": ["RUS"]}, _error(r"{param} must be a non-empty name with at least one member per group; found '': \['RUS'\]")),
        _h("a country's name", lambda b: {"RUS": ["KAZ", "BLR"]}, _error(r"{param} must be names different from the country labels; found 'RUS'")),
        _h("a country for a group", lambda b: {"G": "RUS"}, _error(builtin + "'RUS'")),
        _h("repeated member", lambda b: {"G": ["RUS", "KAZ", "RUS"]}, Same(lambda b: {"G": ["RUS", "KAZ"]})),
        _h("members as an array", lambda b: {"G": np.array(["RUS", "KAZ"])}, Same(lambda b: {"G": ["RUS", "KAZ"]})),
        _h("numeric members", lambda b: {"G": [643, 398]}, Same(lambda b: {"G": ["RUS", "KAZ"]})),
        _h("built-in by name", lambda b: "EAEU", Same(lambda b: ["EAEU"])),
        _h("Group", lambda b: _builtin("EAEU"), Same(lambda b: "EAEU")),
    ]


def _builtin(name):
    import tradeindex
    return tradeindex.groups[name]


def _group_hostiles():
    """One group (regional_orientation's group, rca's reference, the report's group)."""
    one = r"{param} must be one group: a built-in group name or \{name: \[ISO3, \.\.\.\]\}; found "
    return [
        _h("unknown built-in", lambda b: "NOSUCH", _error(r"{param} must be a dict \{name: \[ISO3, \.\.\.\]\} or names of built-in groups \(.*\); found 'NOSUCH'")),
        _h("two groups", lambda b: {"A": ["RUS"], "B": ["KAZ"]}, _error(one + r"2 groups \(A, B\)")),
        _h("None", lambda b: None, _error(one + r"0 groups \(\)")),
        _h("empty dict", lambda b: {}, _error(one + r"0 groups \(\)")),
        _h("unknown member", lambda b: {"G": ["RUS", "XXX"]}, _error(r"{param}\['G'\] must be countries present in these flows \(6 in all\); found 'XXX'")),
        _h("Group", lambda b: _builtin("EAEU"), Same(lambda b: "EAEU")),
        _h("lower case", lambda b: "eaeu", Same(lambda b: "EAEU")),
        _h("in a list", lambda b: ["EAEU"], Same(lambda b: "EAEU")),
    ]


def _membership_hostiles():
    msg = (r"{param} must be 'by-year' \(each year's members\), 'fixed' \(the last year's members in every year\) "
           r"or a year \(that year's members in every year\); found ")
    return [
        _h("unknown", lambda b: "sometimes", _error(msg + "'sometimes'")),
        _h("None", lambda b: None, _error(msg + "None")),
        _h("too early", lambda b: 1800, _error(msg + "1800")),
        _h("bool", lambda b: True, _error(msg + "True")),
        _h("float", lambda b: 2014.5, _error(msg + r"2014\.5")),
        _h("text year", lambda b: "2015", _error(msg + "'2015'")),
        _h("numpy year", lambda b: np.int64(2015), Same(lambda b: 2015)),
        _h("fixed", lambda b: "fixed", Holds(lambda r: True, "the last year's members")),
    ]


def _choice_hostiles(choices=None):
    msg = r"{param} must be one of .*; found "
    out = [
        _h("unknown", lambda b: "nonsense", _error(msg + "'nonsense'")),
        _h("upper case", lambda b: str(b).upper(), _error(msg + "'[A-Z0-9]+'")),
        _h("number", lambda b: 1, _error(msg + "1")),
        _h("in a list", lambda b: [b], _error(msg + r"\[.*\]")),
    ]
    return out


def _dtype_hostiles():
    msg = r"{param} must be one of 'float64', 'float32'; found "
    return [
        _h("float16", lambda b: "float16", _error(msg + "'float16'")),
        _h("int", lambda b: "int", _error(msg + "'int'")),
        _h("None", lambda b: None, _error(msg + "None")),
        _h("short code", lambda b: "f4", _error(msg + "'f4'")),
        _h("NumPy type", lambda b: np.float64, Same(lambda b: "float64")),
        _h("NumPy dtype", lambda b: np.dtype("float64"), Same(lambda b: "float64")),
        _h("float32", lambda b: "float32", Holds(lambda r: True, "float32 storage")),
    ]


def _method_hostiles():
    msg = r"{param} must be one of 'auto', 'dense', 'sparse'; found "
    return [
        _h("unknown", lambda b: "fast", _error(msg + "'fast'")),
        _h("None", lambda b: None, _error(msg + "None")),
        _h("capitalised", lambda b: "Dense", _error(msg + "'Dense'")),
        _h("dense", lambda b: "dense", Same()),
        _h("sparse", lambda b: "sparse", Same()),
    ]


def _alpha_hostiles():
    msg = r"{param} must be a number strictly between 0 and 1 \(0.15 or 0.25 in the literature\); found "
    return [_h(name, _const(v), _error(msg + re_found)) for name, v, re_found in (
        ("zero", 0, "0"), ("one", 1, "1"), ("negative", -0.1, r"-0\.1"), ("nan", float("nan"), "nan"),
        ("text", "0.15", "'0.15'"), ("bool", True, "True"))] + [
        _h("numpy float", lambda b: np.float64(b), Same())]


def _const(value):
    return lambda b: value


def _flows_hostiles():
    msg = r"{param} must be TradeFlows \(read_baci, sample, TradeFlows.from_frame\) or LazyFlows \(scan_baci\); found "
    return [
        _h("None", lambda b: None, _error(msg + "NoneType", TypeError)),
        _h("a frame", lambda b: b.to_pandas(), _error(msg + "DataFrame", TypeError)),
        _h("a path", lambda b: "BACI_HS17_V202401.zip", _error(msg + "str", TypeError)),
        _h("a matrix", lambda b: b.exports(2014), _error(msg + "TradeMatrix", TypeError)),
        _h("lazy", lambda b, t: _lazy(b, t), Same()),
        _h("shuffled rows", _shuffled, Same()),
        _h("one year", lambda b: b.select(years=2015), Holds(lambda r: True, "that year only")),
        _h("empty selection", lambda b: b.select(exporters=["DEU"], importers=["DEU"]), Holds(_no_values, "no values")),
    ]


def _empty(result):
    return all(a.size == 0 for a in result)


def _no_values(result):
    """An empty result, or one whose values are all NaN (a group's row without members)."""
    return all(np.isnan(a).all() for a in result if a.dtype.kind == "f")


def _lazy(flows, tmp_path):
    """The same flows as a folder of BACI CSV files (one a year), read lazily (scan_baci)."""
    import pyarrow.csv as pacsv
    import tradeindex
    t = flows.to_arrow()
    folder = tmp_path / "baci"
    folder.mkdir(exist_ok=True)
    for year in flows.years:
        part = t.filter(np.asarray(t["year"]) == year)
        pacsv.write_csv(part.select(["year", "exporter_code", "importer_code", "product", "value", "quantity"])
                        .rename_columns(["t", "i", "j", "k", "v", "q"]), folder / f"BACI_HS17_Y{year}_V202401.csv")
    return tradeindex.scan_baci(folder)


def _shuffled(flows):
    import tradeindex
    t = flows.to_arrow()
    order = np.random.default_rng(0).permutation(t.num_rows)
    t = t.take(order)
    return tradeindex.TradeFlows.from_arrays(t["exporter_code"], t["importer_code"], t["product"], t["value"],
                                             quantity=t["quantity"], year=t["year"], hs=flows.hs)


# -- TradeFlows.from_arrays / from_frame: columns and rows -----------------------------------------------
def _listed(base, row, value):
    out = list(base)
    out[row] = value
    return out


def _code_hostiles():
    """A column of numeric country codes (exporter, importer)."""
    kinds = r"{param} must be country or product codes \(integers or text\); found a column of type "
    one_d = r"{param} must be a one-dimensional column of codes or numbers; found "
    same = Same(lambda b: np.asarray(b, np.int64))
    return [
        _h("None", lambda b: _listed(b, 1, None), _error(r"{param} must be present in every row; found a missing value at row 1")),
        _h("World", lambda b: _listed(b, 0, 0), _error(r"{param} must be a country code, not an aggregate; found 0 \(World\) at row 0")),
        _h("EU aggregate", lambda b: _listed(b, 0, 97), _error(r"{param} must be a country code, not an aggregate; found 97 \(EU \(aggregate\)\) at row 0")),
        _h("negative", lambda b: _listed(b, 0, -4), _error(r"{param} must be non-negative numeric country codes; found -4 at row 0")),
        _h("float", lambda b: np.asarray(b, np.float64), _error(kinds + "double", TypeError)),
        _h("nan", lambda b: _set(np.asarray(b, np.float64), 1, np.nan), _error(kinds + "double", TypeError)),
        _h("bool", lambda b: np.asarray(b) > 100, _error(kinds + "bool", TypeError)),
        _h("complex", lambda b: np.asarray(b, np.complex128), _error(r"{param} must be .*; found .*complex", TypeError)),
        _h("datetime", lambda b: np.asarray(b, "datetime64[D]"), _error(kinds + "date32", TypeError)),
        _h("text beside numbers", lambda b: [str(c) for c in b], _error(r"importer must be codes of the same kind as exporter \(both numeric or both text\)", TypeError)),
        _h("unknown code", lambda b: _listed(b, 0, 999999), Holds(lambda r: True, "kept as its own country, labelled by its code")),
        _h("int32", lambda b: np.asarray(b, np.int32), same),
        _h("uint16", lambda b: np.asarray(b, np.uint16), same),
        _h("pandas", lambda b: _series(b), same),
        _h("pyarrow", lambda b: _pa_array(b), same),
        _h("read-only", lambda b: _read_only(np.asarray(b, np.int64)), same),
        _h("2-D", lambda b: np.asarray(b)[:, None], _error(one_d + "ndarray", TypeError)),
        _h("scalar", lambda b: 643, _error(one_d + "int", TypeError)),
        _h("too short", lambda b: list(b)[:-1], _error(r"\w+ must be of length \d+ like exporter; found length \d+")),
    ]


def _series(b):
    import pandas as pd
    return pd.Series(b)


def _pa_array(b):
    import pyarrow as pa
    return pa.array(b)


def _product_code_hostiles():
    kinds = r"{param} must be country or product codes \(integers or text\); found a column of type "
    return [
        _h("None", lambda b: _listed(b, 1, None), _error(r"{param} must be present in every row; found a missing value at row 1")),
        _h("integers", lambda b: [int(c) for c in b], Same()),  # lost leading zeros: padded back
        _h("lost leading zero", lambda b: [c.lstrip("0") for c in b], Same()),
        _h("pyarrow", lambda b: _pa_array(b), Same()),
        _h("categorical", lambda b: _series(b).astype("category"), Same()),
        _h("float", lambda b: np.asarray([int(c) for c in b], np.float64), _error(kinds + "double", TypeError)),
        _h("HS4 beside HS6", lambda b: _listed(b, 1, b[1][:4]), _error(r"{param} must be .*; found '\d{4}'")),
    ]


def _flow_value_hostiles():
    numeric = r"{param} must be numeric \(integer or float\); found a column of type "
    same = Same(lambda b: np.asarray(b, np.float64))
    return [
        _h("negative", lambda b: _set(np.asarray(b, np.float64), 1, -2.0), _error(r"{param} must be finite and non-negative; found -2.0 at row 1")),
        _h("nan", lambda b: _set(np.asarray(b, np.float64), 1, np.nan), _error(r"{param} must be a number in every row \(no NaN or missing\); found NaN at row 1")),
        _h("inf", lambda b: _set(np.asarray(b, np.float64), 0, np.inf), _error(r"{param} must be finite and non-negative; found inf at row 0")),
        _h("None", lambda b: _listed(b, 1, None), _error(r"{param} must be present in every row; found a missing value at row 1")),
        _h("masked", lambda b: np.ma.masked_equal(np.asarray(b, np.float64), b[1]), _error(r"{param} must be present in every row; found a missing value at row 1")),
        _h("bool", lambda b: np.asarray(b) > 0, _error(numeric + "bool", TypeError)),
        _h("complex", lambda b: np.asarray(b, np.complex128), _error(r"{param} must be .*; found .*complex", TypeError)),
        _h("datetime", lambda b: np.asarray(b, np.int64).astype("datetime64[D]"), _error(numeric + "date32", TypeError)),
        _h("text", lambda b: [str(v) for v in b], _error(numeric + "string", TypeError)),
        _h("uint64 beyond 2**53", lambda b: _set(np.asarray(b, np.uint64), 0, 2**64 - 1), Holds(lambda r: True, "float64")),
        _h("float16", lambda b: np.asarray(b, np.float16), same),
        _h("int64", lambda b: np.asarray(b, np.int64), same),
        _h("object", lambda b: np.asarray(b, object), same),
        _h("pandas", lambda b: _series(np.asarray(b, np.float64)), same),
        _h("memory-mapped", lambda b, t: _memmap(np.asarray(b, np.float64), t), same),
        _h("strided", lambda b: _strided(np.asarray(b, np.float64)), same),
        _h("2-D", lambda b: np.asarray(b, np.float64)[:, None], _error(r"{param} must be a one-dimensional column of codes or numbers; found ndarray", TypeError)),
        _h("too short", lambda b: list(b)[:-1], _error(r"{param} must be of length \d+ like exporter; found length \d+")),
    ]


def _quantity_hostiles():
    return [
        _h("negative", lambda b: _set(np.asarray(b, np.float64), 1, -1.0), _error(r"{param} must be finite and non-negative; found -1.0 at row 1")),
        _h("missing", lambda b: _listed(b, 1, None), Same(lambda b: _set(np.asarray(b, np.float64), 1, np.nan))),
        _h("text", lambda b: [str(v) for v in b], _error(r"{param} must be numeric \(integer or float\); found a column of type string", TypeError)),
    ]


def _year_column_hostiles():
    years = r"{param} must be integer years; found a column of type "
    return [
        _h("text", lambda b: "2014", _error(r"{param} must be an integer year or a column of years; found '2014'", TypeError)),
        _h("bool", lambda b: True, _error(r"{param} must be an integer year or a column of years; found True", TypeError)),
        _h("floats", lambda b: np.asarray(b, np.float64), _error(years + "double", TypeError)),
        _h("texts", lambda b: [str(y) for y in b], _error(years + "string", TypeError)),
        _h("None", lambda b: _listed(b, 1, None), _error(r"{param} must be present in every row; found a missing value at row 1")),
        _h("int32", lambda b: np.asarray(b, np.int32), Same()),
        _h("beyond int32", lambda b: _listed(b, 0, 10**12), _error(r"{param} must be .*; found 1000000000000")),
        _h("negative", lambda b: _listed(b, 0, -5), _error(r"{param} must be .*; found -5")),
    ]


def _hs_hostiles():
    return [
        _h("lower case", lambda b: "hs17", Same(lambda b: "HS17")),
        _h("Comtrade code", lambda b: "H5", Same(lambda b: "HS17")),
        _h("unknown", lambda b: "HS99", _error(r"{param} must be .*; found 'HS99'")),
        _h("number", lambda b: 17, _error(r"{param} must be .*; found 17")),
    ]


def _rows_hostiles():
    """The rows of flows as a whole (from_arrays' columns together): what a row means."""
    def rows(b, **changes):
        out = {k: list(v) for k, v in b.items()}
        for k, (r, v) in changes.items():
            out[k][r] = v
        return out

    def twice(b):
        return {k: list(v) + [v[0]] for k, v in b.items()}
    return [
        _h("self-trade", lambda b: rows(b, importer=(0, b["exporter"][0])), _error(r"importer must be different from exporter \(no trade of a country with itself\); found the same country at row 0")),
        _h("World partner", lambda b: rows(b, importer=(2, 0)), _error(r"importer must be a country code, not an aggregate; found 0 \(World\) at row 2")),
        _h("duplicate row", twice, _error(r"flows must be unique per \(year, exporter, importer, product\) .*; found a duplicated row at row \d+ .*, repeating row 0")),
        _h("duplicate row, summed", lambda b: {**twice(b), "duplicates": "sum"}, Holds(lambda r: True, "summed and reported")),
        _h("lower-case ISO3", lambda b: {**b, "exporter": ["rus" if c == 643 else _iso(c) for c in b["exporter"]],
                                         "importer": [_iso(c) for c in b["importer"]]}, Holds(_one_russia, "one Russia")),
        _h("no rows", lambda b: {k: [] for k in b}, Holds(_empty, "empty flows")),
    ]


def _iso(code):
    return {643: "RUS", 398: "KAZ", 112: "BLR", 51: "ARM", 417: "KGZ", 276: "DEU"}[code]


def _one_russia(result):
    """The countries of the flows (the last array: see labelled._with_countries) hold one RUS."""
    return [str(c).upper() for c in result[-1]].count("RUS") == 1


def _countries_hostiles():
    """Countries asked for as rows or columns (exporters=, reporters=, countries=, partners=)."""
    msg = r"{param} must be countries present in these flows \(6 in all\); found "
    return [
        _h("unknown", lambda b: "XXX", _error(msg + "'XXX'")),
        _h("World", lambda b: ["RUS", "WLD"], _error(msg + "'WLD'")),
        _h("None in a list", lambda b: [None], _error(msg + "None")),
        _h("numeric code", lambda b: 643, Same(lambda b: "RUS")),
        _h("lower case", lambda b: "rus", Same(lambda b: "RUS")),
        _h("name", lambda b: "Russian Federation", Same(lambda b: "RUS")),
        _h("repeated", lambda b: ["RUS", "KAZ", "RUS"], Same(lambda b: ["RUS", "KAZ"])),
        _h("array", lambda b: np.array(["KAZ", "RUS"]), Same(lambda b: ["RUS", "KAZ"])),
        _h("empty list", lambda b: [], Holds(lambda r: True, "no country rows (the groups' only)")),
    ]


def _partner_groups_hostiles():
    """Grubel-Lloyd's partner groups (by="country"): {name: members or None (the world)}."""
    return [
        _h("empty dict", lambda b: {}, _error(r"{param} must be a non-empty dict \{group name: list of countries or None\}; found an empty dict")),
        _h("no members", lambda b: {"G": []}, _error(r"{param}\['G'\] must be a non-empty list of countries or None \(the world\); found an empty list")),
        _h("unknown member", lambda b: {"G": ["RUS", "XXX"]}, _error(r"{param}\['G'\] must be countries present in these flows \(6 in all\); found 'XXX'")),
        _h("empty list", lambda b: [], _error(r"{param} must be None \(the world\), a list of countries or a dict of named groups; found an empty list")),
        _h("numeric key", lambda b: {1: ["RUS"]}, _error(r"{param} must be a dict keyed by group names \(str\); found key 1", TypeError)),
        _h("unknown built-in", lambda b: "NOSUCH", _error(r"{param} must be a dict \{name: \[ISO3, \.\.\.\]\} or names of built-in groups \(.*\); found 'NOSUCH'")),
        _h("the world", lambda b: None, Holds(lambda r: True, "one column, World")),
        _h("a list", lambda b: ["RUS", "KAZ"], Holds(lambda r: True, "one column, partners")),
        _h("built-in", lambda b: "EAEU", Holds(lambda r: True, "one column, EAEU")),
    ]


# -- files: corrupt and odd files of every format the readers take -----------------------------------------
HEADER = "t,i,j,k,v,q\n"
GOOD = HEADER + "".join(f"2001,4,8,{100000 + n:06d},1.5,NA\n" for n in range(2000))


def _write(tmp_path, name, content):
    """`content` (text or bytes) as tmp_path/<a folder of its own>/name; its path."""
    folder = tmp_path / f"case{len(list(tmp_path.iterdir()))}"
    folder.mkdir()
    path = folder / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    return path


def _parquet_bytes(table):
    import io

    import pyarrow.parquet as pq
    buf = io.BytesIO()
    pq.write_table(table, buf)
    return buf.getvalue()


def _zip_bytes(members, compression=None):
    import io
    import zipfile
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=compression or zipfile.ZIP_STORED) as zf:
        for name, text in members.items():
            zf.writestr(name, text)
    return buf.getvalue()


def _damaged_zip_member(_base, tmp_path):
    import zipfile
    data = bytearray(_zip_bytes({"BACI_HS92_Y2001_V1.csv": GOOD}, zipfile.ZIP_DEFLATED))
    data[200:260] = b"\x00" * 60  # the compressed member damaged, the directory kept
    return _write(tmp_path, "BACI_HS92_V1.zip", bytes(data))


def _rewritten(name, transform):
    """The base folder of BACI CSV files written again by `transform(text) -> (file name, bytes)`
    for each file: the same flows in another form."""
    def make(base, tmp_path):
        from pathlib import Path
        folder = tmp_path / f"rewritten{len(list(tmp_path.iterdir()))}"
        folder.mkdir()
        for f in sorted(Path(base).glob("*.csv")):
            out_name, data = transform(f.name, f.read_text())
            (folder / out_name).write_bytes(data)
        return folder
    return _h(name, make, Same())


def _as_parquet(name, text):
    import io

    import pyarrow.csv as pacsv
    table = pacsv.read_csv(io.BytesIO(text.encode()), convert_options=pacsv.ConvertOptions(
        column_types={"k": __import__("pyarrow").string()}))
    return name.replace(".csv", ".parquet"), _parquet_bytes(table)


def _same_files():
    import gzip
    return [
        _rewritten("gzipped", lambda n, t: (n + ".gz", gzip.compress(t.encode()))),
        _rewritten("as Parquet", _as_parquet),
        _rewritten("CRLF line ends", lambda n, t: (n, t.replace("\n", "\r\n").encode())),
        _rewritten("a byte-order mark", lambda n, t: (n, ("\ufeff" + t).encode())),
        _rewritten("lost leading zeros", lambda n, t: (n, "\n".join(
            ",".join(c.lstrip("0") if k == 3 and r else c for k, c in enumerate(line.split(",")))
            for r, line in enumerate(t.split("\n"))).encode())),
    ]


def _two_files(files):
    def make(_base, tmp_path):
        folder = _write(tmp_path, "placeholder", "").parent
        (folder / "placeholder").unlink()
        for name, content in files.items():
            (folder / name).write_bytes(content if isinstance(content, bytes) else content.encode())
        return folder
    return make


def _csv(name, content, expect):
    def make(_base, tmp_path):
        return _write(tmp_path, name, content)
    return _h(name, make, expect)


def _file_hostiles():
    """Corrupt and odd BACI files: a clear error naming the file (and the line where a CSV says
    it), never a raw library error, a crash or a silent empty result (tests/test_corrupt_files.py
    fuzzes the same readers with random and mutated bytes)."""
    import pyarrow as pa
    readable = r"file {} must be a readable {} file"
    rows = HEADER + "2001,4,8,010121,1.5,NA\n"
    one_rev = r"path must be files of one HS revision \(do not mix BACI vintages or revisions\); found \['HS17', 'HS92'\]"
    return [
        _h("missing", lambda b, t: t / "nope.csv", _error(r"path must be an existing BACI file, \.zip or directory; found '.*nope.csv'", FileNotFoundError)),
        _h("empty folder", lambda b, t: _two_files({})(b, t), _error(r"path must be a folder of BACI data files \(CSV, \.csv\.gz, Parquet\) or a hive-partitioned dataset; found none in")),
        _csv("extra.csv", rows + "2001,8,4,010121,2.5,NA,7\n", _error(readable.format("extra.csv", "CSV") + r" .*Expected 6 columns, got 7.* at line 3")),
        _csv("nonnum.csv", rows + "2001,8,4,010121,abc,NA\n", _error(readable.format("nonnum.csv", "CSV") + r" .*invalid value 'abc' at line 3")),
        _csv("BACI_HS92_Y2001_V1.csv", HEADER, _error(r"file BACI_HS92_Y2001_V1.csv must be BACI flows \(at least one data row\); found no data rows \(a header only\)")),
        _csv("empty.csv", "", _error(readable.format("empty.csv", "CSV") + r" .*Empty CSV file")),
        _csv("nocols.csv", "a,b\n1,2\n", _error(r"file nocols.csv must be a table with columns 't', 'i', 'j', 'k', 'v'")),
        _csv("semicolons.csv", rows.replace(",", ";"), _error(r"file semicolons.csv must be a table with columns 't', 'i', 'j', 'k', 'v'")),
        _csv("negative.csv", HEADER + "2001,4,8,010121,-1.5,NA\n", _error(r"value must be finite and non-negative; found -1.5 at line 2 of negative.csv")),
        _csv("nan.csv", HEADER + "2001,4,8,010121,nan,NA\n", _error(r"value must be a number in every row \(no NaN or missing\); found NaN at line 2 of nan.csv")),
        _csv("world.csv", HEADER + "2001,0,8,010121,1.5,NA\n", _error(r"exporter must be a country code, not an aggregate; found 0 \(World\) at line 2 of world.csv")),
        _csv("self.csv", HEADER + "2001,8,8,010121,1.5,NA\n", _error(r"importer must be different from exporter \(no trade of a country with itself\); found the same country at line 2 of self.csv")),
        _csv("twice.csv", rows + rows.splitlines()[1] + "\n", _error(r"flows must be unique per \(year, exporter, importer, product\) .*at line 3 of twice.csv")),
        _csv("code.csv", HEADER + "2001,4.5,8,010121,1.5,NA\n", _error(readable.format("code.csv", "CSV") + r" .*invalid value '4.5' at line 2")),
        _csv("binary.csv", b"\x00\xff\xfe" * 50, _error(readable.format("binary.csv", "CSV"))),
        _csv("BACI_HS92_Y2001_V1.csv.gz", __import__("gzip").compress(GOOD.encode())[:3000],
             _error(readable.format(r"BACI_HS92_Y2001_V1.csv.gz", "CSV") + r" .*truncated or damaged compressed file")),
        _csv("notgzip.csv.gz", b"not gzip at all", _error(readable.format(r"notgzip.csv.gz", "CSV"))),
        _csv("broken.parquet", _parquet_bytes(pa.table({"t": [2001], "i": [4], "j": [8], "k": ["010121"], "v": [1.0]}))[:-10],
             _error(readable.format("broken.parquet", "Parquet"))),
        _csv("empty.parquet", b"", _error(readable.format("empty.parquet", "Parquet"))),
        _csv("text.parquet", _parquet_bytes(pa.table({"t": [2001], "i": [4], "j": [8], "k": ["010121"], "v": ["abc"]})),
             _error(r"value must be numeric \(integer or float\); found a column of type string", TypeError)),
        _csv("BACI_HS92_V1.zip", b"PK\x03\x04" + b"garbage" * 20, _error(r"file BACI_HS92_V1.zip must be a readable .zip archive")),
        _csv("notbaci.zip", _zip_bytes({"readme.txt": "hello"}), _error(r"file notbaci.zip must be a BACI release .zip holding BACI_HSxx_Yyyyy_Vxxxxxx.csv")),
        _h("damaged zip member", _damaged_zip_member, _error(r"file BACI_HS92_Y2001_V1.csv must be a readable BACI .zip member|.*(Bad CRC|invalid)")),
        _csv("BACI_HS92_Y2001_V1.csv", HEADER + "2000,4,8,010121,1.5,NA\n", _error(r"file BACI_HS92_Y2001_V1.csv must be rows of 2001, the year its name \(or partition\) says; found year 2000")),
        _h("two HS revisions", _two_files({"BACI_HS17_Y2001_V1.csv": rows, "BACI_HS92_Y2002_V1.csv": rows.replace("2001", "2002")}), _error(one_rev)),
        _h("a CSV and its Parquet copy", _two_files({"BACI_HS92_Y2001_V1.csv": rows, "BACI_HS92_Y2001_V1.parquet": _parquet_bytes(
            pa.table({"t": [2001], "i": [4], "j": [8], "k": ["010121"], "v": [1.5]}))}),
            _error(r"path must be one data file per year .*; found year 2001 twice: BACI_HS92_Y2001_V1.csv and BACI_HS92_Y2001_V1.parquet")),
        *_same_files(),
        _h("a number", lambda b: 42, _error(r"path must be .*; found 42", TypeError)),
        _h("None", lambda b: None, _error(r"path must be .*; found None", TypeError)),
    ]


# -- the results' and the flows' methods ----------------------------------------------------------------
def _digits_hostiles():
    msg = r"{param} must be an integer from 1 to the current code length 6; found "
    return [_h(name, _const(v), _error(msg + found)) for name, v, found in (
        ("zero", 0, "0"), ("beyond the codes", 7, "7"), ("text", "2", "'2'"), ("bool", True, "True"),
        ("float", 2.0, r"2\.0"), ("negative", -1, "-1"), ("None", None, "None"))] + [
        _h("numpy int", lambda b: np.int64(b), Same())]


def _key_hostiles():
    """A cell of an IndexMatrix (.loc[row, col])."""
    among = r"(exporter|importer) must be labels, numeric country codes or country names among .*; found "
    return [
        _h("unknown row", lambda b: ("XXX", b[1]), _error(among + "'XXX'", KeyError)),
        _h("unknown column", lambda b: (b[0], "XXX"), _error(among + "'XXX'", KeyError)),
        _h("None", lambda b: (None, b[1]), _error(among + "None", KeyError)),
        _h("numeric codes", lambda b: (643, 398), Same()),
        _h("names", lambda b: ("Russian Federation", "Kazakhstan"), Same()),
    ]


def _output_hostiles(suffix, error, exists):
    """Where a table is written (a file name ending in `suffix`): `error(pattern, exc)` makes the
    expectation of an error; `exists`: what the message says of an existing file."""
    def existing(_b, tmp_path):
        path = tmp_path / f"exists{suffix}"
        path.write_bytes(b"x")
        return path
    return [
        _h("unknown extension", lambda b, t: t / "x.xyz", error(r"{param} must be a file name ending in .*; found '.*x\.xyz'", ValueError)),
        _h("a folder", lambda b, t: t, error(r"{param} must be a file name ending in .*; found '.*'", ValueError)),
        _h("exists", existing, error(exists + rf"; found '.*exists\{suffix}' exists", FileExistsError)),
        _h("in a missing folder", lambda b, t: t / "missing" / f"x{suffix}",
           error(r"{param} must be a file in an existing folder; found '.*missing', not a folder", FileNotFoundError)),
    ]


def _output_file_hostiles():
    return _output_hostiles(".csv", _error, r"{param} must be a file that does not exist yet, or pass overwrite=True") + [
        _h("a number", lambda b: 42, _error(r"{param} must be a file name ending in .*; found '42'"))]


def _output_folder_hostiles():
    def full(_b, tmp_path):
        (tmp_path / "full").mkdir()
        (tmp_path / "full" / "mine.txt").write_text("x")
        return tmp_path / "full"

    def a_file(_b, tmp_path):
        (tmp_path / "file.csv").write_text("x")
        return tmp_path / "file.csv"
    return [
        _h("a folder holding files", full, _error(r"out_dir must be a new or empty folder, or pass overwrite=True .*; found '.*full' holding 1 entries", FileExistsError)),
        _h("a file", a_file, _error(r"out_dir must be a folder; found '.*file\.csv', an existing file", FileExistsError)),
        _h("a number", lambda b: 42, _error(r"out_dir must be a folder path \(text or pathlib\.Path\); found 42", TypeError)),
        _h("in a new folder", lambda b, t: t / "new" / "report", Holds(lambda r: True, "created")),
    ]


def _stream_hostiles():
    msg = r"{param} must be None \(standard output\) or a text stream with a write\(\) method; found "
    return [
        _h("a number", lambda b: 42, _error(msg + "42", TypeError)),
        _h("a path", lambda b: "config.txt", _error(msg + "'config.txt'", TypeError)),
        _h("a text stream", lambda b: __import__("io").StringIO(), Same()),
    ]


# -- the command line (tests/adversarial/cli.py): option values as typed -------------------------------------
class CliError(Exception):
    """A user error of the `tradeindex` command: exit code 2 and one line on stderr (its text
    after "error: "); cli.py raises it so that the expectations read like the API's."""


def _cli(message, exc=CliError):
    return Raises(exc, message)


HELP = r" \(see tradeindex( \S+)? --help\)"


def _cli_years():
    return [
        _h("absent", lambda b: "2050", _cli(r"years must be one of the years present \[2014, 2015\]; found 2050")),
        _h("reversed", lambda b: "2015-2014", _cli(r"--years must be years like 2017, 2010-2017 or 2010,2012,2015-2017; found '2015-2014'")),
        _h("text", lambda b: "abc", _cli(r"--years must be years like .*; found 'abc'")),
        _h("empty", lambda b: "", _cli(r"--years must be years like .*; found ''")),
        _h("a range of both", lambda b: "2014-2015", Same(lambda b: None)),
        _h("both listed", lambda b: "2015,2014", Same(lambda b: None)),
        _h("one", lambda b: "2015", Holds(lambda r: True, "one year")),
    ]


def _cli_threads():
    bound = r"n_threads must be None \(all cores\) or a positive integer up to 4096 .*; found "
    return [
        _h("zero", lambda b: "0", _cli(bound + "0")),
        _h("above the bound", lambda b: "4097", _cli(bound + "4097")),
        _h("negative", lambda b: "-1", _cli(bound + "-1")),
        _h("text", lambda b: "abc", _cli(r"argument --threads: invalid int value: 'abc'" + HELP)),
        _h("float", lambda b: "2.5", _cli(r"argument --threads: invalid int value: '2.5'" + HELP)),
        _h("more than the cores", lambda b: "64", Same(lambda b: None)),
    ]


def _cli_scale():
    msg = r"scale must be a positive finite number up to \S+ \(100 for percentages, 1 for shares\); found "
    return [
        _h("nan", lambda b: "nan", _cli(msg + "nan")),
        _h("negative", lambda b: "-1", _cli(msg + r"-1\.0")),
        _h("zero", lambda b: "0", _cli(msg + r"0\.0")),
        _h("inf", lambda b: "inf", _cli(msg + "inf")),
        _h("text", lambda b: "abc", _cli(r"argument --scale: invalid float value: 'abc'" + HELP)),
        _h("one", lambda b: "1", Holds(lambda r: True, "shares")),
    ]


def _cli_count():
    return [
        _h("zero", lambda b: "0", _cli(r"top_k must be a positive integer; found 0")),
        _h("negative", lambda b: "-3", _cli(r"top_k must be a positive integer; found -3")),
        _h("text", lambda b: "abc", _cli(r"argument --top-k: invalid int value: 'abc'" + HELP)),
        _h("absurd", lambda b: "1000000000000000", _cli(r"top_k must be small enough for the result to fit in memory")),
        _h("two", lambda b: "2", Holds(lambda r: True, "two partners")),
    ]


def _cli_choice():
    return [
        _h("unknown", lambda b: "nonsense", _cli(r"argument {param}: invalid choice: 'nonsense' \(choose from .*\)" + HELP)),
        _h("upper case", lambda b: str(b).upper(), _cli(r"argument {param}: invalid choice: '\w+' \(choose from .*\)" + HELP)),
    ]


def _cli_products():
    return [
        _h("unknown", lambda b: "9999", _cli(r"products must be HS product codes or prefixes of codes present in these flows \(3 in all\); found '9999'")),
        _h("only commas", lambda b: ",", _cli(r"products must be at least one product code, prefix, range or named set; found (','|\(\))")),
        _h("reversed range", lambda b: "90-84", _cli(r"products must be a code, a prefix or a range of equal-width codes like '84-90'; found '90-84'")),
        _h("a prefix", lambda b: "84", Holds(lambda r: True, "chapter 84")),
    ]


def _cli_countries():
    return [
        _h("unknown", lambda b: "XXX", _cli(r"\w+ must be countries .*; found 'XXX'")),
        _h("only commas", lambda b: ",", Holds(lambda r: True, "no country rows")),
        _h("repeated", lambda b: "RUS,RUS", Same(lambda b: "RUS")),
        _h("numeric", lambda b: "643", Same(lambda b: "RUS")),
    ]


def _cli_group():
    spec = r"--group must be NAME=A,B,C \(e.g. EAEU=ARM,BLR,KAZ,KGZ,RUS\) or a built-in group \(.*\); found "
    return [
        _h("no members", lambda b: ["G="], _cli(spec + "'G='")),
        _h("no name", lambda b: ["=RUS,KAZ"], _cli(spec + "'=RUS,KAZ'")),
        _h("unknown built-in", lambda b: ["NOSUCH"], _cli(spec + "'NOSUCH'")),
        _h("unknown member", lambda b: ["G=RUS,XXX"], _cli(r"groups?\['G'\] must be countries .*; found 'XXX'")),
        _h("the same name twice", lambda b: ["G=RUS", "G=KAZ"], _cli(r"--group must be groups of different names; found 'G' twice")),
        _h("built-in", lambda b: ["EAEU"], Holds(lambda r: True, "the EAEU")),
    ]


def _cli_membership():
    msg = r"membership must be 'by-year' \(each year's members\), .*; found "
    return [
        _h("unknown", lambda b: "sometimes", _cli(msg + "'sometimes'")),
        _h("too early", lambda b: "1800", _cli(msg + "1800")),
        _h("fixed", lambda b: "fixed", Holds(lambda r: True, "the last year's members")),
    ]


def _cli_alpha():
    msg = r"alpha must be a number strictly between 0 and 1 \(0.15 or 0.25 in the literature\); found "
    return [
        _h("zero", lambda b: "0", _cli(msg + r"0\.0")),
        _h("one", lambda b: "1", _cli(msg + r"1\.0")),
        _h("nan", lambda b: "nan", _cli(msg + "nan")),
        _h("text", lambda b: "abc", _cli(r"argument --alpha: invalid float value: 'abc'" + HELP)),
    ]


def _cli_output():
    return _output_hostiles(".parquet", lambda pattern, exc: _cli(pattern.replace("{param}", "-o/--output")),
                            r"-o/--output must be a new file or an empty folder, or pass --overwrite \(overwrite=True\) "
                            r"to replace it")


def _cli_extra():
    return [_h("unknown option", lambda b: "--bogus", _cli(r"unrecognized arguments: --bogus" + HELP))]


def _cli_files(names=None):
    """The file kind as the command sees it: paths as text, the same errors in one line."""
    out = []
    for h in _file_hostiles():
        if h.name in ("a number", "None") or (names and h.name not in names):
            continue
        expect = Raises(CliError, h.expect.pattern) if isinstance(h.expect, Raises) else h.expect
        out.append(Hostile(h.name, h.make, expect, h.values, h.tags))
    return out


#: kind -> hostile inputs for parameters of that kind
HOSTILE = {
    "years": _years_hostiles(),
    "year": _year_hostiles(),
    "products": _products_hostiles(),
    "groups": _groups_hostiles(),
    "group": _group_hostiles(),
    "membership": _membership_hostiles(),
    "choice": _choice_hostiles(),
    "dtype": _dtype_hostiles(),
    "method": _method_hostiles(),
    "alpha": _alpha_hostiles(),
    "flows": _flows_hostiles(),
    "codes": _code_hostiles(),
    "product codes": _product_code_hostiles(),
    "flow values": _flow_value_hostiles(),
    "quantities": _quantity_hostiles(),
    "year column": _year_column_hostiles(),
    "hs": _hs_hostiles(),
    "rows": _rows_hostiles(),
    "countries": _countries_hostiles(),
    "partner groups": _partner_groups_hostiles(),
    "file": _file_hostiles(),
    "digits": _digits_hostiles(),
    "stream": _stream_hostiles(),
    "key": _key_hostiles(),
    "output file": _output_file_hostiles(),
    "output folder": _output_folder_hostiles(),
    "cli file": _cli_files(),
    "cli file, some": _cli_files(("missing", "extra.csv", "two HS revisions", "gzipped")),
    "cli years": _cli_years(),
    "cli threads": _cli_threads(),
    "cli scale": _cli_scale(),
    "cli count": _cli_count(),
    "cli choice": _cli_choice(),
    "cli products": _cli_products(),
    "cli countries": _cli_countries(),
    "cli group": _cli_group(),
    "cli membership": _cli_membership(),
    "cli alpha": _cli_alpha(),
    "cli output": _cli_output(),
    "cli extra": _cli_extra(),
    "aggregation": _aggregation_hostiles(),
    "matrix": _matrix_hostiles(),
    "amounts": _column_hostiles(checked=True),
    "reals": _column_hostiles(checked=False),
    "ids": _id_hostiles(),
    "count": _count_hostiles(),
    "threads": _thread_hostiles(),
    "scale": _scale_hostiles(),
}
