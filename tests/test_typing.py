"""Type hints of the public API: every public function and method is annotated (each parameter
and the return) with names that exist, and the package ships its type information (py.typed
and the stubs of the compiled modules). mypy checks the types themselves (CI: `python -m mypy`)."""
import ast
import builtins
import importlib
import inspect
import sys
from pathlib import Path

import pytest

import tradeindex
from tradeindex import charts, kernels

PACKAGE = Path(tradeindex.__file__).parent
COMPILED = ("_aggregate", "_build", "_complementarity", "_grubel_lloyd", "_ingest")


def _own(f):
    """A function written in tradeindex's sources (not one a dataclass generated, nor NumPy's)."""
    code = getattr(f, "__code__", None)
    return code is not None and Path(code.co_filename).parent == PACKAGE


def _methods(cls):
    """(name, function, is_method) of a class's public methods, properties, class methods and
    constructor, its tradeindex bases' included."""
    for name in dir(cls):
        if name.startswith("_") and name not in ("__init__", "__getitem__", "__len__", "__iter__", "__array__"):
            continue
        raw = inspect.getattr_static(cls, name)
        if isinstance(raw, property):
            yield f"{cls.__name__}.{name}", raw.fget, True
        elif isinstance(raw, (classmethod, staticmethod)):
            yield f"{cls.__name__}.{name}", raw.__func__, isinstance(raw, classmethod)
        elif inspect.isfunction(raw):
            yield f"{cls.__name__}.{name}", raw, True


def _public():
    """(name, function, is_method) of everything public: tradeindex.__all__ (functions and the
    methods of its classes), tradeindex.kernels.__all__ and the charts."""
    out = []
    for module, names in ((tradeindex, tradeindex.__all__), (kernels, kernels.__all__),
                          (charts, [n for n in vars(charts) if not n.startswith("_")])):
        for name in names:
            obj = getattr(module, name)
            if inspect.isclass(obj) and obj.__module__.startswith("tradeindex"):
                out += _methods(obj)
            elif inspect.isfunction(obj) and obj.__module__.startswith("tradeindex"):
                out.append((f"{module.__name__}.{name}", obj, False))
    return [(name, f, method) for name, f, method in dict.fromkeys(out) if _own(f)]


PUBLIC = _public()


def test_the_public_api_is_found():
    names = {name for name, _, _ in PUBLIC}
    assert {"tradeindex.complementarity", "tradeindex.kernels.complementarity", "TradeFlows.from_arrays",
            "TradeFlows.years", "LazyFlows.collect", "IndexMatrix.to_pandas", "IndexPanel.from_matrices",
            "TopPartners.to_arrow", "IndexTable.write", "RegionalReport.write", "tradeindex.charts.heatmap",
            "tradeindex.read_baci", "tradeindex.rca", "Group.members"} <= names
    assert len(PUBLIC) > 100


def _missing(f, method):
    """The parameters (and 'return') of `f` without an annotation."""
    sig = inspect.signature(f)
    params = list(sig.parameters.values())[1 if method else 0:]
    missing = [p.name for p in params if p.annotation is inspect.Parameter.empty]
    return missing + (["return"] if sig.return_annotation is inspect.Signature.empty else [])


@pytest.mark.parametrize("name, f, method", PUBLIC, ids=[name for name, _, _ in PUBLIC])
def test_every_parameter_and_return_is_annotated(name, f, method):
    assert not _missing(f, method), f"{name}: no annotation for {_missing(f, method)}"


def _type_checking_names(module):
    """The names a module binds under `if TYPE_CHECKING:` (imports, aliases, classes), read from
    its source: they exist for type checkers only."""
    tree = ast.parse(Path(module.__file__).read_text(encoding="utf-8"))
    names = set()
    for node in tree.body:
        if isinstance(node, ast.If) and isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING":
            for stmt in ast.walk(node):
                if isinstance(stmt, (ast.Import, ast.ImportFrom)):
                    names |= {(a.asname or a.name).split(".")[0] for a in stmt.names}
                elif isinstance(stmt, (ast.ClassDef, ast.FunctionDef)):
                    names.add(stmt.name)
                elif isinstance(stmt, (ast.Assign, ast.AnnAssign)):
                    targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
                    names |= {t.id for t in targets if isinstance(t, ast.Name)}
    return names


def _unknown_names(annotation, known):
    """The names an annotation (text, as `from __future__ import annotations` keeps it) uses that
    are not known in its module."""
    text = annotation if isinstance(annotation, str) else getattr(annotation, "__name__", repr(annotation))
    tree = ast.parse(text, mode="eval")
    return {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and n.id not in known}


@pytest.mark.parametrize("name, f, method", PUBLIC, ids=[name for name, _, _ in PUBLIC])
def test_annotations_name_what_exists(name, f, method):
    """Each annotation is an expression whose names are defined in the function's module (at run
    time or under TYPE_CHECKING) or built in: no typo, no name forgotten in the imports."""
    module = sys.modules[f.__module__]
    known = set(vars(module)) | _type_checking_names(module) | set(vars(builtins))
    unknown = {param: sorted(_unknown_names(a, known)) for param, a in f.__annotations__.items()}
    unknown = {param: names for param, names in unknown.items() if names}
    assert not unknown, f"{name}: unknown names in its annotations: {unknown}"


def test_an_unannotated_function_is_caught():
    def f(flows, *, years: int = 0):
        return flows
    assert _missing(f, False) == ["flows", "return"]
    assert _unknown_names("Flows | Missing", {"Flows"}) == {"Missing"}


def test_the_package_ships_its_type_information():
    """PEP 561: the py.typed marker and a stub beside each compiled module (the kernels'
    signatures), in the package as installed (pyproject's package-data)."""
    assert (PACKAGE / "py.typed").is_file()
    for name in COMPILED:
        assert (PACKAGE / f"{name}.pyi").is_file(), name
        stub = ast.parse((PACKAGE / f"{name}.pyi").read_text(encoding="utf-8"))
        compiled = importlib.import_module(f"tradeindex.{name}")
        declared = {n.name for n in stub.body if isinstance(n, ast.FunctionDef)}
        functions = {n for n in dir(compiled) if not n.startswith("_") and callable(getattr(compiled, n))}
        assert declared == functions, name
