"""lossguide: PyTorch's loss functions, explained and checked.

The package behind the lossguide site: :func:`as_tensors` converts NumPy data into the
tensors a loss expects, and :mod:`lossguide.catalog` describes every loss in :mod:`torch.nn`.
"""

from importlib import import_module
from importlib.metadata import version

from lossguide.catalog import LOSSES, LossSpec, lookup

__all__ = ["LOSSES", "LossSpec", "as_tensors", "lookup"]
__version__ = version("lossguide")

# Names whose modules import torch load on first use, so that the NumPy-only parts of the
# package (the catalog, the reference losses) import without torch.
_LAZY = {"as_tensors": "lossguide.convert"}


def __getattr__(name: str) -> object:
    if name in _LAZY:
        return getattr(import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'lossguide' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)
