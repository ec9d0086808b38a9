"""A loss call taken apart: which loss, which argument is which, and the settings in force.

:func:`read_call` binds the reader's arguments the way the loss itself would, so that a check
can ask for ``call.tensor("target")`` or ``call.options["ignore_index"]`` whether the loss was
a module (whose settings live on the instance) or a ``torch.nn.functional`` function (whose
settings are keyword arguments, with torch's defaults otherwise).
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache, cached_property

import numpy as np
import torch

from lossguide.catalog import Argument, LossSpec, Resolution, lookup, resolve

__all__ = ["SAMPLE_ELEMENTS", "BadCall", "LossCall", "Stats", "read_call"]

#: A loss that reads only part of its input (:attr:`LossSpec.reads_part_of_input`: NLLLoss
#: gathers one log-probability per sample) costs far less than a full pass over that input
#: would. Checks see an evenly spaced sample of its rows, of about SAMPLE_ELEMENTS elements.
SAMPLE_ELEMENTS = 1 << 16


class BadCall(Exception):
    """The arguments do not fit the loss's signature; ``str()`` says how."""


@dataclass(frozen=True)
class Stats:
    """The extremes of a tensor, from one pass over it. NaN anywhere makes both NaN."""

    low: float
    high: float
    count: int

    @property
    def finite(self) -> bool:
        return bool(np.isfinite(self.low) and np.isfinite(self.high))

    def within(self, low: float, high: float) -> bool:
        return self.finite and low <= self.low and self.high <= high


