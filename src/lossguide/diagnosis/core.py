"""The entry point: run every check on one loss call and collect what they find."""

from __future__ import annotations

from collections.abc import Callable, Iterable

import torch

from lossguide.diagnosis import check_dtypes, check_labels, check_shapes, check_values
from lossguide.diagnosis.call import BadCall, LossCall, read_call
from lossguide.diagnosis.findings import Finding
from lossguide.diagnosis.losses import rules_for

__all__ = ["CHECKS", "diagnose"]

Check = Callable[[LossCall], Iterable[Finding]]

#: The checks of every loss, driven by what the catalog says of it, in the order their
#: findings are reported: what torch raises on first. The rules of a single loss
#: (:mod:`lossguide.diagnosis.losses`) run after them.
CHECKS: tuple[Check, ...] = (
    *check_dtypes.CHECKS,
    *check_shapes.CHECKS,
    *check_labels.CHECKS,
    *check_values.CHECKS,
)


def diagnose(loss: object, *args: object, **kwargs: object) -> list[Finding]:
    """Look for the mistakes in ``loss(*args, **kwargs)`` without making the call.

    ``loss`` is an ``nn.*Loss`` instance, whose settings (reduction, weight, ignore_index,
    ...) are read from it, or a ``torch.nn.functional`` loss, whose settings come from
    ``kwargs`` with torch's defaults. The arguments are what the reader would pass: tensors,
    or the arrays and lists that torch would refuse.

    Returns the findings, errors first; an empty list means nothing looks wrong. It never
    raises on bad input, never modifies its arguments and builds no autograd graph.

    >>> import torch
    >>> from torch import nn
    >>> probabilities = torch.tensor([[0.9, 0.1], [0.2, 0.8]])
    >>> [finding.code for finding in diagnose(nn.NLLLoss(), probabilities, torch.tensor([0, 1]))]
    ['nll-input-not-log-probabilities']
    >>> diagnose(nn.NLLLoss(), probabilities.log(), torch.tensor([0, 1]))
    []
    """
    try:
        call = read_call(loss, args, kwargs)
    except ValueError as error:  # from lookup: not a loss the catalog knows
        return [Finding("unknown-loss", "warning", f"{error}. Nothing was checked.")]
    except BadCall as error:
        return [Finding("bad-arguments", "error", str(error))]
    except Exception as error:
        return [_crashed("reading the call", error)]
    findings: list[Finding] = []
    checks: tuple[Check, ...] = (*CHECKS, *rules_for(call.spec.functional))
    if valueless := _meta_tensors(call):
        # Shapes and dtypes are all a meta tensor has: the checks of values would only fail.
        checks = (*check_dtypes.CHECKS, *check_shapes.CHECKS)
        findings.append(_values_not_checked(valueless))
    with torch.no_grad():
        for check in checks:
            try:
                findings.extend(check(call))
            except Exception as error:
                findings.append(_crashed(check.__name__, error))
    return sorted(findings, key=lambda finding: finding.severity != "error")


def _meta_tensors(call: LossCall) -> list[str]:
    """The arguments and options that are meta tensors: a shape and a dtype, no values."""
    arguments = [(name, tensor) for name, tensor in call.tensors.items()]
    options = [(name, value) for name, value in call.options.items()]
    return [
        name
        for name, value in arguments + options
        if isinstance(value, torch.Tensor) and value.is_meta
    ]


def _values_not_checked(names: list[str]) -> Finding:
    which = " and ".join(names)
    return Finding(
        "values-not-checked",
        "warning",
        f"{which} {'is a meta tensor' if len(names) == 1 else 'are meta tensors'}: a shape and "
        f"a dtype but no values. Shapes and dtypes were checked; class indices, value ranges "
        f"and NaNs were not.",
    )


def _crashed(where: str, error: Exception) -> Finding:
    return Finding(
        "check-crashed",
        "warning",
        f"lossguide failed while {where} ({type(error).__name__}: {error}). This is a bug in "
        f"lossguide, not necessarily in the call; the other checks still ran.",
    )
