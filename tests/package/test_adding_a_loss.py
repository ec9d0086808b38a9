"""Every loss in the catalog has everything CONTRIBUTING's recipe for adding a loss names:
a section on its family's page, a NumPy reference, a builder of correct calls for the
false-alarm tests, and registered codes for the findings about its input."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from lib.pages import DOCS
from lossguide import reference
from lossguide.catalog import LOSSES, OUTPUT_LAYERS
from lossguide.diagnosis.check_values import input_kind_code
from lossguide.finding_codes import FINDING_CODES


def _builders() -> dict:
    path = Path(__file__).parent / "diagnosis" / "test_no_false_alarms.py"
    spec = importlib.util.spec_from_file_location("no_false_alarms", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.BUILDERS


BUILDERS = _builders()
EVERY_LOSS = (*LOSSES, *OUTPUT_LAYERS)


@pytest.mark.parametrize("spec", EVERY_LOSS, ids=lambda spec: spec.name)
def test_section_on_its_family_page(spec):
    page = (DOCS / f"{spec.family.page}.md").read_text(encoding="utf-8")
    assert f"({spec.label})=\n## {spec.name}\n" in page, (
        f"docs/{spec.family.page}.md needs a section '({spec.label})=' then '## {spec.name}'"
    )


@pytest.mark.parametrize("spec", LOSSES, ids=lambda spec: spec.name)
def test_reference_function(spec):
    """A NumPy twin of the torch.nn.functional function. (The output layers of OUTPUT_LAYERS
    have none to mirror: their weights are the module's own.)"""
    assert spec.functional in reference.__all__, (
        f"lossguide.reference needs {spec.functional}, in NumPy"
    )


@pytest.mark.parametrize("spec", EVERY_LOSS, ids=lambda spec: spec.name)
def test_builder_of_correct_calls(spec):
    assert spec.name in BUILDERS, (
        f"tests/package/diagnosis/test_no_false_alarms.py needs a builder of correct"
        f" {spec.name} calls"
    )


@pytest.mark.parametrize("spec", EVERY_LOSS, ids=lambda spec: spec.name)
def test_registered_codes(spec):
    code = input_kind_code(spec)
    assert code is None or code in FINDING_CODES, f"register {code} in FINDING_CODES"
