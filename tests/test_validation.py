"""Every bad-input message: it names the parameter, what was expected and what was found."""
import numpy as np
import pyarrow as pa
import pytest

import tradeindex
from tradeindex import TradeFlows


def build(**kw):
    cols = dict(exporter=[4, 4, 8], importer=[8, 710, 4], product=["0101", "0102", "0101"], value=[1.0, 2.0, 3.0])
    cols.update(kw)
    return TradeFlows.from_arrays(cols.pop("exporter"), cols.pop("importer"), cols.pop("product"),
                                  cols.pop("value"), **cols)


@pytest.mark.parametrize("kw, exc, message", [
    (dict(value=[1.0, -3.0, -1.0]), ValueError,
     r"value must be finite and non-negative; found -3.0 at row 1 \(exporter 4, importer 710, product '0102'\); 2 rows in all"),
    (dict(value=[1.0, np.nan, 2.0]), ValueError, r"value must be a number in every row .*found NaN at row 1"),
    (dict(value=[1.0, np.inf, 2.0]), ValueError, r"value must be finite and non-negative; found inf at row 1"),
    (dict(value=pa.array([1.0, None, 2.0])), ValueError, r"value must be present in every row; found a missing value at row 1"),
    (dict(value=["1", "2", "3"]), TypeError, r"value must be numeric \(integer or float\); found a column of type string"),
    (dict(quantity=[1.0, -2.0, np.nan]), ValueError, r"quantity must be finite and non-negative; found -2.0 at row 1"),
    (dict(importer=[8, 0, 4]), ValueError, r"importer must be a country code, not an aggregate; found 0 \(World\)"),
    (dict(exporter=["AFG", "WLD", "ALB"], importer=["ALB", "AFG", "AFG"]), ValueError,
     r"exporter must be a country code, not an aggregate; found 'WLD' \(World\)"),
    (dict(importer=[8, 4, 4]), ValueError,
     r"importer must be different from exporter .*found the same country at row 1 \(exporter 4, importer 4, product '0102'\)"),
    (dict(importer=[8, 8, 4], product=["0101", "0101", "0101"]), ValueError,
     r"flows must be unique per \(year, exporter, importer, product\) \(a repeated row is most often the same file "
     r"read twice.*; found a duplicated row at row 1 .* repeating row 0"),
    (dict(value=[1.0, 2.0]), ValueError, r"value must be of length 3 like exporter; found length 2"),
    (dict(product=pa.array(["0101", None, "0101"])), ValueError, r"product must be present in every row; found a missing value at row 1"),
    (dict(year=[2000, 2000.5, 2001]), TypeError, r"year must be integer years; found a column of type double"),
    (dict(year="2000"), TypeError, r"year must be an integer year or a column of years; found '2000'"),
    (dict(duplicates="drop"), ValueError, r"duplicates must be one of 'error', 'sum'; found 'drop'"),
    (dict(exporter=["AFG", "ALB", "DZA"]), TypeError, r"importer must be codes of the same kind as exporter"),
])
def test_from_arrays_errors(kw, exc, message):
    with pytest.raises(exc, match=message):
        build(**kw)


def test_from_frame_missing_column():
    t = pa.table({"rep": [4], "par": [8], "hs": ["01"]})
    with pytest.raises(ValueError, match=r"frame must be a table with columns 'rep', 'par', 'hs', 'usd'; found no column 'usd'"):
        TradeFlows.from_frame(t, exporter="rep", importer="par", product="hs", value="usd")


def test_select_errors(sample):
    with pytest.raises(ValueError, match=r"exporters must be countries present in these flows \(23 in all\); found 'RUS'"):
        sample.select(exporters=["RUS"])
    with pytest.raises(ValueError, match=r"products must be HS product codes or prefixes of codes present .*found '9999'"):
        sample.select(products=["9999"])
    with pytest.raises(ValueError, match=r"years must be one of the years present \[1989, 1990\]; found 2001"):
        sample.select(years=2001)
    with pytest.raises(ValueError, match=r"products must be a code, a prefix or a range .*found '90-84'"):
        sample.select(products="90-84")


def test_matrix_and_aggregate_errors(sample):
    with pytest.raises(ValueError, match=r"year must be given when the flows hold several years; found years \[1989, 1990\]"):
        sample.exports()
    with pytest.raises(ValueError, match=r"digits must be an integer from 1 to the current code length 4; found 6"):
        sample.aggregate_products(6)


@pytest.mark.parametrize("n", [0, -1, 1.5, True, "2"])
def test_n_threads_errors(n):
    with pytest.raises(ValueError, match=r"n_threads must be None \(all cores\) or a positive integer"):
        tradeindex.kernels.group_totals([0], [1.0], 1, n_threads=n)


def test_kernel_id_errors():
    with pytest.raises(ValueError, match=r"ids must be ids in \[0, 2\); found 5 at row 1; 1 rows in all"):
        tradeindex.kernels.group_totals([0, 5], [1.0, 2.0], 2)
    with pytest.raises(TypeError, match=r"ids must be integer ids; found dtype float64"):
        tradeindex.kernels.group_totals([0.0], [1.0], 2)
    with pytest.raises(ValueError, match=r"values must be of length 2 like ids; found length 1"):
        tradeindex.kernels.group_totals([0, 1], [1.0], 2)