@dataclass
class LossCall:
    """The arguments of one call of one loss, by the catalog's argument names."""

    spec: LossSpec
    #: Each positional argument as the reader passed it.
    raw: dict[str, object]
    #: Each argument as a tensor: the reader's tensor itself, or a copy converted from an
    #: array, list or number. Missing where no conversion was possible (ragged lists, strings).
    tensors: dict[str, torch.Tensor]
    #: ``reduction`` and every option the catalog lists for the loss, as the loss will see it.
    options: dict[str, object]
    #: The number of classes a module that owns its output layer says it has
    #: (:attr:`LossSpec.classes_attribute`), which no argument's shape gives.
    module_classes: int | None = None
    _stats: dict[str, Stats | None] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return self.spec.name

    def argument(self, name: str) -> Argument:
        return next(argument for argument in self.spec.arguments if argument.name == name)

    def tensor(self, name: str) -> torch.Tensor | None:
        return self.tensors.get(name)

    @cached_property
    def resolution(self) -> Resolution:
        """The layout these arguments' shapes are in, what each holds and where the classes
        are (:func:`lossguide.catalog.resolve`)."""
        shapes = [
            None if (tensor := self.tensor(argument.name)) is None else tuple(tensor.shape)
            for argument in self.spec.arguments
        ]
        return resolve(self.spec, shapes)

    @cached_property
    def classes(self) -> int | None:
        """How many classes the call has: the module's own count, else the size ``C`` of the
        layout (the input's class dimension, or ``linear_weight``'s first), else the size of
        the input's last dimension for a loss whose input holds the classes; ``None`` when
        nothing says."""
        if self.module_classes is not None:
            return self.module_classes
        sizes = self.resolution.sizes.get("C")
        if sizes:
            return sizes[0]
        first = self.tensor(self.spec.arguments[0].name)
        if first is None or first.ndim == 0:
            return None
        if not any("C" in layout.shapes[0] for layout in self.spec.layouts):
            return None
        dim = self.resolution.class_dim(0)
        return first.shape[-1 if dim is None else dim]

    def index(self, name: str) -> int:
        """The position of argument ``name`` among the loss's positional arguments."""
        return [argument.name for argument in self.spec.arguments].index(name)

    def sample(self, name: str) -> tuple[torch.Tensor | None, int]:
        """The rows of an argument that value checks read, and the step between them.

        The step is 1 (every row) except for arguments the loss reads only in part.
        """
        tensor = self.tensors.get(name)
        partly_read = self.spec.reads_part_of_input and name == self.spec.arguments[0].name
        if not partly_read or tensor is None or tensor.ndim < 2:
            return tensor, 1
        row = max(tensor[0].numel(), 1)
        step = -(-tensor.shape[0] * row // SAMPLE_ELEMENTS)  # ceiling division
        return (tensor[::step], step) if step > 1 else (tensor, 1)

    def known_stats(self, name: str) -> Stats | None:
        """The :meth:`stats` of an argument if a check has already computed them."""
        return self._stats.get(name)

    def stats(self, name: str) -> Stats | None:
        """Min and max of an argument's :meth:`sample` (``None`` if missing, empty or not
        numeric)."""
        if name not in self._stats:
            self._stats[name] = _stats_of(self.sample(name)[0])
        return self._stats[name]


def _stats_of(tensor: torch.Tensor | None) -> Stats | None:
    if tensor is None or tensor.numel() == 0 or tensor.is_complex():
        return None
    if tensor.dtype == torch.bool:
        tensor = tensor.to(torch.uint8)
    low, high = torch.aminmax(tensor.detach().reshape(-1))  # flat: much faster than 2-D
    return Stats(low.item(), high.item(), tensor.numel())


def read_call(loss: object, args: tuple[object, ...], kwargs: dict[str, object]) -> LossCall:
    """Bind ``loss(*args, **kwargs)`` as torch would; raise :class:`BadCall` where it cannot."""
    spec = lookup(loss)
    module = loss if isinstance(loss, torch.nn.Module) else None
    is_module = module is not None
    function = type(module).forward if module is not None else loss
    if not callable(function):
        raise BadCall(f"{spec.name}: {loss!r} cannot be called")
    signature = _signature(function)
    try:
        bound = (
            signature.bind(None, *args, **kwargs) if is_module else signature.bind(*args, **kwargs)
        )
    except TypeError as error:
        names = ", ".join(argument.name for argument in spec.arguments)
        raise BadCall(
            f"{spec.name} is called as loss({names}), and these arguments do not fit ({error})."
        ) from None
    bound.apply_defaults()
    parameters = list(signature.parameters)[1:] if is_module else list(signature.parameters)
    # In order, past the arguments a module keeps itself: LinearCrossEntropyLoss.forward
    # takes (input, target), and its linear_weight is its own.
    parameter_names = {parameter.rstrip("_") for parameter in parameters}
    kept = (
        {argument.name for argument in spec.arguments if argument.name not in parameter_names}
        if is_module and len(parameters) < len(spec.arguments)
        else set()
    )
    passed = [argument for argument in spec.arguments if argument.name not in kept]
    raw = {
        argument.name: bound.arguments[parameter]
        for argument, parameter in zip(passed, parameters, strict=False)
    }
    if module is not None:
        raw |= {name: _module_argument(module, name) for name in kept}
    raw = {argument.name: raw[argument.name] for argument in spec.arguments if argument.name in raw}
    options = (
        _module_options(module, spec)
        if module is not None
        else _functional_options(bound.arguments, spec)
    )
    if "ignore_index" in options and options["ignore_index"] is None:
        options["ignore_index"] = -100  # linear_cross_entropy's None stands for -100
    tensors = {
        name: tensor for name, value in raw.items() if (tensor := _as_tensor(value)) is not None
    }
    classes = getattr(loss, spec.classes_attribute, None) if spec.classes_attribute else None
    return LossCall(spec, raw, tensors, options, classes if isinstance(classes, int) else None)


@cache
def _signature(function: Callable[..., object]) -> inspect.Signature:
    return inspect.signature(function)


def _module_argument(loss: torch.nn.Module, name: str) -> object:
    """An argument of the functional form that a module keeps itself, in the shape its
    ``forward`` passes on: LinearCrossEntropyLoss's ``linear_weight`` is its ``nn.Linear``'s
    weight, stored flat as ``(C * prod(out_features), in_features)``."""
    linear = getattr(loss, "linear", None)
    if name == "linear_weight" and isinstance(linear, torch.nn.Linear):
        out_features = tuple(getattr(loss, "out_features", ()))
        classes = getattr(loss, "num_classes", linear.out_features)
        return linear.weight.detach().reshape(classes, *out_features, linear.in_features)
    return None


def _module_options(loss: torch.nn.Module, spec: LossSpec) -> dict[str, object]:
    return {name: getattr(loss, name, None) for name in ("reduction", *spec.options)}


def _functional_options(arguments: dict[str, object], spec: LossSpec) -> dict[str, object]:
    options = {name: arguments.get(name) for name in ("reduction", *spec.options)}
    size_average, reduce = arguments.get("size_average"), arguments.get("reduce")
    if size_average is not None or reduce is not None:  # the deprecated pair overrides reduction
        options["reduction"] = _legacy_reduction(size_average, reduce)
    return options


def _legacy_reduction(size_average: object, reduce: object) -> str:
    """The reduction torch's deprecated ``size_average`` and ``reduce`` arguments stand for.

    Written out here rather than imported from torch's private ``torch.nn._reduction``: each
    defaults to True when not given, ``reduce=False`` keeps every element, and otherwise
    ``size_average`` chooses between the mean and the sum.
    """
    size_average = True if size_average is None else size_average
    reduce = True if reduce is None else reduce
    if not reduce:
        return "none"
    return "mean" if size_average else "sum"


def _as_tensor(value: object) -> torch.Tensor | None:
    """The value as a tensor, copying arrays so that nothing the reader owns is shared."""
    if isinstance(value, torch.Tensor):
        return value
    if isinstance(value, (str, bytes)) or value is None:
        return None
    try:
        array = np.array(value)
    # RuntimeError: a tuple of tensors that require grad, as a model's outputs are.
    except (ValueError, TypeError, RuntimeError):
        return None
    if array.dtype.kind not in "biuf":
        return None
    try:
        return torch.from_numpy(array)
    except TypeError:  # a NumPy dtype torch has no tensor type for
        return None
