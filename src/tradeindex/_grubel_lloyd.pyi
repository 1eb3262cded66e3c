# Type stub of the compiled module ext/_grubel_lloyd.pyx: typed memoryviews are NumPy arrays
# here (their aliases in _typing); index_t (fused int32 / int64) is Index.
from ._typing import F64Array as F64, I64Array as I64, IndexArray as Index

def pair_count(year: Index, exporter: Index, importer: Index, product: Index, value: F64, y0: int,
               n_countries: int, n_products: int, check: bool, counts: I64, offsets: I64,
               n_threads: int) -> int: ...
def pair_scatter(year: Index, exporter: Index, importer: Index, product: Index, value: F64,
                 quantity: F64, y0: int, n_countries: int, n_products: int, counts: I64,
                 offsets: I64, cursors: I64, product_out: Index, value_out: F64, quantity_out: F64,
                 key_scratch: Index, value_scratch: F64, quantity_scratch: F64,
                 n_threads: int) -> None: ...
def bilateral(offsets: I64, product: Index, value: F64, quantity: F64, n_years: int, n_countries: int,
              merged: bool, mode: int, adjust: int, lo: float, hi: float, buf: F64, stamp: I64,
              work: F64, out: F64, totals: F64, n_threads: int) -> None: ...
def reporter_groups(offsets: I64, product: Index, value: F64, quantity: F64, n_years: int,
                    n_countries: int, reporters: Index, group_ptr: Index, members: Index, mode: int,
                    adjust: int, lo: float, hi: float, buf: F64, stamp: I64, work: F64, out: F64,
                    totals: F64, xm: F64, want_xm: bool, n_threads: int) -> None: ...

