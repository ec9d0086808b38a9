"""What torch does with each loss given something other than what it expects, found by running it.

Each function here calls every loss of :mod:`lossguide.catalog` on small tensors built from
the catalog's layouts, and records what torch did as an :class:`Outcome`: the result's dtype
and shape, a warning, or the exception it raised and whether it came from the forward pass or
from ``backward()``. The site's behaviour tables are rendered from these outcomes while the site
is built, so each cell is what the installed torch did; ``tests/package/test_behaviour.py``
checks the same outcomes against the catalog's typed fields, so the catalog and torch are
checked against each other.

>>> outcome = mixed_float_dtypes(lookup("HuberLoss"))["float64 input, float32 target"]
>>> outcome.dtype, outcome.stage, outcome.error
(torch.float64, 'backward', 'RuntimeError: Found dtype Float but expected Double')
>>> broadcasting(lookup("MSELoss"))["(4, 1) and (4)"].cell()
'(4, 4), warns'
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import torch
import torch.nn.functional as F

from lossguide.catalog import (
    EXAMPLE_SIZES,
    FLOAT_ROLES,
    LOSSES,
    Argument,
    InputKind,
    Layout,
    LossSpec,
    Role,
    lookup,
    resolve,
)
from lossguide.tables import loss_link

__all__ = [
    "BROADCAST_CASES",
    "Outcome",
    "autocast",
    "autocast_table",
    "broadcast_table",
    "broadcasting",
    "call",
    "example_arguments",
    "example_tensor",
    "integer_arguments",
    "integer_table",
    "mixed_float_dtypes",
    "mixed_float_table",
]


@dataclass(frozen=True)
class Outcome:
    """What one call of a loss did."""

    #: The exception it raised, as ``"RuntimeError: message"``, or ``None``.
    error: str | None = None
    #: Where it raised: ``"forward"`` (the loss call) or ``"backward"``.
    stage: str | None = None
    #: The dtype of the loss it returned (also when its backward raised).
    dtype: torch.dtype | None = None
    #: The shape of the loss it returned.
    shape: tuple[int, ...] | None = None
    #: Whether torch warned (a UserWarning about the arguments, such as broadcasting).
    warned: bool = False

    @property
    def raised(self) -> bool:
        return self.error is not None

    def cell(self) -> str:
        """The outcome as a table cell: the result's dtype or shape, or where it raised.

        >>> Outcome(dtype=torch.float32).cell()
        'float32'
        >>> Outcome("RuntimeError: no", "backward", torch.float64).cell()
        'float64, then raises in backward()'
        """
        if self.stage == "forward":
            return "raises"
        what = str(self.dtype).removeprefix("torch.") if self.dtype is not None else ""
        if self.shape is not None:
            what = str(self.shape).replace(",)", ")")
        if self.stage == "backward":
            return f"{what}, then raises in backward()"
        if self.shape is not None:
            return f"{what}, warns" if self.warned else f"{what}, silently"
        return what


def example_tensor(
    spec: LossSpec,
    argument: Argument,
    role: Role,
    shape: Sequence[int],
    generator: torch.Generator,
    class_dim: int | None = None,
) -> torch.Tensor:
    """A valid float64 (or int64) tensor for one argument in one role.

    >>> spec = lookup("BCELoss")
    >>> probabilities = example_tensor(spec, spec.arguments[0], Role.VALUES, (2, 3),
    ...                                torch.Generator().manual_seed(0))
    >>> probabilities.dtype, bool(((0 < probabilities) & (probabilities < 1)).all())
    (torch.float64, True)
    """
    classes = EXAMPLE_SIZES["C"][0]
    shape = tuple(shape)
    if role is Role.VALUES:
        values = torch.randn(shape, generator=generator, dtype=torch.float64)
        if float in argument.also_accepts:  # a variance
            return values.abs() + 0.5
        if argument is spec.arguments[0] and spec.input_kind is InputKind.PROBABILITIES:
            return values.sigmoid()
        if argument is spec.arguments[0] and spec.input_kind is InputKind.LOG_PROBABILITIES:
            return values.log_softmax(dim=-1 if class_dim is None else class_dim)
        if argument is spec.arguments[0] and spec.input_kind is InputKind.DISTANCES:
            return values.abs()
        return values
    if role is Role.CLASS_INDEX:
        return torch.randint(0, classes, shape, generator=generator)
    if role is Role.LABEL_SEQUENCE:
        return torch.randint(1, classes, shape, generator=generator)  # class 0 is CTC's blank
    if role is Role.PROBABILITY:
        return torch.rand(shape, generator=generator, dtype=torch.float64)
    if role is Role.DISTRIBUTION:
        values = torch.randn(shape, generator=generator, dtype=torch.float64)
        return values.softmax(dim=-1 if class_dim is None else class_dim)
    if role is Role.SIGN:
        return torch.randint(0, 2, shape, generator=generator).double() * 2 - 1
    if role is Role.MULTI_HOT:
        return torch.randint(0, 2, shape, generator=generator).double()
    if role is Role.PADDED_CLASS_INDEX:
        indices = torch.randint(0, classes, shape, generator=generator)
        indices[..., -1] = -1
        return indices
    if role is Role.LENGTHS:
        size = EXAMPLE_SIZES["T" if argument.name == "input_lengths" else "S"][0]
        return torch.full(shape, size)
    raise AssertionError(role)


def example_arguments(
    loss: LossSpec | str, layout: Layout | None = None, seed: int = 0
) -> list[torch.Tensor]:
    """A valid call of ``loss`` in ``layout`` (by default its first): one tensor per argument,
    floats as float64.

    >>> [tuple(tensor.shape) for tensor in example_arguments("CrossEntropyLoss")]
    [(3, 4), (3,)]
    """
    spec = lookup(loss)
    layout = spec.layouts[0] if layout is None else layout
    generator = torch.Generator().manual_seed(seed)
    shapes = layout.example_shapes()
    class_dim = resolve(spec, shapes).class_dim(0)
    return [
        example_tensor(spec, argument, role, shape, generator, class_dim)
        for argument, role, shape in zip(spec.arguments, spec.roles_in(layout), shapes, strict=True)
    ]


def call(
    spec: LossSpec,
    arguments: Sequence[torch.Tensor | float],
    *,
    backward: bool = False,
    **kwargs: object,
) -> Outcome:
    """Call the loss's function on ``arguments`` and record what happened.

    With ``backward``, the predictions (the arguments before the target, or all three of a
    triplet) require gradients, as a model's outputs do, and the summed loss is
    backpropagated.
    """
    if backward:
        arguments = [
            argument.detach().requires_grad_()
            if index in _predictions(spec) and isinstance(argument, torch.Tensor)
            else argument
            for index, argument in enumerate(arguments)
        ]
    loss: Callable[..., torch.Tensor] = getattr(F, spec.functional)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            result = loss(*arguments, **kwargs)
        except (RuntimeError, ValueError, NotImplementedError, IndexError) as error:
            return Outcome(_message(error), "forward")
    warned = any(issubclass(warning.category, UserWarning) for warning in caught)
    shape = tuple(result.shape) if kwargs.get("reduction") == "none" else None
    if backward:
        try:
            result.sum().backward()
        except RuntimeError as error:
            return Outcome(_message(error), "backward", result.dtype, shape, warned)
    return Outcome(None, None, result.dtype, shape, warned)


def _predictions(spec: LossSpec) -> range:
    """The indices of the arguments that hold predictions: those before the target."""
    if spec.target is None:
        return range(len(spec.arguments))
    return range(spec.arguments.index(spec.target))


def _message(error: BaseException) -> str:
    return f"{type(error).__name__}: {str(error).splitlines()[0]}"


def _float_indices(spec: LossSpec, layout: Layout) -> list[int]:
    return [index for index, role in enumerate(spec.roles_in(layout)) if role in FLOAT_ROLES]


def _mixed_layout(spec: LossSpec) -> Layout | None:
    """The first layout with two floating arguments (CrossEntropyLoss's class probabilities)."""
    return next((layout for layout in spec.layouts if len(_float_indices(spec, layout)) > 1), None)


def mixed_float_dtypes(spec: LossSpec) -> dict[str, Outcome] | None:
    """Forward and backward with the first argument in one float dtype and the other floating
    arguments in the other; ``None`` for a loss with one floating argument."""
    layout = _mixed_layout(spec)
    if layout is None:
        return None
    arguments = example_arguments(spec, layout)
    first, *others = _float_indices(spec, layout)
    outcomes = {}
    for name, wide_first in (("float64 input, float32 target", True),
                             ("float32 input, float64 target", False)):  # fmt: skip
        changed = list(arguments)
        changed[first] = arguments[first].to(torch.float64 if wide_first else torch.float32)
        for index in others:
            changed[index] = arguments[index].to(torch.float32 if wide_first else torch.float64)
        outcomes[name] = call(spec, changed, backward=True)
    return outcomes


#: The shapes :func:`broadcasting` gives two arguments that should have one shape: a column
#: against a vector (a model's (N, 1) output against (N,) targets), a column against a matrix,
#: and a column against a row.
BROADCAST_CASES = (((4, 1), (4,)), ((4, 3), (4, 1)), ((4, 1), (1, 4)))


def _same_shape_pair(spec: LossSpec) -> tuple[int, int] | None:
    """The arguments whose shapes :func:`broadcasting` makes differ: the target and the
    argument it must match, else the first pair that must match."""
    names = [argument.name for argument in spec.arguments]
    order = [spec.target] if spec.target is not None else []
    order += [argument for argument in spec.arguments if argument is not spec.target]
    for argument in order:
        same_as = spec.same_shape_as(argument.name)
        if same_as is not None:
            return names.index(same_as), names.index(argument.name)
    return None


def broadcasting(spec: LossSpec) -> dict[str, Outcome] | None:
    """Each of :data:`BROADCAST_CASES` given to the two arguments that should have one shape,
    with ``reduction='none'``; ``None`` where no two arguments must have one shape."""
    pair = _same_shape_pair(spec)
    if pair is None:
        return None
    first, second = pair
    layout = spec.layouts[0]
    generator = torch.Generator().manual_seed(0)
    outcomes = {}
    for first_shape, second_shape in BROADCAST_CASES:
        arguments: list[torch.Tensor | float] = []
        for index, (argument, role) in enumerate(
            zip(spec.arguments, spec.roles_in(layout), strict=True)
        ):
            if float in argument.also_accepts and index not in pair:
                arguments.append(1.0)  # GaussianNLLLoss's var: one float for every element
                continue
            if index == second:
                shape = second_shape
            elif index == first or layout.shapes[index] == layout.shapes[first]:
                shape = first_shape
            else:  # a label per sample (CosineEmbeddingLoss): one for each of the 4 rows
                shape = (first_shape[0],)
            arguments.append(example_tensor(spec, argument, role, shape, generator))
        name = f"{first_shape} and {second_shape}".replace(",)", ")")
        outcomes[name] = call(spec, arguments, reduction="none")
    return outcomes


def integer_arguments(spec: LossSpec) -> dict[str, Outcome]:
    """The loss's first layout with its predictions as int64, and with its target as int32 and
    as uint8 (negative labels clamped to 0, which uint8 cannot hold), default reduction."""
    layout = spec.layouts[0]
    arguments = example_arguments(spec, layout)
    changed = list(arguments)
    for index in _predictions(spec):
        changed[index] = arguments[index].round().long()
    outcomes = {"int64 input": call(spec, changed)}
    if spec.target is not None:
        index = spec.arguments.index(spec.target)
        for dtype in (torch.int32, torch.uint8):
            target = arguments[index].clamp(min=0).round().to(dtype)
            replaced = [*arguments[:index], target, *arguments[index + 1 :]]
            outcomes[f"{str(dtype).removeprefix('torch.')} target"] = call(spec, replaced)
    return outcomes


def autocast(spec: LossSpec) -> dict[str, Outcome]:
    """Forward and backward under CPU autocast, with every floating argument in its
    low-precision dtype (as a model's outputs under autocast are), summed."""
    arguments = example_arguments(spec, spec.layouts[0])
    outcomes = {}
    for dtype in (torch.bfloat16, torch.float16):
        low = [
            argument.to(dtype) if argument.is_floating_point() else argument
            for argument in arguments
        ]
        with torch.autocast("cpu", dtype=dtype):
            name = str(dtype).removeprefix("torch.")
            outcomes[name] = call(spec, low, backward=True, reduction="sum")
    return outcomes


def _table(
    header: list[str],
    outcomes: Callable[[LossSpec], dict[str, Outcome] | None],
    empty: str = "",
) -> str:
    rows = []
    for spec in LOSSES:
        found = outcomes(spec)
        if found is None:
            cells = [empty] * (len(header) - 1)
        else:
            cells = [outcome.cell() for outcome in found.values()]
            cells += ["no target"] * (len(header) - 1 - len(cells))
        rows.append([loss_link(spec), *cells])
    lines = [header, ["---"] * len(header), *rows]
    return "\n".join("| " + " | ".join(cells) + " |" for cells in lines)


def mixed_float_table() -> str:
    """Every loss with a float64 input and float32 targets, and the other way round: the
    dtype of the loss, or where torch raised. Runs torch."""
    header = ["loss", "float64 input, float32 target", "float32 input, float64 target"]
    return _table(header, mixed_float_dtypes, "one floating argument")


def broadcast_table() -> str:
    """Every loss given two arguments of the shapes in :data:`BROADCAST_CASES`: the shape of
    its unreduced loss and whether torch warned, or "raises". Runs torch."""
    header = ["loss"] + [
        f"{first} and {second}".replace(",)", ")") for first, second in BROADCAST_CASES
    ]
    return _table(header, broadcasting, "no two arguments share a shape")


def integer_table() -> str:
    """Every loss with int64 predictions, int32 targets and uint8 targets: the dtype of the
    loss, or "raises". Runs torch."""
    header = ["loss", "int64 input", "int32 target", "uint8 target"]
    return _table(header, integer_arguments)


def autocast_table() -> str:
    """Every loss under CPU autocast with bfloat16 and with float16 arguments: the dtype of
    the loss. Runs torch."""
    return _table(["loss", "bfloat16 arguments", "float16 arguments"], autocast)
