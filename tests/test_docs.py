"""Run every docstring example of the installed package as a doctest."""
import doctest
import importlib
import pkgutil

import pytest

import tradeindex

MODULES = sorted(m.name for m in pkgutil.iter_modules(tradeindex.__path__, "tradeindex.")
                 if not m.name.split(".")[-1].startswith("_"))


@pytest.mark.parametrize("name", MODULES)
def test_doctests(name):
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0


def test_every_public_function_has_an_example():
    missing = [name for name in tradeindex.__all__
               if callable(getattr(tradeindex, name)) and not isinstance(getattr(tradeindex, name), type)
               and ">>>" not in (getattr(tradeindex, name).__doc__ or "")]
    assert not missing, f"public functions without a doctest example: {missing}"
