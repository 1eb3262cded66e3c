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
    ] + [_h(f"{fmt}_{kind}", _sparse(fmt, kind), same) for fmt in ("csr", "csc", "coo", "lil", "dok")
         for kind in ("array", "matrix")]


#: kind -> hostile inputs for parameters of that kind
HOSTILE = {
    "aggregation": _aggregation_hostiles(),
    "matrix": _matrix_hostiles(),
    "amounts": _column_hostiles(checked=True),
    "reals": _column_hostiles(checked=False),
    "ids": _id_hostiles(),
    "count": _count_hostiles(),
    "threads": _thread_hostiles(),
    "scale": _scale_hostiles(),
}
