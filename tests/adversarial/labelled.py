"""The labelled API in the hostile-input catalogue: every public function of ``tradeindex``
(the index and indicator functions, the report, the readers and TradeFlows' constructors) with
valid base arguments on small flows (FLOWS: six countries, three HS6 products, 2014 and 2015)
and the kinds of its parameters (hostile.HOSTILE). Results are compared as the arrays of their
long tables (registry._arrays). The command line is in cli.py."""
import atexit
import contextlib
import io
import shutil
import tempfile
from functools import partial
from pathlib import Path

import numpy as np
import pyarrow.csv as pacsv

import tradeindex as ti

from .hostile import Holds, Raises, Same
from .registry import TOO_LARGE, Target

CODES = {"RUS": 643, "KAZ": 398, "BLR": 112, "ARM": 51, "KGZ": 417, "DEU": 276}
PRODUCTS = ("010121", "840110", "850110")  # a code with a leading zero


def _columns():
    """The base flows as columns: every ordered pair of the six countries in most products, in
    2014 and 2015 (Armenia and Kyrgyzstan join the EAEU in 2015), with quantities."""
    rng = np.random.default_rng(13)
    rows = [(y, a, b, p, float(rng.integers(1, 100)), float(rng.integers(1, 9)))
            for y in (2014, 2015) for a in CODES.values() for b in CODES.values() if a != b for p in PRODUCTS
            if rng.random() < 0.8]
    year, exporter, importer, product, value, quantity = (list(c) for c in zip(*rows))
    return {"exporter": exporter, "importer": importer, "product": product, "value": value, "quantity": quantity,
            "year": year}


COLUMNS = _columns()
FLOWS = ti.TradeFlows.from_arrays(**COLUMNS, hs="HS17")
EAEU = {"EAEU": "EAEU"}
FRAME = FLOWS.to_pandas()
FRAME_COLUMNS = {"exporter": "exporter_code", "importer": "importer_code", "product": "product", "value": "value",
                 "quantity": "quantity", "year": "year"}


