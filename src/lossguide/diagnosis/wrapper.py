"""A loss that checks each of its calls: a drop-in for the loss in a training loop."""

from __future__ import annotations

import inspect
import warnings
from collections.abc import Callable

import torch
from torch import nn

from lossguide.catalog import lookup
from lossguide.diagnosis.core import diagnose
from lossguide.diagnosis.findings import LossguideWarning, describe

__all__ = ["Checked", "checked"]

_ON = ("warn", "raise")


class Checked(nn.Module):
    """``loss``, checked by :func:`lossguide.diagnose` before each call.

    A module loss is registered as a submodule, so ``.to()``, ``.cuda()`` and
    ``state_dict()`` reach its ``weight`` and ``pos_weight``.
    """

    def __init__(self, loss: nn.Module | Callable[..., torch.Tensor], on: str = "warn") -> None:
        super().__init__()
        if on not in _ON:
            raise ValueError(f"on must be 'warn' or 'raise', not {on!r}")
        if isinstance(loss, type):
            raise TypeError(
                f"checked() needs a loss instance, not the class {loss.__name__}: "
                f"write checked({loss.__name__}())"
            )
        self.spec = lookup(loss)  # ValueError for anything that is not a torch.nn loss
        self.on = on
        if isinstance(loss, nn.Module):
            self.loss = loss
        else:
            self.function = loss

    def forward(self, *args: object, **kwargs: object) -> torch.Tensor:
        loss = self.loss if "loss" in self._modules else self.function
        findings = diagnose(loss, *args, **kwargs)
        if findings:
            text = f"{self.spec.name} call looks wrong:\n{describe(findings)}"
            if self.on == "raise":
                raise ValueError(text)
            warnings.warn(text, LossguideWarning, stacklevel=_caller_stacklevel())
        return loss(*args, **kwargs)

    def extra_repr(self) -> str:
        function = "" if "loss" in self._modules else f"{self.function.__name__}, "
        return f"{function}on={self.on!r}"


def _caller_stacklevel() -> int:
    """The ``stacklevel`` that points a warning from :meth:`Checked.forward` at the line that
    called the loss: past this module and however many frames torch's ``Module.__call__``
    machinery takes (two in torch 2.13, but that is torch's internal business)."""
    frame = inspect.currentframe()
    frame = frame.f_back if frame is not None else None  # forward's own frame: stacklevel 1
    level = 1
    while frame is not None and _is_internal(frame.f_globals.get("__name__", "")):
        frame, level = frame.f_back, level + 1
    return level


def _is_internal(module: str) -> bool:
    return module == __name__ or module.startswith("torch.nn.modules.")


def checked(loss: nn.Module | Callable[..., torch.Tensor], on: str = "warn") -> Checked:
    """Wrap ``loss`` so that every call is checked first, then made.

    With ``on="warn"`` a call that looks wrong issues a :class:`LossguideWarning` listing the
    findings; with ``on="raise"`` it raises :class:`ValueError` instead, before calling the
    loss. Either way a call that looks right returns exactly what ``loss`` returns.

    >>> import torch
    >>> from torch import nn
    >>> criterion = checked(nn.CrossEntropyLoss(), on="raise")
    >>> criterion(torch.zeros(2, 3), torch.tensor([0, 2]))
    tensor(1.0986)
    >>> criterion(torch.zeros(2, 3), torch.tensor([0, 3]))  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: CrossEntropyLoss call looks wrong:
    - error [class-index-out-of-range]: target holds 1 label outside the classes, such as 3; ...
    """
    return Checked(loss, on)
