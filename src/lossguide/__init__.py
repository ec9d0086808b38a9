"""lossguide: PyTorch's loss functions, explained and checked.

The package behind the lossguide site:

- :func:`as_tensors` converts NumPy data into the tensors a loss expects;
- :func:`explain` finds the entries of the site's error index that explain an error, a
  warning or a pasted traceback (also ``python -m lossguide explain`` and
  ``%load_ext lossguide``);
- :func:`diagnose` and :func:`checked` catch the mistakes in a loss call that torch lets
  through or reports unhelpfully, each with a code that
  :data:`~lossguide.finding_codes.FINDING_CODES` explains;
- :mod:`lossguide.reference` implements every loss in NumPy, to read beside its formula;
- :mod:`lossguide.catalog` describes every loss in :mod:`torch.nn`, and
  :mod:`lossguide.tables` and :mod:`lossguide.plots` draw the site's tables and figures.
"""

from importlib import import_module
from importlib.metadata import version

from lossguide.catalog import LOSSES, LossSpec, lookup
from lossguide.finding_codes import FINDING_CODES

__all__ = [
    "FINDING_CODES",
    "LOSSES",
    "Explanation",
    "Finding",
    "LossSpec",
    "LossguideWarning",
    "as_tensors",
    "checked",
    "diagnose",
    "explain",
    "lookup",
]
__version__ = version("lossguide")

# Names whose modules import torch load on first use, so that the NumPy-only parts of the
# package (the catalog, the reference losses) import without torch.
_LAZY = {
    "as_tensors": "lossguide.convert",
    "checked": "lossguide.diagnosis",
    "diagnose": "lossguide.diagnosis",
    "explain": "lossguide.error_index",
    "Explanation": "lossguide.error_index",
    # `%load_ext lossguide` in IPython and Jupyter
    "load_ipython_extension": "lossguide.ipython",
    "unload_ipython_extension": "lossguide.ipython",
    "Finding": "lossguide.diagnosis",
    "LossguideWarning": "lossguide.diagnosis",
}


def __getattr__(name: str) -> object:
    if name in _LAZY:
        value = getattr(import_module(_LAZY[name]), name)
        globals()[name] = value  # later lookups skip __getattr__
        return value
    raise AttributeError(f"module 'lossguide' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)