def _baci_folder():
    """FLOWS as a folder of BACI CSV files, one a year (the readers' and the command's input);
    removed at exit."""
    folder = Path(tempfile.mkdtemp(prefix="tradeindex-catalogue-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    t = FLOWS.to_arrow()
    for year in FLOWS.years:
        part = t.filter(np.asarray(t["year"]) == year)
        pacsv.write_csv(part.select(["year", "exporter_code", "importer_code", "product", "value", "quantity"])
                        .rename_columns(["t", "i", "j", "k", "v", "q"]), folder / f"BACI_HS17_Y{year}_V202401.csv")
    return folder


BACI = _baci_folder()


#: FLOWS as UN Comtrade export records (comtradeapicall's columns), one per flow.
RECORDS = FRAME.assign(refYear=FRAME["year"], reporterCode=FRAME["exporter_code"], partnerCode=FRAME["importer_code"],
                       flowCode="X", cmdCode=FRAME["product"], primaryValue=FRAME["value"], netWgt=FRAME["quantity"],
                       classificationCode="H5", freqCode="A")[
    ["refYear", "freqCode", "reporterCode", "flowCode", "partnerCode", "classificationCode", "cmdCode", "primaryValue",
     "netWgt"]]


def _comtrade(primaryValue, **kw):
    """from_comtrade on RECORDS with the value column replaced."""
    return _with_countries(ti.from_comtrade(RECORDS.assign(primaryValue=primaryValue), **kw))


MATRIX = ti.complementarity(FLOWS, years=2015)
PANEL = ti.complementarity(FLOWS)
REPORT = ti.regional_report(FLOWS, "EAEU")


def _write_result(method, result=MATRIX, path=None):
    """Write `result` by its `method` at `path`; the table read back (a relative path: into a new
    temporary folder)."""
    import pyarrow.parquet as pq
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / path if isinstance(path, str) else path
        getattr(result, method)(path, overwrite=False)
        return pq.read_table(path) if str(path).endswith(".parquet") else pacsv.read_csv(path)


def _config_text(file):
    """show_config's lines (to a stream of ours when `file` is None), the volatile memory line out."""
    out = io.StringIO() if file is None else file
    with contextlib.redirect_stdout(out if file is None else io.StringIO()):
        ti.show_config(file)
    return np.array([line for line in out.getvalue().splitlines() if "memory" not in line], dtype=object)


def _closed(figure):
    """A chart drawn: closed (matplotlib keeps every open figure), nothing to compare."""
    import matplotlib.pyplot as plt
    plt.close(figure)
    return ()


def _with_countries(flows):
    """TradeFlows and its country labels (the arrays of the rows do not show two countries
    labelled alike)."""
    return flows, np.asarray(flows.countries.label, dtype=str)


def _from_frame_column(column, **kw):
    """from_frame on FRAME with `column` replaced by kw[column]: the frame path of each column."""
    frame = FRAME.copy()
    frame[FRAME_COLUMNS[column]] = kw.pop(column)
    return _with_countries(ti.TradeFlows.from_frame(frame, **FRAME_COLUMNS, **kw))


def _not_a_column(column):
    """Shapes a frame column cannot take (pandas refuses them before tradeindex sees the frame)."""
    return {f"{column}:2-D": None, f"{column}:too short": None}


CODES_OF_TYPE = r"exporter must be country or product codes \(integers or text\); found a column of type "


def _labelled(name, call, base, slots, **kw):
    """A labelled target."""
    return Target(name, call, base, slots, valid=lambda r: True, **kw)


_ONE = {"n_threads": 1}
_SHARED = {"flows": "flows", "years": "years", "products": "products", "n_threads": "threads"}
_EMPTY_FLOWS = r"(start|end) must be one of the years present \[\]; found \d+"

TARGETS = [
    # -- complementarity and similarity --------------------------------------------------------------
    _labelled("tradeindex.complementarity", ti.complementarity,
              {"flows": FLOWS, "years": None, "exporters": None, "products": None, "groups": None,
               "membership": "by-year", "scale": 100, "dtype": "float64", "method": "auto", **_ONE},
              {**_SHARED, "exporters": "countries", "groups": "groups", "membership": "membership", "scale": "scale",
               "dtype": "dtype", "method": "method"}),
    _labelled("tradeindex.complementarity top_k", ti.complementarity,
              {"flows": FLOWS, "years": 2015, "top_k": 2, "groups": EAEU, **_ONE},
              {"flows": "flows", "top_k": "count"}, absurd={"top_k": TOO_LARGE},
              overrides={"flows:empty selection": Raises(ValueError, r"years must be one of the years present \[\]; "
                                                                      r"found 2015")}),
    _labelled("tradeindex.export_similarity", ti.export_similarity,
              {"flows": FLOWS, "countries": None, "partners": None, "groups": None, "scale": 100, **_ONE},
              {"flows": "flows", "countries": "countries", "partners": "countries", "scale": "scale",
               "n_threads": "threads"}),
    _labelled("tradeindex.import_similarity", ti.import_similarity, {"flows": FLOWS, "dtype": "float64", **_ONE},
              {"flows": "flows", "dtype": "dtype", "n_threads": "threads"}),
    # -- the Grubel-Lloyd family ---------------------------------------------------------------------
    _labelled("tradeindex.grubel_lloyd", ti.grubel_lloyd,
              {"flows": FLOWS, "by": "pair", "reporters": None, "years": None, "products": None, "adjust": None,
               "scale": 100, **_ONE},
              {**_SHARED, "by": "choice", "reporters": "countries", "adjust": "choice", "scale": "scale"}),
    _labelled("tradeindex.grubel_lloyd by country", partial(ti.grubel_lloyd, by="country"),
              {"flows": FLOWS, "partners": {"EAEU": "EAEU", "World": None}, "membership": "by-year",
               "adjust": "aquino", **_ONE},
              {"flows": "flows", "partners": "partner groups", "membership": "membership", "adjust": "choice"}),
    _labelled("tradeindex.grubel_lloyd by product", partial(ti.grubel_lloyd, by="product"),
              {"flows": FLOWS, "products": None, "adjust": None, "years": 2015, **_ONE},
              {"flows": "flows", "products": "products", "adjust": "choice"},
              overrides={"flows:one year": Same(),
                         "flows:empty selection": Raises(ValueError, r"years must be one of the years present \[\]; "
                                                                     r"found 2015")}),
    _labelled("tradeindex.marginal_iit", ti.marginal_iit,
              {"flows": FLOWS, "start": 2014, "end": 2015, "by": "pair", "products": None, "scale": 100, **_ONE},
              {"flows": "flows", "start": "year", "end": "year", "by": "choice", "products": "products",
               "scale": "scale", "n_threads": "threads"},
              overrides={"flows:one year": Raises(ValueError, r"start must be one of the years present \[2015\]; "
                                                  r"found 2014"),
                         "flows:empty selection": Raises(ValueError, _EMPTY_FLOWS)}),
    _labelled("tradeindex.trade_types", ti.trade_types,
              {"flows": FLOWS, "alpha": 0.15, "method": "ghm", "by": "pair", "years": None, "scale": 100, **_ONE},
              {"flows": "flows", "alpha": "alpha", "method": "choice", "by": "choice", "years": "years",
               "scale": "scale", "n_threads": "threads"}),
    # -- the indicators ------------------------------------------------------------------------------
    _labelled("tradeindex.rca", ti.rca,
              {"flows": FLOWS, "years": None, "countries": None, "products": None, "groups": None, "kind": "ratio",
               "membership": "by-year"},
              {"flows": "flows", "years": "years", "countries": "countries", "products": "products",
               "groups": "groups", "kind": "choice", "membership": "membership"}),
    _labelled("tradeindex.rca reference", ti.rca, {"flows": FLOWS, "reference": "EAEU", "kind": "binary"},
              {"reference": "group"}, overrides={"reference:None": Holds(lambda r: True, "the world")}),
    _labelled("tradeindex.trade_intensity", ti.trade_intensity,
              {"flows": FLOWS, "reporters": None, "partners": None, "groups": None, "exclude_self": False, **_ONE},
              {**_SHARED, "reporters": "countries", "partners": "countries", "groups": "groups"}),
    _labelled("tradeindex.krugman", ti.krugman,
              {"flows": FLOWS, "side": "exports", "dtype": "float64", "method": "auto", "groups": EAEU, **_ONE},
              {"flows": "flows", "side": "choice", "dtype": "dtype", "method": "method", "n_threads": "threads"}),
    _labelled("tradeindex.concentration", ti.concentration,
              {"flows": FLOWS, "measure": "hhi", "scale": 1, "groups": None, **_ONE},
              {"flows": "flows", "measure": "choice", "scale": "scale", "groups": "groups", "n_threads": "threads"}),
    _labelled("tradeindex.trade_specialisation", ti.trade_specialisation,
              {"flows": FLOWS, "countries": None, "products": None, "membership": "by-year", "groups": EAEU},
              {"flows": "flows", "countries": "countries", "products": "products", "membership": "membership"}),
    _labelled("tradeindex.regional_orientation", ti.regional_orientation,
              {"flows": FLOWS, "group": "EAEU", "membership": "by-year", **_ONE},
              {"flows": "flows", "group": "group", "membership": "membership", "n_threads": "threads"}),
    _labelled("tradeindex.intra_group_share", ti.intra_group_share,
              {"flows": FLOWS, "groups": "EAEU", "side": "exports", "scale": 100, **_ONE},
              {"flows": "flows", "groups": "groups", "side": "choice", "scale": "scale", "n_threads": "threads"},
              overrides={f"groups:{h}": Raises(ValueError, r"groups must be at least one group: a built-in group "
                                                           r"name or \{name: \[ISO3, \.\.\.\]\}; found none")
                         for h in ("empty dict", "empty list")}),
    _labelled("tradeindex.intra_group_intensity", ti.intra_group_intensity,
              {"flows": FLOWS, "groups": "EAEU", "exclude_self": True, **_ONE},
              {"flows": "flows", "n_threads": "threads"}),
    # -- the report ------------------------------------------------------------------------------------
    _labelled("tradeindex.regional_report", ti.regional_report,
              {"flows": FLOWS, "group": "EAEU", "compare": {"DEU": ["DEU"]}, "years": None, "products": None,
               "membership": "fixed", "classification": None, **_ONE},
              {"flows": "flows", "group": "group", "years": "years", "products": "products",
               "membership": "membership", "classification": "choice", "n_threads": "threads"},
              overrides={"flows:empty selection": Raises(ValueError, r"flows must be flows with years \(the report "
                                                                      r"compares years\); found no year column"),
                         "membership:fixed": Same(),
                         "group:unknown member": Holds(lambda r: True, "listed, not in the data (table groups)"),
                         **{f"products:{h}": Holds(lambda r: True, "the tables say the products asked")
                            for h in ("a range of all", "tuple", "array", "comma-separated")}}),
    # -- the constructors and readers ------------------------------------------------------------------
    _labelled("TradeFlows.from_arrays", lambda **kw: _with_countries(ti.TradeFlows.from_arrays(**kw)),
              {**COLUMNS, "hs": "HS17", "duplicates": "error", **_ONE},
              {"exporter": "codes", "importer": "codes", "product": "product codes", "value": "flow values",
               "quantity": "quantities", "year": "year column", "hs": "hs", "duplicates": "choice",
               "n_threads": "threads"}),
    _labelled("TradeFlows.from_arrays rows", lambda rows, **kw: _with_countries(ti.TradeFlows.from_arrays(**rows, **kw)),
              {"rows": COLUMNS}, {"rows": "rows"}),
    *[_labelled(f"TradeFlows.from_frame {column}", partial(_from_frame_column, column), {column: COLUMNS[column]},
                {column: kind}, overrides=overrides)
      for column, kind, overrides in (
          ("exporter", "codes", {**_not_a_column("exporter"),
                                 # pandas: None among integers is NaN in a float column; a scalar fills the column
                                 "exporter:None": Raises(TypeError, CODES_OF_TYPE + "double"),
                                 "exporter:scalar": Raises(ValueError, r"importer must be different from exporter"),
                                 "exporter:complex": Raises(TypeError, r"exporter must be a column of codes or numbers; "
                                                                       r"found column 'exporter_code' of dtype complex128"),
                                 "exporter:datetime": Raises(TypeError, CODES_OF_TYPE + r"timestamp\[s\]")}),
          ("value", "flow values", {**_not_a_column("value"),
                                    # pandas: NaN and masked entries are missing values (null) to Arrow
                                    **{f"value:{h}": Raises(ValueError, r"value must be present in every row; found a "
                                                                         r"missing value at row 1") for h in ("nan", "masked")},
                                    "value:text": Raises(TypeError, r"value must be numeric \(integer or float\); found a "
                                                                    r"column of type large_string"),
                                    "value:datetime": Raises(TypeError, r"value must be numeric \(integer or float\); "
                                                                        r"found a column of type timestamp\[s\]")}))],
    _labelled("tradeindex.from_comtrade", _comtrade, {"primaryValue": RECORDS["primaryValue"].tolist(),
                                                     "flows": "exports", "re_exports": "include"},
              {"primaryValue": "flow values", "flows": "choice", "re_exports": "choice"},
              overrides={**_not_a_column("primaryValue"),
                         # pandas: None among numbers is NaN; masked entries too; text is an object column
                         **{f"primaryValue:{h}": Raises(ValueError, r"primaryValue must be a number in every row \(no "
                                                                    r"NaN or missing\); found NaN at row 1")
                            for h in ("None", "masked")},
                         "primaryValue:text": Raises(TypeError, r"primaryValue must be numeric .*; found .*string"),
                         "primaryValue:datetime": Raises(TypeError, r"primaryValue must be numeric .*; found .*timestamp"),
                         "primaryValue:bool": Raises(TypeError, r"primaryValue must be numeric .*; found .*bool"),
                         "primaryValue:complex": Raises(TypeError, r"value must be a column of codes or numbers; found "
                                                                   r"column 'primaryValue' of dtype complex128")}),
    _labelled("tradeindex.show_config", _config_text, {"file": None}, {"file": "stream"}, outputs=("file",)),
    # -- the results' and the flows' main methods ----------------------------------------------------
    _labelled("IndexMatrix.loc", lambda key: MATRIX.loc[key], {"key": ("RUS", "KAZ")}, {"key": "key"}),
    *[_labelled(f"IndexMatrix.{method}", partial(_write_result, method), {"path": "result.csv"},
                {"path": "output file"}, outputs=("path",)) for method in ("to_csv", "write")],
    _labelled("IndexPanel.to_parquet", partial(_write_result, "to_parquet", PANEL), {"path": "result.parquet"},
              {"path": "output file"}, outputs=("path",),
              overrides={f"path:{h}": Raises(ValueError, r"path must be a file name ending in \.parquet; found")
                         for h in ("exists", "in a missing folder")}),
    _labelled("RegionalReport.write", lambda out_dir: REPORT.write(out_dir, charts=False), {"out_dir": None},
              {"out_dir": "output folder"}, outputs=("out_dir",)),
    _labelled("RegionalReport.plot_complementarity", lambda **kw: _closed(REPORT.plot_complementarity(**kw)),
              {"composition": "fixed"}, {"composition": "choice"}),
    _labelled("TradeFlows.select", lambda flows, **kw: flows.select(**kw),
              {"flows": FLOWS, "years": None, "exporters": None, "products": None},
              {"years": "years", "exporters": "countries", "products": "products"},
              overrides={"years:repeated": Same(lambda b: [2014]),
                         "years:empty list": Holds(lambda r: all(a.size == 0 for a in r[:-1]), "no flows")}),
    _labelled("TradeFlows.aggregate_products", lambda digits: FLOWS.aggregate_products(digits), {"digits": 4},
              {"digits": "digits"}),
    _labelled("TradeFlows.exports", lambda year: FLOWS.exports(year).matrix, {"year": 2014}, {"year": "year"},
              overrides={"year:None": Raises(ValueError, r"year must be given when the flows hold several years"),
                         "year:the other year": Holds(lambda r: True, "that year")}),
    _labelled("tradeindex.read_baci", ti.read_baci, {"path": BACI, "years": None, "hs": None, "duplicates": "error"},
              {"path": "file", "years": "years", "duplicates": "choice"}),
    _labelled("tradeindex.scan_baci", lambda **kw: ti.scan_baci(**kw).collect(), {"path": BACI, "hs": None},
              {"path": "file", "hs": "hs"}),
]
