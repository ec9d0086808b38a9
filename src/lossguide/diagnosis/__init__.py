"""Check a loss call for the mistakes that give wrong answers or unhelpful errors.

:func:`diagnose` looks at one call; :func:`checked` wraps a loss so that every call is looked
at. Each mistake found is a :class:`Finding` with a stable ``code``.

Both, and the names below, are also available from :mod:`lossguide` itself.
"""

from lossguide.diagnosis.core import CHECKS, diagnose
from lossguide.diagnosis.findings import Finding, LossguideWarning
from lossguide.diagnosis.wrapper import Checked, checked

__all__ = ["CHECKS", "Checked", "Finding", "LossguideWarning", "checked", "diagnose"]
