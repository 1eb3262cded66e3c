"""Every input check of tradeindex and its message, in one place.

Each message names the parameter, what was expected and what was found:
``"value must be non-negative; found -3.0 at row 12 (year 1990, exporter 'ARM', ...); 4 rows in all"``.
Row numbers are 0-based positions in the input (the data rows of a file, header excluded).
"""
from __future__ import annotations

import math
import numbers
import os
import re
from collections.abc import Callable, Collection, Hashable, Iterable, Mapping, Sequence, Sized
from typing import TYPE_CHECKING, Any, Literal, NoReturn, TypeAlias, TypeVar, overload

import numpy as np

if TYPE_CHECKING:
    from pathlib import Path

    import numpy.typing as npt
    from numpy.typing import DTypeLike

    from ._typing import Countries, FloatDType, Membership, PathLike, Products, Sparse

#: What places a row in a message: called with a row, it gives its context ("year 1990, exporter
#: 32, ..."); with a ``locate(row)`` method, where the row is (a file and line).
Describe: TypeAlias = Callable[[int], str]
#: Row positions (an integer array or a list).
Rows: TypeAlias = "npt.NDArray[np.integer[Any]] | Sequence[int]"
Adjust: TypeAlias = 'Literal["imbalance", "aquino"] | None'
T = TypeVar("T")
V = TypeVar("V")
A = TypeVar("A", bound=Any)
H = TypeVar("H", bound=Hashable)
M = TypeVar("M", bound=Mapping[str, Any])
P = TypeVar("P", bound="PathLike")

#: Codes that stand for an aggregate of countries, not a country: rejected as exporter/importer.
AGGREGATE_NUMERIC = {0: "World", 97: "EU (aggregate)"}
#: UN Comtrade partner areas that are not countries, left out (and reported) by from_comtrade.
#: None is in BACI (which keeps 490 "Other Asia, nes", i.e. Taiwan, and 697 "Europe EFTA, nes").
COMTRADE_AREAS = {129: "Caribbean, nes", 221: "Eastern Europe, nes", 290: "Northern Africa, nes",
                  471: "CACM, nes", 472: "Africa CAMEU region, nes", 473: "LAIA, nes", 492: "Europe EU, nes",
                  527: "Oceania, nes", 568: "Other Europe, nes", 577: "Other Africa, nes",
                  636: "Rest of America, nes", 637: "North America and Central America, nes", 837: "Bunkers",
                  838: "Free Zones", 839: "Special Categories", 879: "Western Asia, nes", 899: "Areas, nes"}
AGGREGATE_TEXT = {"WLD": "World", "W00": "World", "WORLD": "World", "ALL": "all partners",
                  "EUN": "EU (aggregate)", "EU": "EU (aggregate)"}


def fail(param: str, expected: str, found: str, exc: type[Exception] = ValueError) -> NoReturn:
    """Raise `exc` with the one message template used everywhere."""
    raise exc(f"{param} must be {expected}; found {found}")


def is_input_error(err: BaseException) -> bool:
    """Whether `err` is a bad input told in the template of :func:`fail` ("x must be ...; found
    ..."), or the system's answer about files, memory or an optional extra not installed
    (OSError, MemoryError, ImportError): the user's to fix. Any other error is a bug (e.g. a raw
    TypeError from deep inside)."""
    if isinstance(err, (OSError, MemoryError, ImportError)):
        return True
    return isinstance(err, (ValueError, TypeError, KeyError)) and bool(re.match(r"^\S.* must be .*; found ", str(err)))


def _place(row: int, describe: Any) -> str:
    """'row 12', or 'line 14 of BACI_HS17_Y2020_V202401.csv' when `describe` can locate rows
    in files (the readers' builder)."""
    return describe.locate(row) if hasattr(describe, "locate") else f"row {row}"


def _where(rows: Rows, describe: Describe | None) -> str:
    """'at row 12 (exporter ...); 4 rows in all' for the offending row positions."""
    first = int(rows[0])
    ctx = f" ({describe(first)})" if describe is not None else ""
    more = f"; {len(rows)} rows in all" if len(rows) > 1 else ""
    return f"at {_place(first, describe)}{ctx}{more}"


def check_choice(param: str, value: T, options: Sequence[object]) -> T:
    if value not in options:
        fail(param, "one of " + ", ".join(repr(o) for o in options), repr(value))
    return value


