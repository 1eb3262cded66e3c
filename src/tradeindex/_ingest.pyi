# Type stub of the compiled module ext/_ingest.pyx: typed memoryviews are NumPy arrays here.
import numpy as np
import numpy.typing as npt

from ._typing import F64Array as F64, I32Array as I32, I64Array as I64

def scan(exporter: I32, importer: I32, product: I32, exporter_lut: I32, importer_lut: I32,
         product_lut: I32, value: F64, quantity: F64, seen_country: npt.NDArray[np.uint8],
         seen_product: npt.NDArray[np.uint8], out_exporter: I32, out_importer: I32, out_product: I32,
         out_value: F64, out_quantity: F64, bad: I64, n_threads: int) -> None: ...
def remap(exporter: I32, importer: I32, product: I32, country_id: I32, product_id: I32,
          n_threads: int) -> None: ...
def first_unsorted(year: I32, exporter: I32, importer: I32, product: I32, first: I64,
                   n_threads: int) -> int: ...

