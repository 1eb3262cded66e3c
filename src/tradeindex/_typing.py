"""The types of the public API's parameters and results, named once (PEP 484/604).

For annotations only: the modules of tradeindex import these names under ``TYPE_CHECKING``
(with ``from __future__ import annotations`` their annotations are never evaluated), so nothing
here is imported when tradeindex runs. The compiled kernels' stubs (``_*.pyi``) use the array
types too.
"""
from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Literal, TypeAlias

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

if TYPE_CHECKING:
    from distributed import Client

    from .codes import Group
    from .flows import TradeFlows
    from .result import IndexMatrix, IndexPanel, TopPartners
    from .sources import LazyFlows

# -- arrays --------------------------------------------------------------------------------------
F64Array: TypeAlias = npt.NDArray[np.float64]
#: A result stored as float64 or float32 (the ``dtype=`` of the complementarity family).
FloatArray: TypeAlias = "npt.NDArray[np.float64] | npt.NDArray[np.float32]"
I32Array: TypeAlias = npt.NDArray[np.int32]
I64Array: TypeAlias = npt.NDArray[np.int64]
#: Integer ids as the kernels take them (their fused index type: int32 or int64).
IndexArray: TypeAlias = "npt.NDArray[np.int32] | npt.NDArray[np.int64]"
#: Labels and codes of an axis (text, as Python objects).
ObjectArray: TypeAlias = npt.NDArray[np.object_]
#: A scipy.sparse matrix or array of any format.
Sparse: TypeAlias = "sp.sparray | sp.spmatrix"
#: A matrix as the kernels take it: anything NumPy reads as 2-D numbers, or scipy.sparse.
Matrix: TypeAlias = "npt.ArrayLike | sp.sparray | sp.spmatrix"

# -- parameters ----------------------------------------------------------------------------------
PathLike: TypeAlias = "str | os.PathLike[str]"
#: None (every year), one year, or several.
Years: TypeAlias = "int | Sequence[int] | None"
#: The composition built-in groups take: each year's members, the last year's, or a year's.
Membership: TypeAlias = 'Literal["by-year", "fixed"] | int'
#: Country keys: an ISO3, a label ("BEL(58)"), a numeric code or a name, or several.
Countries: TypeAlias = "str | int | np.integer[Any] | Iterable[str | int | np.integer[Any]]"
#: Product codes, prefixes, ranges ("84-90") or named sets, as a list or comma-separated text.
Products: TypeAlias = "str | Sequence[str] | npt.NDArray[Any]"
#: Country groups: a built-in group's name, a Group, a list of them, or {name: members} (members:
#: country keys, a built-in name, a Group or None).
Groups: TypeAlias = "str | Group | Sequence[str | Group] | Mapping[str, Countries | Group | None]"
#: The partners of the Grubel-Lloyd family: countries (by="pair"), or partner groups {name:
#: members, a built-in group's name, a Group, or None for the world} (by="country", "product").
Partners: TypeAlias = "Countries | Mapping[str, Countries | Group | None]"
#: float64 or float32 storage.
FloatDType: TypeAlias = 'Literal["float64", "float32"] | type[np.floating[Any]] | np.dtype[np.floating[Any]]'
#: The complementarity kernel: chosen by the cost model, or forced.
Method: TypeAlias = 'Literal["auto", "dense", "sparse"]'
#: Where the years run: this process, a dask.distributed Client, or the running one ("auto").
ClientLike: TypeAlias = 'Client | Literal["auto"] | None'
#: What the index functions read: flows in memory, or a release read one year at a time.
Flows: TypeAlias = "TradeFlows | LazyFlows"

# -- results -------------------------------------------------------------------------------------
#: One year (or flows without years) gives a matrix, several a panel.
MatrixOrPanel: TypeAlias = "IndexMatrix | IndexPanel"
PairResult: TypeAlias = "IndexMatrix | IndexPanel | TopPartners"