def check_n_threads(n_threads: int | None, limit: int) -> int | None:
    """None or an integer from 1 to `limit` (config.MAX_THREADS); the clamp to the available
    cores is config.effective_threads'."""
    if n_threads is None:
        return None
    if (isinstance(n_threads, bool) or not isinstance(n_threads, numbers.Integral)
            or not 1 <= n_threads <= limit):
        fail("n_threads", f"None (all cores) or a positive integer up to {limit} (more threads than "
             "cores are clamped to the cores)", repr(n_threads))
    return int(n_threads)


def check_positive_int(param: str, value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 1:
        fail(param, "a positive integer", repr(value))
    return int(value)


def check_numeric(param: str, arr: A, *, exc: type[Exception] = TypeError) -> A:
    """A numeric NumPy array (bool, integer or real float), else a TypeError naming the dtype
    found (complex, object, datetime, timedelta, strings...)."""
    if arr.dtype.kind not in "biuf":
        fail(param, "numeric (bool, integer or float)", f"dtype {arr.dtype}", exc)
    return arr


def as_float64(param: str, arr: npt.NDArray[Any]) -> npt.NDArray[np.float64]:
    """The one dtype policy for values: float64 passes through unchanged (no copy); bool (a
    product basket: 1 for each product present), integers and the other floats (float16, float32,
    longdouble) are upcast to float64 (a copy)."""
    check_numeric(param, arr)
    return arr if arr.dtype == np.float64 else arr.astype(np.float64)


def as_array(param: str, arr: object) -> npt.NDArray[Any]:
    """np.asarray(arr) (no copy for an ndarray), a masked array or a ragged list being a TypeError."""
    if isinstance(arr, np.ma.MaskedArray):
        fail(param, "a plain array (masked entries would count with their hidden values)",
             f"a masked array; pass {param}.filled(0)", TypeError)
    try:
        return np.asarray(arr)
    except (ValueError, TypeError) as err:
        fail(param, "an array of numbers", f"{type(arr).__name__} ({err})", TypeError)


def check_1d(param: str, arr: A) -> A:
    """A one-dimensional array (a column)."""
    if arr.ndim != 1:
        fail(param, "a one-dimensional array (one value per row)", f"shape {arr.shape}")
    return arr


def check_amounts(param: str, arr: npt.NDArray[Any], describe: Describe | None = None, *,
                  allow_nan: bool = False) -> npt.NDArray[np.float64]:
    """Finite and non-negative (NaN allowed when `allow_nan`, e.g. missing quantities)."""
    arr = as_float64(param, arr)
    if arr.size == 0:
        return arr
    # fast path, two reductions and no temporaries: min/max propagate NaN, fmin/fmax skip it
    lo, hi = (np.fmin.reduce(arr), np.fmax.reduce(arr)) if allow_nan else (arr.min(), arr.max())
    if lo >= 0 and hi < np.inf or (allow_nan and np.isnan(lo)):
        return arr
    nan = np.isnan(arr)
    if not allow_nan and nan.any():
        fail(param, "a number in every row (no NaN or missing)", f"NaN {_where(np.flatnonzero(nan), describe)}")
    bad = np.isinf(arr) | (arr < 0)
    if bad.any():
        rows = np.flatnonzero(bad)
        fail(param, "finite and non-negative", f"{float(arr[rows[0]])!r} {_where(rows, describe)}")
    return arr


def check_no_nulls(param: str, null_rows: Rows, describe: Describe | None = None) -> None:
    if len(null_rows):
        fail(param, "present in every row", f"a missing value {_where(null_rows, describe)}")


def check_length(param: str, arr: Sized, n: int, other: str) -> None:
    if len(arr) != n:
        fail(param, f"of length {n} like {other}", f"length {len(arr)}")


def check_not_aggregate(param: str, codes: Iterable[Any], rows: Rows | None = None,
                        describe: Describe | None = None) -> None:
    """Reject aggregate partners (World, EU...) among the unique codes of a column; `rows`: where
    the first of them is, for the message."""
    for code in codes:
        key = code.strip().upper() if isinstance(code, str) else code
        name = AGGREGATE_TEXT.get(key) if isinstance(key, str) else AGGREGATE_NUMERIC.get(int(key))
        if name is not None:
            where = f" {_where(rows, describe)}" if rows is not None and len(rows) else ""
            fail(param, "a country code, not an aggregate", f"{code!r} ({name}){where}")


def check_no_self_trade(exporter_ids: npt.NDArray[Any], importer_ids: npt.NDArray[Any],
                        describe: Describe | None = None) -> None:
    same = exporter_ids == importer_ids
    if same.any():
        fail("importer", "different from exporter (no trade of a country with itself)",
             f"the same country {_where(np.flatnonzero(same), describe)}")


def check_duplicates(dup_rows: Rows, twin: int, describe: Describe | None = None) -> None:
    """`dup_rows`: rows repeating an earlier (year, exporter, importer, product); `twin`: the
    earlier row the first of them repeats."""
    if len(dup_rows):
        fail("flows", "unique per (year, exporter, importer, product) (a repeated row is most often the "
             "same file read twice, e.g. a CSV and its Parquet copy: read one of them; pass duplicates='sum' "
             "only when repeated rows are parts of one flow)",
             f"a duplicated row {_where(dup_rows, describe)}, repeating {_place(twin, describe)}")


#: A conversion that leaves more than this share of the value without a counterpart is an error:
#: the HS revision given (or read from the file name) is almost certainly wrong.
UNMAPPED_LIMIT = 0.25


def check_unmapped(lost: float, total: float, hs: str | None, note: str, *, strict: bool = False) -> None:
    """Product codes a concordance does not know: an error when asked (`strict`) or when they
    hold more than UNMAPPED_LIMIT of the value."""
    if strict:
        fail("products", f"{hs} codes with an SITC Rev.3 match (or unmapped='drop')", note)
    if total > 0 and lost > UNMAPPED_LIMIT * total:
        fail("hs", f"the HS revision of the flows' codes (with {hs}, more than "
             f"{UNMAPPED_LIMIT:.0%} of the value has no SITC Rev.3 match)", f"{hs!r}; {note}")


def check_column_name(param: str, name: H) -> H:
    """A column of a frame named by a label (text, a number, a tuple for a MultiIndex)."""
    try:
        hash(name)
    except TypeError:
        fail(param, "the name of a column of the frame", f"a {type(name).__name__}", TypeError)
    return name


def check_columns(param: str, available: Sequence[Hashable], required: Sequence[Hashable]) -> None:
    missing = [c for c in required if c not in available]
    if missing:
        fail(param, "a table with columns " + ", ".join(map(repr, required)),
             "no column " + ", ".join(map(repr, missing)) + "; columns are " + ", ".join(map(repr, available)))


def check_known(param: str, unknown: Sequence[object], what: str, universe_size: int,
                where: str = "present in these flows") -> None:
    if unknown:
        fail(param, f"{what} {where} ({universe_size} in all)",
             ", ".join(map(repr, unknown[:10])) + (f" and {len(unknown) - 10} more" if len(unknown) > 10 else ""))


def check_year(param: str, year: T, years: Collection[object]) -> T:
    if isinstance(year, bool) or not isinstance(year, numbers.Integral) or year not in years:
        fail(param, "one of the years present " + str(list(years)), repr(year))
    return year


def check_one_year(param: str, years: Collection[int]) -> None:
    if len(years) > 1:
        fail(param, "given when the flows hold several years", f"years {list(years)}; pass {param}=<year> "
             "or use the *_by_year() method")


def check_digits(param: str, digits: int, current: int) -> int:
    if isinstance(digits, bool) or not isinstance(digits, numbers.Integral) or not 1 <= digits <= current:
        fail(param, f"an integer from 1 to the current code length {current}", repr(digits))
    return int(digits)


# -- sizes: every result is checked against the memory available before anything is computed ----
class OutputTooLargeError(MemoryError, ValueError):
    """A result (with its working memory) larger than the memory available: raised before the
    inputs are processed, with the size and the ways to ask for less. A MemoryError (what NumPy
    would raise, too late) and a ValueError (a request that cannot be met, like any bad input)."""


#: The ways out of a complementarity result too large for memory (named in the error).
COMPLEMENTARITY_REMEDY = ("ask for less: top_k=K (kernels.complementarity_top_k) keeps the K best partners "
                          "of each row, kernels.complementarity_blocks(..., rows=R) yields the rows block by "
                          "block, dtype='float32' halves the result, or split the rows over a Dask cluster")


def memory_limit() -> tuple[int | None, str]:
    """(bytes, where from): the memory a result may take. TRADEINDEX_MAX_OUTPUT_BYTES when set,
    else the memory available now: MemAvailable of /proc/meminfo (or the free pages the OS
    reports), capped by the cgroup (container) limit less its usage; (None, ...) when unknown."""
    env = os.environ.get("TRADEINDEX_MAX_OUTPUT_BYTES", "").strip()
    if env:
        try:
            limit = float(env)
        except ValueError:
            limit = float("nan")
        if not (np.isfinite(limit) and limit >= 1):
            fail("TRADEINDEX_MAX_OUTPUT_BYTES", "a positive number of bytes (e.g. 8e9)", repr(env))
        return int(limit), "TRADEINDEX_MAX_OUTPUT_BYTES"
    found = []
    try:
        with open("/proc/meminfo") as f:
            text = f.read()
        at = text.find("MemAvailable:")
        if at >= 0:
            found.append((int(text[at:].split()[1]) * 1024, "MemAvailable"))
    except (OSError, ValueError, IndexError):
        pass
    if not found:
        try:
            found.append((os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE"), "free memory"))
        except (ValueError, OSError, AttributeError):
            return None, "unknown"
    try:
        with open("/sys/fs/cgroup/memory.max") as f, open("/sys/fs/cgroup/memory.current") as g:
            cap = f.read().strip()
            if cap.isdigit():
                found.append((int(cap) - int(g.read()), "the cgroup memory.max less memory.current"))
    except (OSError, ValueError):
        pass
    return min(found)


def _bytes(n: float) -> str:
    for unit, size in (("GiB", 2**30), ("MiB", 2**20), ("KiB", 2**10)):
        if n >= size:
            return f"{n / size:,.1f} {unit}"
    return f"{n:,} bytes"


#: Requests below this are not checked against the memory available (reading it costs ~50 us a
#: call; an allocation this small that cannot be met fails at once, with NumPy's MemoryError).
SMALL_REQUEST = 64 * 2**20


def check_output_size(param: str, shape: Iterable[int], dtype: DTypeLike = np.float64, *, work: int = 0,
                      what: str = "result", remedy: str = COMPLEMENTARITY_REMEDY) -> int:
    """Raise OutputTooLargeError when a `shape` x `dtype` result plus `work` bytes of working
    memory exceeds `memory_limit()`. Call it before the inputs are processed: it only multiplies
    sizes (Python integers: no overflow, whatever the shape)."""
    cells = 1
    for n in shape:
        cells *= int(n)
    size = cells * np.dtype(dtype).itemsize
    if size + work < SMALL_REQUEST and "TRADEINDEX_MAX_OUTPUT_BYTES" not in os.environ:
        return size + work
    limit, source = memory_limit()
    if limit is not None and size + work > limit:
        dims = " x ".join(f"{int(n):,}" for n in shape)
        total = f" ({_bytes(size + work)} with working memory)" if work else ""
        where = ("the limit TRADEINDEX_MAX_OUTPUT_BYTES sets" if source == "TRADEINDEX_MAX_OUTPUT_BYTES" else
                 f"available ({source}; TRADEINDEX_MAX_OUTPUT_BYTES overrides)")
        fail(param, f"small enough for the {what} to fit in memory ({_bytes(limit)}, {where})",
             f"a {dims} {np.dtype(dtype).name} {what} of {_bytes(size)}{total}" + (f"; {remedy}" if remedy else ""),
             OutputTooLargeError)
    return size + work


def check_pairs_size(rows: str, cols: str, n_years: int, n_rows: int, n_cols: int, dtype: DTypeLike = np.float64,
                     *, top_k: int | None = None, offers: Collection[str] = (), work: int = 0) -> None:
    """A labelled all-pairs result (complementarity, similarity, Krugman, trade intensity) of
    n_years x n_rows x n_cols cells (n_years x n_rows x top_k with top_k), named by the
    function's own row and column parameters (`rows`, `cols`; or top_k), with the ways out the
    function `offers` ("top_k", "float32"). Call it before any year is read (with every country
    of in-memory flows) and in each year (that year's countries: lazy flows). `work`: bytes
    needed beside the result; a panel is built from its years (twice its size)."""
    if top_k:
        param, shape, ways = "top_k", (n_years, n_rows, top_k), f"pass a smaller top_k, or fewer {rows}= or years"
        work += 2 * 8 * n_years * n_rows * top_k  # the partners' labels and codes beside the values
    else:
        param, shape = f"{rows} and {cols}", (n_years, n_rows, n_cols)
        ways = "ask for less: " + ("top_k=K keeps the K best partners of each row, " if "top_k" in offers else "") \
            + f"{rows}= and {cols}= (or fewer years) narrow the matrix" \
            + (", dtype='float32' halves it" if "float32" in offers and np.dtype(dtype) != np.float32 else "")
    size = np.dtype(dtype).itemsize * math.prod(shape)
    check_output_size(param, shape, dtype, work=work + (size if n_years > 1 else 0),
                      remedy=ways + ", or compute the years on a Dask cluster")


# -- complementarity family ------------------------------------------------------------------
FLOAT_DTYPES: dict[str, type[np.floating[Any]]] = {"float64": np.float64, "float32": np.float32}


def check_float_dtype(param: str, dtype: FloatDType) -> type[np.floating[Any]]:
    """'float64' / 'float32' (or the NumPy dtypes) -> the NumPy scalar type."""
    name = np.dtype(dtype).name if isinstance(dtype, (type, np.dtype)) else dtype
    check_choice(param, name, tuple(FLOAT_DTYPES))
    return FLOAT_DTYPES[name]


def check_matrix(param: str, arr: Any) -> Any:
    """A 2-D NumPy array (any layout: strided, Fortran, read-only, memory-mapped) or a
    scipy.sparse matrix or array of any format, with a numeric dtype: returned as an ndarray
    (no copy) or as given. A labelled matrix holding a scipy.sparse ``.matrix`` (a TradeMatrix:
    ``flows.exports(2017)``) gives that matrix. Only the type, shape and dtype are looked at."""
    import scipy.sparse as sp
    if not sp.issparse(arr) and sp.issparse(getattr(arr, "matrix", None)):
        arr = arr.matrix
    if sp.issparse(arr):
        if arr.ndim != 2:
            fail(param, "a 2-D array (rows x products) or a scipy.sparse matrix", f"shape {arr.shape}")
        return check_numeric(param, arr)
    arr = as_array(param, arr)
    if arr.ndim != 2:
        fail(param, "a 2-D array (rows x products) or a scipy.sparse matrix", f"shape {arr.shape}")
    return check_numeric(param, arr)


def check_trade_values(param: str, arr: Any) -> Any:
    """A matrix of finite, non-negative numbers as float64 (see `as_float64`): an ndarray (the
    caller's own when already float64), or a CSR/CSC sparse array with sorted indices and no
    duplicate entries (the caller's arrays when already so; other formats converted, COO
    duplicates summed). Never modified here; callers must not modify it either."""
    import scipy.sparse as sp
    arr = check_matrix(param, arr)
    if not sp.issparse(arr):
        arr = as_float64(param, arr)
        _check_finite_non_negative(param, arr, lambda i: "at row {}, column {}".format(*np.unravel_index(i, arr.shape)))
        return arr
    A = sp.csc_array(arr) if arr.format == "csc" else sp.csr_array(arr)  # csr/csc: the caller's arrays
    if A.dtype != np.float64:
        A = A.astype(np.float64)
    if not A.has_canonical_format:  # unsorted or duplicate entries: summed in a copy
        A = A.copy()
        A.sum_duplicates()
    major = A.indptr

    def where(i: int) -> str:
        line = int(np.searchsorted(major, i, side="right")) - 1
        row, col = (line, A.indices[i]) if A.format == "csr" else (A.indices[i], line)
        return f"at row {row}, column {col}"
    _check_finite_non_negative(param, A.data, where)
    return A


def _check_finite_non_negative(param: str, data: npt.NDArray[np.float64], where: Callable[[int], str]) -> None:
    """Every entry of `data` (float64) finite and >= 0; `where(i)` places flat entry i."""
    if data.size and not (data.min() >= 0 and data.max() <= np.finfo(np.float64).max):  # NaN compares false
        bad = np.flatnonzero(~(data >= 0) | ~(data <= np.finfo(np.float64).max))  # flat positions
        more = f"; {len(bad)} entries in all" if len(bad) > 1 else ""
        fail(param, "finite and non-negative trade values", f"{float(data.flat[bad[0]])!r} {where(bad[0])}{more}")


def check_same_products(param: str, shape: tuple[int, ...], other: str, other_shape: tuple[int, ...]) -> None:
    if shape[1] != other_shape[1]:
        fail(param, f"{other_shape[1]} columns (products) like {other}", f"shape {shape}")


def check_exclude(exclude: npt.ArrayLike, n_rows: int, n_cols: int) -> npt.NDArray[np.int64]:
    """Per row, the column a top-k search leaves out (-1: none): integers in [-1, n_cols)."""
    arr = np.asarray(exclude)
    if arr.ndim != 1 or len(arr) != n_rows or (arr.size and arr.dtype.kind not in "iu"):
        fail("exclude", f"{n_rows} integers (one per row of X; -1 for none)",
             f"shape {arr.shape}, dtype {arr.dtype}", TypeError if arr.dtype.kind not in "iu" else ValueError)
    if arr.size and (arr.min() < -1 or arr.max() >= n_cols):
        fail("exclude", f"row positions of M in [0, {n_cols}) or -1", f"{arr.min() if arr.min() < -1 else arr.max()}")
    return arr.astype(np.int64)


def check_top_k(top_k: int | None) -> int | None:
    return None if top_k is None else check_positive_int("top_k", top_k)


def check_groups(groups: Mapping[str, Countries] | None) -> list[tuple[str, list[Any]]]:
    """{name: [country keys]} with non-empty member lists -> list of (name, members)."""
    if groups is None:
        return []
    if not isinstance(groups, dict):
        fail("groups", "a dict {group name: [member countries]}", type(groups).__name__, TypeError)
    out = []
    for name, members in groups.items():
        members = [members] if isinstance(members, (str, numbers.Integral)) else list(members)
        if not isinstance(name, str) or not name or not members:
            fail("groups", "a non-empty name with at least one member per group", f"{name!r}: {members!r}")
        out.append((name, members))
    return out


def check_group_names(names: Iterable[str], labels: Iterable[str]) -> None:
    clash = [n for n in names if n in set(labels)]
    if clash:
        fail("groups", "names different from the country labels", ", ".join(map(repr, clash)))


def check_membership(membership: Membership, years: Sequence[int | None]) -> Literal["by-year", "fixed"] | int:
    """"by-year", "fixed" or a year (integer): the composition built-in groups take."""
    if membership in ("by-year", "fixed"):
        return membership
    if isinstance(membership, bool) or not isinstance(membership, numbers.Integral) or not 1900 <= membership <= 2100:
        fail("membership", "'by-year' (each year's members), 'fixed' (the last year's members in every "
             "year) or a year (that year's members in every year)", repr(membership))
    return int(membership)


def check_years(param: str, years: Any, present: Sequence[int]) -> tuple[list[Any], bool]:
    """None (every year: a panel when there are several), one year (a matrix) or a list of
    years (a panel) -> (list of years, panel?). Flows without years give ([None], False)."""
    if years is None:
        return (list(present) or [None]), len(present) > 1
    if np.isscalar(years):
        return [check_year(param, years, present)], False
    years = [check_year(param, y, present) for y in years]
    if not years:
        fail(param, "None, a year or a non-empty list of years", "an empty list")
    repeated = [y for n, y in enumerate(years) if y in years[:n]]
    if repeated:
        fail(param, "a list of different years", f"{repeated[0]} more than once")
    return years, True


@overload
def check_group_spec(param: str, spec: str, builtin: Collection[str] = ..., *,
                     world: Literal[False] = ...) -> tuple[str, str | list[str]]: ...
@overload
def check_group_spec(param: str, spec: str, builtin: Collection[str] = ..., *,
                     world: bool) -> tuple[str | None, str | list[str] | None]: ...


def check_group_spec(param: str, spec: str, builtin: Collection[str] = (), *,
                     world: bool = False) -> tuple[str | None, str | list[str] | None]:

    """A command-line group: "NAME=A,B,C" -> (NAME, [A, B, C]); a built-in group name -> (NAME,
    NAME); with `world`, any other "NAME" or "NAME=" -> (NAME, None), i.e. all partners, and
    "A,B,C" -> (None, [A, B, C])."""
    name, eq, members = (x.strip() for x in spec.partition("="))
    codes = [c.strip() for c in members.split(",") if c.strip()]
    if not eq and name.upper() in builtin:
        return name, name
    if world and not eq:
        return (None, [c.strip() for c in name.split(",")]) if "," in name else (name, None)
    if name and (codes or world):
        return name, codes or None
    fail(param, "NAME=A,B,C (e.g. EAEU=ARM,BLR,KAZ,KGZ,RUS) or a built-in group (" + ", ".join(builtin) + ")"
         + (", or NAME alone for all partners" if world else ""), repr(spec))


def check_new_output(param: str, path: PathLike, overwrite: bool) -> Path:
    """An output path that does not hold anything yet, unless `overwrite`."""
    from pathlib import Path
    path = Path(path)
    if not overwrite and path.exists() and (path.is_file() or any(path.iterdir())):
        fail(param, "a new file or an empty folder, or pass --overwrite (overwrite=True) to replace it",
             f"{str(path)!r} exists", FileExistsError)
    return path


def check_products_with_conversion(param: str, products: Products | None) -> None:
    """Products given with a conversion to SITC must say their classification: '84-90' could be
    HS chapters (before the conversion) or SITC divisions (after); named sets are read in the
    classification of the tables (SITC)."""
    if products is None:
        return
    from .codes import PRODUCT_SETS, product_specs
    loose = [s for c, s in product_specs(products, param) if c is None and s not in PRODUCT_SETS]
    if loose:
        fail(param, "codes that state their classification when the flows are converted to SITC "
             f"(hs:{loose[0]} for HS codes, selected before the conversion, or sitc3:{loose[0]} for SITC "
             "Rev.3 codes), or a named set (" + ", ".join(PRODUCT_SETS) + ")", repr(loose[0]))


def check_output_path(param: str, path: P, suffixes: Iterable[str]) -> P:
    if not str(path).lower().endswith(tuple(suffixes)):
        fail(param, "a file name ending in " + " or ".join(suffixes), repr(str(path)))
    return path


def check_year_list(param: str, text: str | None) -> list[int] | None:
    """Years on the command line: '2017', '2010-2017', '2010,2012,2015-2017' -> a sorted list;
    None -> None."""
    if text is None:
        return None
    years: set[int] = set()
    for part in str(text).split(","):
        first, dash, last = (x.strip() for x in part.partition("-"))
        if not first.isdigit() or (dash and not last.isdigit()) or int(last or first) < int(first) \
                or not 1000 <= int(first) <= 9999:
            fail(param, "years like 2017, 2010-2017 or 2010,2012,2015-2017", repr(text))
        years.update(range(int(first), int(last or first) + 1))
    return sorted(years)

# -- Grubel-Lloyd family (intra_industry.py) ------------------------------------------------------
def check_scale(param: str, value: float, dtype: DTypeLike = np.float64) -> float:
    """A positive finite number (the value an index takes at its maximum, e.g. 100 or 1), that
    the result's `dtype` can hold (float32 results: at most 3.4e38)."""
    top = float(np.finfo(dtype).max)
    if (isinstance(value, bool) or not isinstance(value, numbers.Real) or not np.isfinite(value)
            or not 0 < float(value) <= top):
        fail(param, f"a positive finite number up to {top:.3g} (100 for percentages, 1 for shares)", repr(value))
    return float(value)


def check_alpha(alpha: float) -> float:
    """The unit-value band of the trade-type split: 0 < alpha < 1 (0.15 or 0.25 in the literature)."""
    if isinstance(alpha, bool) or not isinstance(alpha, numbers.Real) or not 0 < alpha < 1:
        fail("alpha", "a number strictly between 0 and 1 (0.15 or 0.25 in the literature)", repr(alpha))
    return float(alpha)


def check_partner_groups(partners: Any, by: str) -> dict[str, Any]:
    """partners as {group name: list of countries or None (the world)}.

    None -> {"World": None}; a list (or one code) -> {"partners": list}; a dict is kept (one
    column per group) and is only meaningful for by="country" / "product".
    """
    if partners is None:
        return {"World": None}
    if isinstance(partners, dict):
        if by == "pair":
            fail("partners", "a list of countries when by='pair' (named groups need by='country' or "
                 "'product')", f"a dict of {len(partners)} groups")
        if not partners:
            fail("partners", "a non-empty dict {group name: list of countries or None}", "an empty dict")
        for name, group in partners.items():
            if not isinstance(name, str):
                fail("partners", "a dict keyed by group names (str)", f"key {name!r}", TypeError)
            if group is not None and not isinstance(group, str) and len(list(group)) == 0:
                fail(f"partners[{name!r}]", "a non-empty list of countries or None (the world)", "an empty list")
        return dict(partners)
    if not isinstance(partners, (str, numbers.Integral)) and len(list(partners)) == 0:
        fail("partners", "None (the world), a list of countries or a dict of named groups", "an empty list")
    return {"partners": partners}


def check_two_years(start: int, end: int, years: Collection[int]) -> None:
    """start and end of a marginal-IIT comparison: two different years present in the flows."""
    check_year("start", start, years)
    check_year("end", end, years)
    if start == end:
        fail("end", "a year different from start", repr(end))


def check_adjust(adjust: Adjust, by: str) -> Adjust:
    """None, "imbalance" or "aquino"; the imbalance adjustment is an aggregate one (not by product)."""
    check_choice("adjust", adjust, (None, "imbalance", "aquino"))
    if adjust == "imbalance" and by == "product":
        fail("adjust", "None or 'aquino' when by='product' (the imbalance adjustment corrects an "
             "aggregate over products)", repr(adjust))
    return adjust




# -- trade indicators (indicators.py, kernels.rca / trade_intensity / hhi ...) ---------------------
def check_reference(param: str, reference: npt.ArrayLike, n_products: int) -> npt.NDArray[np.float64]:
    """A reference row for RCA: n_products finite non-negative values (float64, not copied when
    already float64)."""
    ref = check_1d(param, as_array(param, reference))
    check_length(param, ref, n_products, "the columns of X")
    return check_amounts(param, as_float64(param, ref))


def check_same_shape(param: str, shape: tuple[int, ...], other: str, other_shape: tuple[int, ...]) -> None:
    if tuple(shape) != tuple(other_shape):
        fail(param, f"the shape of {other} {tuple(other_shape)}", f"shape {tuple(shape)}")


def check_bilateral(param: str, B: npt.NDArray[Any] | Sparse) -> None:
    """A square countries x countries matrix without trade of a country with itself."""
    if B.shape[0] != B.shape[1]:
        fail(param, "a square countries x countries matrix (exporters x importers)", f"shape {B.shape}")
    diag = np.asarray(B.diagonal())
    if diag.any():
        first = int(np.flatnonzero(diag)[0])
        fail(param, "zero on the diagonal (no trade of a country with itself)",
             f"{float(diag[first])!r} at ({first}, {first}); {int(np.count_nonzero(diag))} in all")


def check_aggregation(param: str, G: Any, n_countries: int) -> Any:
    """None (each country on its own) or an (R, n_countries) matrix of 0s and 1s (or booleans):
    output row r sums the countries with G[r, c] == 1. Returned as None or a float64 CSR array
    (canonical: sorted indices, no explicit zeros)."""
    import scipy.sparse as sp
    if G is None:
        return None
    G = sp.csr_array(G) if sp.issparse(G) else np.asarray(G)
    if G.ndim != 2 or G.shape[1] != n_countries:
        fail(param, f"None or a 2-D 0/1 matrix with {n_countries} columns (one per country)", f"shape {G.shape}")
    if G.dtype != bool:
        check_numeric(param, G.data if sp.issparse(G) else G)
    G = sp.csr_array(G, dtype=np.float64, copy=True)
    G.sum_duplicates()
    G.eliminate_zeros()
    if not (G.data == 1).all():
        fail(param, "a matrix of 0s and 1s (members of each output row)", f"{float(G.data[G.data != 1][0])!r}")
    return G


def check_one_group(param: str, groups: Mapping[str, V]) -> tuple[str, V]:
    """Exactly one group (from codes.resolve_groups) -> (name, members)."""
    if len(groups) != 1:
        fail(param, "one group: a built-in group name or {name: [ISO3, ...]}",
             f"{len(groups)} groups ({', '.join(groups)})")
    return next(iter(groups.items()))


def check_has_groups(param: str, groups: M) -> M:
    """At least one group (from codes.resolve_groups)."""
    if not groups:
        fail(param, "at least one group: a built-in group name or {name: [ISO3, ...]}", "none")
    return groups


# -- UN Comtrade records (sources.from_comtrade) --------------------------------------------------
def check_annual(param: str, found: str) -> None:
    """Comtrade records of annual frequency only: `found` describes the others ("" when none)."""
    if found:
        fail(param, "annual records (freqCode 'A', period YYYY): the indices are annual; sum the months "
             "yourself only where all twelve are present", found)


def check_hs_records(param: str, codes: Iterable[Any]) -> None:
    """Comtrade records in an HS classification (classificationCode H0 ... H6)."""
    other = sorted(c for c in codes if not str(c).upper().startswith("H"))
    if other:
        fail(param, "records in an HS classification (classificationCode H0 ... H6; query clCode='HS' "
             "or one revision)", ", ".join(map(repr, other)))


def check_unique_records(param: str, n_repeated: int, first: str) -> None:
    """One total record per (year, reporter, flow, partner, commodity) in Comtrade data."""
    if n_repeated:
        fail(param, "one record per (year, reporter, flow, partner, commodity) and breakdown (partner2Code, "
             "customsCode, motCode); pass duplicates='sum' only when repeated records are parts of one flow",
             f"{n_repeated} repeated, the first {first}")
