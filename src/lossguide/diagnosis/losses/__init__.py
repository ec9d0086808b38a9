"""The rules that hold for one loss alone, one module per loss, named after its function in
:mod:`torch.nn.functional`.

Everything a check can learn from the catalog (input kinds, argument roles, dtypes, shapes)
is checked for every loss by the generic checks in :mod:`lossguide.diagnosis`; a module here
holds what no flag can say, such as how CTCLoss counts its labels or what ``log_target``
means to KLDivLoss.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from types import ModuleType

from lossguide.diagnosis.call import LossCall
from lossguide.diagnosis.findings import Finding
from lossguide.diagnosis.losses import (
    cross_entropy,
    ctc_loss,
    kl_div,
    linear_cross_entropy,
    poisson_nll_loss,
)

__all__ = ["RULES", "rules_for"]

Check = Callable[[LossCall], Iterable[Finding]]
_MODULES: tuple[ModuleType, ...] = (
    cross_entropy,
    ctc_loss,
    kl_div,
    linear_cross_entropy,
    poisson_nll_loss,
)

#: The checks of each loss that has rules of its own, by its functional name.
RULES: dict[str, tuple[Check, ...]] = {
    module.__name__.rpartition(".")[2]: module.CHECKS for module in _MODULES
}


def rules_for(functional: str) -> tuple[Check, ...]:
    """The loss-specific checks of the loss whose functional is ``functional`` (often none)."""
    return RULES.get(functional, ())
