"""Check a loss call for the mistakes that give wrong answers or unhelpful errors.

:func:`diagnose` looks at one call; :func:`checked` wraps a loss so that every call is looked
at. Each mistake found is a :class:`Finding` with a stable ``code``.

This package is callable, so that ``lossguide.diagnose(loss, ...)`` works whether
``lossguide.diagnose`` names the function or, once imported, this package.
"""

import sys
import types

from lossguide.diagnose.core import CHECKS, diagnose
from lossguide.diagnose.findings import Finding, LossguideWarning
from lossguide.diagnose.wrapper import Checked, checked

__all__ = ["CHECKS", "Checked", "Finding", "LossguideWarning", "checked", "diagnose"]


class _CallablePackage(types.ModuleType):
    def __call__(self, loss: object, *args: object, **kwargs: object) -> list[Finding]:
        return diagnose(loss, *args, **kwargs)


sys.modules[__name__].__class__ = _CallablePackage
