"""The Examples of the public functions' docstrings run as written (``battle``'s and
``fit``'s; review18b 4: nothing ran them, ``.ci/run`` calls plain ``pytest``).  Their
oracles are in the examples: the square law's closed form (battle: red wins with 481.66 at
day 124.03, methods-and-peers.md section 0; fit: the rates of strengths built from cosh and
sinh)."""

from __future__ import annotations

import doctest
from collections.abc import Callable
from typing import Any

import pytest

import forceratio


@pytest.mark.parametrize("name", ["battle", "fit"])
def test_the_docstring_example_runs_as_written(name: str) -> None:
    func: Callable[..., Any] = getattr(forceratio, name)
    tests = doctest.DocTestFinder().find(func, func.__name__, globs={func.__name__: func})
    examples = [ex for t in tests for ex in t.examples]
    assert examples, f"{func.__name__} has no Examples section"
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    for t in tests:
        runner.run(t)
    assert runner.summarize(verbose=False).failed == 0
