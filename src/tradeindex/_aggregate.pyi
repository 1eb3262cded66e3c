# Type stub of the compiled module ext/_aggregate.pyx: typed memoryviews are NumPy arrays here;
# index_t (fused int32 / int64) is Index; C-contiguous arrays only. Kernels return None unless said.
import numpy as np
import numpy.typing as npt

from ._typing import F64Array as F64, I32Array as I32, I64Array as I64, IndexArray as Index

def group_sum(key: Index, values: F64, out: F64, n_threads: int) -> None: ...
def cell_sum(a: Index, b: Index, values: F64, n_b: int, out: F64, n_threads: int, c: Index | None = None,
             shift: Index | None = None) -> None: ...
def count_duplicates(year: I32, exporter: I32, importer: I32, product: I32, first_year: int,
                     n_countries: int, offsets: I64, rows: I64, stamp: I64) -> int: ...
def recode(offsets: I64, product: Index, value: F64, quantity: F64, new_id: I32, n_countries: int,
           first_year: int, out_offsets: I64, out_year: I32, out_exporter: I32, out_importer: I32,
           out_product: I32, out_value: F64, out_quantity: F64, stamp: I64, buf_v: F64, buf_q: F64,
           touched: I32, lost: F64, write: bool, n_threads: int) -> None: ...
def mark(ids: Index, seen: npt.NDArray[np.uint8], n_threads: int, low: int = 0) -> None: ...

