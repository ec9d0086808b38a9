"""lossguide.explain: what it accepts, and that each entry's messages reach that entry first,
with other numbers, inside tracebacks, from exceptions and warnings."""

from __future__ import annotations

import warnings

import pytest

import lossguide
from lib.error_messages import other_numbers, wordings
from lossguide import Explanation, explain
from lossguide.error_index.index import load_shipped

WORDINGS = wordings()
IDS = [f"{anchor}:{message[:40]}" for anchor, message in WORDINGS]


def first_anchor(error: object) -> str | None:
    found = explain(error)
    return found[0].link.partition("#")[2] if found else None


@pytest.mark.parametrize(("anchor", "message"), WORDINGS, ids=IDS)
def test_each_message_reaches_its_entry_first(anchor, message):
    assert first_anchor(message) == anchor


@pytest.mark.parametrize(("anchor", "message"), WORDINGS, ids=IDS)
def test_other_numbers_reach_the_same_entry(anchor, message):
    assert first_anchor(other_numbers(message)) == anchor


@pytest.mark.parametrize(("anchor", "message"), WORDINGS, ids=IDS)
def test_a_whole_traceback_reaches_the_entry(anchor, message):
    traceback = (
        "Traceback (most recent call last):\n"
        '  File "/home/me/train.py", line 41, in <module>\n'
        "    loss = criterion(output, target)\n"
        '  File "/usr/lib/python3.11/site-packages/torch/nn/modules/loss.py", line 1310, '
        "in forward\n"
        "    return F.cross_entropy(input, target, weight=self.weight,\n"
        f"RuntimeError: {other_numbers(message)}\n"
    )
    assert first_anchor(traceback) == anchor


def test_an_exception_and_a_warning_are_read_like_text():
    assert first_anchor(RuntimeError("Target 12 is out of bounds.")) == "target-out-of-bounds"
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        warnings.warn("input_lengths must be integral", UserWarning, stacklevel=1)
    assert first_anchor(caught[0]) == "input-lengths-integral"
    assert first_anchor(UserWarning("input_lengths must be integral")) == "input-lengths-integral"


def test_the_exception_a_loss_error_was_raised_from_is_read_too():
    error = ValueError("training step 10 failed")
    error.__cause__ = RuntimeError("Target 5 is out of bounds.")
    assert first_anchor(error) == "target-out-of-bounds"


def test_a_dtype_of_the_executed_family_ranks_first():
    # "Found dtype X but expected Y" has two entries: an integer target, mixed float dtypes.
    assert first_anchor("Found dtype Double but expected Float") == "found-float-expected-double"
    assert first_anchor("Found dtype Int but expected Float") == "found-long-expected-float"
    assert first_anchor("Found dtype Long but expected Double") == "found-long-expected-float"


def test_kernel_names_of_other_losses_reach_the_entry():
    message = "RuntimeError: \"nll_loss_out_frame\" not implemented for 'Half'"
    assert first_anchor(message) == "not-implemented-for-dtype"


def test_an_explanation_is_the_entry():
    best = explain("Target 3 is out of bounds.")[0]
    assert isinstance(best, Explanation)
    entry = next(e for e in load_shipped()["entries"] if e["anchor"] == "target-out-of-bounds")
    assert (best.title, best.cause, best.fix, best.code) == (
        entry["title"],
        entry["cause"],
        entry["fix"],
        "class-index-out-of-range",
    )
    assert best.link == "errors.html#target-out-of-bounds"
    assert best.url == load_shipped()["base_url"] + best.link
    assert best.code in lossguide.FINDING_CODES
    with pytest.raises(AttributeError):
        best.title = "changed"  # frozen


def test_every_entry_has_a_registered_code_or_none(entries):
    for entry in entries:
        assert all(code in lossguide.FINDING_CODES for code in entry["codes"]), entry["anchor"]


@pytest.mark.parametrize(
    "unrelated",
    [
        "",
        "   ",
        "ModuleNotFoundError: No module named 'numpy'",
        "KeyError: 'label'",
        "hello world",
    ],
)
def test_unrelated_text_finds_nothing(unrelated):
    assert explain(unrelated) == []


@pytest.fixture(scope="module")
def entries() -> list[dict]:
    return load_shipped()["entries"]
