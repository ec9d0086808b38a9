"""How lossguide.diagnosis is built: every fact about a loss comes from the catalog.

A check that named a loss ("if call.name == 'CTCLoss'") would hold a fact the catalog does not,
and a new loss would silently miss it. Rules that hold for one loss alone live in
lossguide.diagnosis.losses, in a module named after the loss's functional.
"""

from __future__ import annotations

import ast
import pkgutil
from pathlib import Path

import lossguide.diagnosis
from lossguide.catalog import LOSSES
from lossguide.diagnosis import losses
from lossguide.diagnosis.call import _legacy_reduction

PACKAGE = Path(lossguide.diagnosis.__file__).parent
NAMES = {spec.name for spec in LOSSES} | {spec.functional for spec in LOSSES}


def _string_literals(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, (ast.Module, ast.FunctionDef, ast.ClassDef))
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    return [
        (node.lineno, node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in docstrings
    ]


def test_no_loss_is_named_by_a_string_literal():
    sources = sorted(PACKAGE.rglob("*.py"))
    assert len(sources) >= 10
    named = [
        f"{path.relative_to(PACKAGE)}:{line}: {value!r}"
        for path in sources
        for line, value in _string_literals(path)
        if value.strip() in NAMES
    ]
    assert not named, "a loss named in lossguide.diagnosis, not in the catalog:\n" + "\n".join(
        named
    )


def test_the_literal_scan_finds_a_loss_name(tmp_path):
    """The scan above would see a check that named a loss."""
    source = tmp_path / "check.py"
    source.write_text('def check(call):\n    """CTCLoss."""\n    return call.name == "CTCLoss"\n')
    assert [value for _, value in _string_literals(source)] == ["CTCLoss"]


def test_every_loss_module_is_a_loss_of_the_catalog():
    modules = {info.name for info in pkgutil.iter_modules(losses.__path__)}
    assert modules == set(losses.RULES)
    assert modules <= {spec.functional for spec in LOSSES}


def test_legacy_reduction_is_torchs():
    # torch's private helper, used here only to check the package's own copy of its rule.
    from torch.nn import _reduction

    for size_average in (None, True, False):
        for reduce in (None, True, False):
            expected = _reduction.legacy_get_string(size_average, reduce, emit_warning=False)
            assert _legacy_reduction(size_average, reduce) == expected, (size_average, reduce)
