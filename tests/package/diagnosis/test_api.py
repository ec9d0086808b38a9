"""diagnose never raises and never touches its inputs; Finding and checked() behave as
documented."""

from __future__ import annotations

import dataclasses
import subprocess
import sys

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from torch import nn

import lossguide
from lossguide.diagnosis import CHECKS, Checked, Finding, LossguideWarning, checked, diagnose
from lossguide.diagnosis import core as diagnose_core

torch.manual_seed(0)


@pytest.mark.parametrize(
    "args",
    [
        ("not", "tensors"),
        (None, None),
        ([[1.0, 2.0], [3.0]], [0, 1]),  # ragged
        (torch.randn(2, 3), torch.tensor([0, 1]), torch.ones(1)),  # one too many
        (torch.randn(0, 3), torch.zeros(0, dtype=torch.long)),  # empty
        (torch.randn(2, 3, dtype=torch.complex64), torch.tensor([0, 1])),
        (torch.tensor(1.0), torch.tensor(0)),  # 0-d input
        (np.array([["a", "b"]]), np.array([0])),
        (torch.randn(2, 3), torch.tensor([True, False])),
    ],
)
def test_diagnose_reports_instead_of_raising(args):
    findings = diagnose(nn.CrossEntropyLoss(), *args)
    assert all(isinstance(finding, Finding) for finding in findings)
    assert "check-crashed" not in {finding.code for finding in findings}


def test_a_tuple_of_outputs_that_require_grad_is_named_as_such():
    outputs = (torch.randn(4, 3, requires_grad=True), torch.randn(4, 3, requires_grad=True))
    findings = diagnose(nn.CrossEntropyLoss(), outputs, torch.tensor([0, 1, 2, 0]))
    assert [finding.code for finding in findings] == ["not-a-tensor"]
    assert "tuple of 2" in findings[0].message
    assert "input[0]" in findings[0].message


def test_meta_tensors_still_show_a_shape_mismatch():
    logits = torch.empty(4, 3, device="meta")
    labels = torch.empty(5, dtype=torch.long, device="meta")
    codes = {finding.code for finding in diagnose(F.cross_entropy, logits, labels)}
    assert codes == {"target-shape-mismatch", "values-not-checked"}


def test_a_crashing_check_becomes_a_finding(monkeypatch):
    def broken(call):
        raise RuntimeError("boom")

    monkeypatch.setattr(diagnose_core, "CHECKS", (broken, *CHECKS))
    findings = diagnose(nn.MSELoss(), torch.randn(3), torch.randn(3))
    assert [(f.code, f.severity) for f in findings] == [("check-crashed", "warning")]
    assert "broken (RuntimeError: boom)" in findings[0].message


def test_unknown_loss_is_reported():
    [finding] = diagnose(nn.Linear(2, 2), torch.randn(3, 2))
    assert finding.code == "unknown-loss"


def test_inputs_are_untouched_and_no_graph_is_built(monkeypatch):
    seen_grad_mode = []

    def spy(call):
        seen_grad_mode.append(torch.is_grad_enabled())
        return []

    monkeypatch.setattr(diagnose_core, "CHECKS", (*CHECKS, spy))
    logits = (torch.randn(6, 4) * 3).softmax(1).requires_grad_()
    target = torch.tensor([0, 1, 2, 3, 0, 1])
    before = (logits.detach().clone(), target.clone(), logits._version, target._version)
    findings = diagnose(nn.CrossEntropyLoss(), logits, target)
    assert [f.code for f in findings] == ["input-looks-like-softmax-output"]
    assert seen_grad_mode == [False]
    assert torch.equal(logits.detach(), before[0])
    assert torch.equal(target, before[1])
    assert (logits._version, target._version) == before[2:]
    assert logits.grad is None


def test_numpy_inputs_are_not_shared_or_changed():
    scores = np.full((4, 3), 0.5)
    scores.flags.writeable = False  # torch.from_numpy would warn on this; diagnose copies
    target = np.array([0, 1, 2, 0], dtype=np.int32)
    codes = [f.code for f in diagnose(nn.CrossEntropyLoss(), scores, target)]
    assert codes == ["not-a-tensor", "not-a-tensor", "class-index-not-int64"]
    assert np.array_equal(target, [0, 1, 2, 0])
    assert np.all(scores == 0.5)


def test_findings_come_errors_first():
    findings = diagnose(nn.KLDivLoss(), torch.randn(4, 3), torch.randint(0, 2, (4, 2)))
    severities = [finding.severity for finding in findings]
    assert severities == sorted(severities, key=lambda severity: severity != "error")
    assert "error" in severities
    assert "warning" in severities


