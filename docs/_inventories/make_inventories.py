"""Write the intersphinx inventories the site links against: Python, torch, NumPy, matplotlib.

The build never fetches an inventory (pages must build offline), so the ones it uses are kept
here. The projects' own inventories are large, and Sphinx reads every one on every build and
keeps it in its pickled environment: CPython's alone cost each rebuild about 0.4 s. These list
only what readers of a loss guide are sent to:

- Python: from CPython's own inventory, the built-in functions, types and exceptions with their
  methods, every module's name, the glossary, and the contents of the few modules a loss guide
  mentions (MODULES_KEPT);
- torch, read off the installed package: the torch, torch.nn and torch.nn.functional
  callables, and Tensor methods;
- NumPy: its top-level functions, ndarray and its methods, numpy.typing and the array_like
  glossary term;
- matplotlib: Figure, Axes and pyplot.

Every URI follows the layout of the projects' own docs. Rerun when the pinned torch changes,
or when a page needs a Python object the trimmed inventory lacks (nitpicky mode names it):

    nox -s inventories

cpython-3.11.inv is CPython 3.11's own objects.inv, as Debian ships it in python3.11-doc
(/usr/share/doc/python3.11/html/objects.inv), under the PSF licence. The build does not read it.
"""

from __future__ import annotations

import builtins
import inspect
from importlib.metadata import version
from pathlib import Path

import numpy
import numpy.typing
import sphobjinv as soi
import torch
import torch.nn.functional

HERE = Path(__file__).parent
CPYTHON = HERE / "cpython-3.11.inv"
MODULES_KEPT = ("collections.abc", "functools", "math", "random", "typing", "warnings")


def _public(namespace: object) -> list[tuple[str, object]]:
    names = getattr(namespace, "__all__", None) or dir(namespace)
    return [
        (name, getattr(namespace, name))
        for name in sorted(set(names))
        if not name.startswith("_") and hasattr(namespace, name)
    ]


def _entry(name: str, role: str, uri: str) -> soi.DataObjStr:
    return soi.DataObjStr(name=name, domain="py", role=role, priority="1", uri=uri, dispname="-")


def torch_entries() -> list[soi.DataObjStr]:
    def generated(name: str, role: str) -> soi.DataObjStr:
        return _entry(name, role, f"generated/{name}.html#$")

    entries = [
        _entry("torch", "module", "torch.html#module-$"),
        _entry("torch.nn", "module", "nn.html#module-$"),
        _entry("torch.nn.functional", "module", "nn.functional.html#module-$"),
        _entry("torch.Tensor", "class", "tensors.html#$"),
        _entry("torch.dtype", "class", "tensor_attributes.html#$"),
        _entry("torch.device", "class", "tensor_attributes.html#$"),
    ]
    for name, value in _public(torch):
        if inspect.isfunction(value) or inspect.isbuiltin(value):
            entries.append(generated(f"torch.{name}", "function"))
    for name, value in _public(torch.nn):
        if inspect.isclass(value) and issubclass(value, torch.nn.Module):
            entries.append(generated(f"torch.nn.{name}", "class"))
    for name, value in _public(torch.nn.functional):
        if callable(value) and not inspect.isclass(value) and not inspect.ismodule(value):
            entries.append(generated(f"torch.nn.functional.{name}", "function"))
    for name in dir(torch.Tensor):
        if not name.startswith("_") and callable(getattr(torch.Tensor, name)):
            entries.append(generated(f"torch.Tensor.{name}", "method"))
    return entries


def numpy_entries() -> list[soi.DataObjStr]:
    entries = [
        _entry("numpy", "module", "reference/index.html#module-$"),
        _entry("numpy.typing", "module", "reference/typing.html#module-$"),
        _entry("numpy.ndarray", "class", "reference/generated/$.html#$"),
        _entry("numpy.dtype", "class", "reference/generated/$.html#$"),
        _entry("numpy.generic", "class", "reference/arrays.scalars.html#$"),
    ]
    for name in ("ArrayLike", "DTypeLike", "NDArray"):
        entries.append(_entry(f"numpy.typing.{name}", "data", "reference/typing.html#$"))
    for name, value in _public(numpy):
        if inspect.isclass(value) and issubclass(value, numpy.generic):
            entries.append(_entry(f"numpy.{name}", "class", "reference/arrays.scalars.html#$"))
        elif callable(value) and not inspect.isclass(value):
            entries.append(_entry(f"numpy.{name}", "function", "reference/generated/$.html#$"))
    entries.append(
        soi.DataObjStr(
            name="array_like",
            domain="std",
            role="term",
            priority="-1",
            uri="glossary.html#term-array_like",
            dispname="array_like",
        )
    )
    for name in dir(numpy.ndarray):
        if not name.startswith("_"):
            role = "method" if callable(getattr(numpy.ndarray, name)) else "attribute"
            entries.append(_entry(f"numpy.ndarray.{name}", role, "reference/generated/$.html#$"))
    return entries


def python_entries() -> list[soi.DataObjStr]:
    def kept(entry: soi.DataObjStr) -> bool:
        if entry.domain == "std":
            return entry.role == "term"
        if entry.domain != "py":
            return False
        builtin = hasattr(builtins, entry.name.split(".")[0])
        in_kept_module = entry.name.startswith(tuple(f"{module}." for module in MODULES_KEPT))
        return entry.role == "module" or builtin or in_kept_module

    return [entry for entry in soi.Inventory(CPYTHON).objects if kept(entry)]


def write(path: Path, project: str, version: str, entries: list[soi.DataObjStr]) -> None:
    inventory = soi.Inventory()
    inventory.project, inventory.version = project, version
    # Sorted and deduplicated, so that rerunning on the same packages changes no byte.
    unique = {(entry.name, entry.role): entry for entry in entries}
    inventory.objects.extend(unique[key] for key in sorted(unique))
    soi.writebytes(path, soi.compress(inventory.data_file(contract=True)))


def matplotlib_entries() -> list[soi.DataObjStr]:
    return [
        _entry("matplotlib.figure.Figure", "class", "api/_as_gen/$.html#$"),
        _entry("matplotlib.axes.Axes", "class", "api/_as_gen/$.html#$"),
        _entry("matplotlib.pyplot", "module", "api/pyplot_summary.html#module-$"),
    ]


if __name__ == "__main__":
    write(HERE / "python.inv", "Python", "3.11", python_entries())
    torch_version = torch.__version__.split("+")[0]
    write(HERE / "torch.inv", "PyTorch", torch_version, torch_entries())
    write(HERE / "numpy.inv", "NumPy", numpy.__version__, numpy_entries())
    write(HERE / "matplotlib.inv", "Matplotlib", version("matplotlib"), matplotlib_entries())
