"""The value each docstring example prints is what torch prints for the same call."""

from __future__ import annotations

import doctest
import functools

import numpy as np
import pytest

from lossguide import reference


@pytest.mark.parametrize("name", reference.__all__)
def test_docstring_examples_print_torchs_values(name, torch_twin):
    function = getattr(reference, name)
    [test] = doctest.DocTestFinder().find(function, name, globs={})
    assert test.examples, f"{name} has no example"
    test.globs = {other: functools.partial(torch_twin, other) for other in reference.__all__}
    test.globs["np"] = np
    runner = doctest.DocTestRunner(optionflags=doctest.NORMALIZE_WHITESPACE)
    reports: list[str] = []
    failed, _ = runner.run(test, out=reports.append)
    assert not failed, "torch prints otherwise:\n" + "".join(reports)