def test_finding_is_frozen_and_readable():
    finding = Finding("kl-reduction-mean", "warning", "Pass reduction='batchmean'.")
    with pytest.raises(dataclasses.FrozenInstanceError):
        finding.code = "other"  # type: ignore[misc]
    assert str(finding) == "warning [kl-reduction-mean]: Pass reduction='batchmean'."
    assert repr(finding).startswith("Finding(code='kl-reduction-mean', severity='warning'")
    with pytest.raises(ValueError, match="severity must be one of"):
        Finding("x", "info", "no such severity")  # type: ignore[arg-type]


def test_top_level_names_are_the_functions():
    args = (torch.randn(4, 3).softmax(1), torch.tensor([0, 1, 2, 0]))
    assert lossguide.diagnose is diagnose
    assert lossguide.checked is checked
    assert lossguide.diagnose(nn.NLLLoss(), *args) == diagnose(nn.NLLLoss(), *args)


# checked()


def _bad_call():
    return torch.randn(8, 1), torch.randn(8)  # broadcasts in MSELoss


@pytest.mark.filterwarnings("ignore:Using a target size:UserWarning")  # torch's own warning
def test_checked_warns_then_returns_the_loss():
    criterion = checked(nn.MSELoss())
    input, target = _bad_call()
    with pytest.warns(LossguideWarning, match=r"shapes-broadcast") as record:
        value = criterion(input, target)
    assert record[0].filename == __file__  # points at the caller's line
    assert torch.equal(value, nn.MSELoss()(input, target))
    assert issubclass(LossguideWarning, UserWarning)


def test_checked_raises_before_calling():
    calls = []

    class Counting(nn.MSELoss):
        def forward(self, input, target):
            calls.append(1)
            return super().forward(input, target)

    with pytest.raises(ValueError, match=r"(?s)MSELoss call looks wrong:\n- warning \[shapes"):
        checked(Counting(), on="raise")(*_bad_call())
    assert calls == []


def test_checked_is_a_drop_in_module():
    weight = torch.tensor([1.0, 2.0, 3.0])
    criterion = checked(nn.CrossEntropyLoss(weight=weight), on="raise")
    assert isinstance(criterion, nn.Module)
    logits = (torch.randn(5, 3) * 3).requires_grad_()
    target = torch.tensor([0, 1, 2, 1, 0])
    value = criterion(logits, target)
    assert torch.equal(value, F.cross_entropy(logits, target, weight=weight))
    value.backward()
    assert logits.grad is not None
    moved = criterion.to(torch.float64)
    assert moved is criterion
    assert criterion.loss.weight.dtype == torch.float64
    assert "weight" in str(criterion.state_dict())
    assert repr(criterion) == "Checked(\n  on='raise'\n  (loss): CrossEntropyLoss()\n)"


def test_checked_wraps_functional_losses_with_their_keywords():
    criterion = checked(F.cross_entropy, on="raise")
    logits, target = torch.randn(4, 3), torch.tensor([0, 1, 2, 0])
    assert torch.equal(
        criterion(logits, target, reduction="sum"), F.cross_entropy(logits, target, reduction="sum")
    )
    with pytest.raises(ValueError, match="all-targets-ignored"):
        criterion(logits, torch.zeros(4, dtype=torch.long), ignore_index=0)
    assert "cross_entropy, on='raise'" in repr(criterion)


def test_checked_refuses_bad_arguments():
    with pytest.raises(ValueError, match="on must be 'warn' or 'raise', not 'ignore'"):
        checked(nn.MSELoss(), on="ignore")
    with pytest.raises(TypeError, match=r"write checked\(MSELoss\(\)\)"):
        checked(nn.MSELoss)
    with pytest.raises(ValueError, match=r"is not a torch\.nn loss"):
        checked(nn.Linear(2, 2))
    assert isinstance(checked(nn.MSELoss()), Checked)


def test_the_shape_checks_do_not_import_sympy():
    # torch.broadcast_shapes imports sympy on first use, which cost a first diagnose 0.8 s.
    code = """
import sys, torch
from torch import nn
from lossguide import diagnose
diagnose(nn.MSELoss(), torch.zeros(4, 1), torch.zeros(4))
diagnose(nn.BCELoss(), torch.rand(4, 1), torch.rand(4))
diagnose(nn.L1Loss(), torch.zeros(4, 3), torch.zeros(5))
assert "sympy" not in sys.modules, "a shape check imported sympy"
"""
    subprocess.run([sys.executable, "-c", code], check=True)
