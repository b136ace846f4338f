"""Every public function documents itself: what it takes, what it returns,
what it raises, and a short example that runs.

``help(fastsexpr.NAME)`` is where an embedder looks first.  The examples
are run here, on the live engine, so they cannot drift from the code.
"""
from __future__ import annotations

import doctest
import inspect

import pytest

import fastsexpr

FUNCTIONS = sorted(name for name in fastsexpr.__all__
                   if callable(getattr(fastsexpr, name)) and not inspect.isclass(getattr(fastsexpr, name)))


@pytest.mark.parametrize("name", FUNCTIONS)
def test_public_function_has_a_full_docstring(name):
    doc = inspect.getdoc(getattr(fastsexpr, name)) or ""
    assert len(doc.splitlines()) >= 4, f"{name}: {doc!r}"
    assert "Raises" in doc or "raises" in doc or "Never raises" in doc, name
    assert ">>> " in doc, f"{name} has no example"


@pytest.mark.parametrize("name", FUNCTIONS)
def test_public_examples_run(name):
    finder = doctest.DocTestFinder(recurse=False)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    for test in finder.find(getattr(fastsexpr, name), name, globs={"fastsexpr": fastsexpr, **{
            n: getattr(fastsexpr, n) for n in fastsexpr.__all__}}):
        result = runner.run(test)
        assert result.failed == 0, name
