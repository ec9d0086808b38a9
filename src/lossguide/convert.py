"""Turn NumPy arrays, lists and scalars into the tensors a given loss expects.

torch's losses take tensors only, and each wants particular dtypes: floating inputs,
int64 class indices, float targets for the BCE family. :func:`as_tensors` reads what a loss
expects from :mod:`lossguide.catalog` and converts each argument, refusing any conversion that
would lose information or guess at the caller's meaning.
"""

from __future__ import annotations

from collections.abc import Sequence
from numbers import Number

import numpy as np
import torch

from lossguide.catalog import FLOAT_ROLES, INDEX_ROLES, Argument, LossSpec, Role, lookup, resolve

__all__ = ["as_tensors"]


def as_tensors(
    loss: object,
    *arrays: object,
    dtype: torch.dtype | None = None,
) -> tuple[torch.Tensor, ...]:
    """Convert the positional arguments of a loss call into the tensors the loss expects.

    Parameters
    ----------
    loss
        The loss: an ``nn.*Loss`` instance or class, a ``torch.nn.functional`` loss function,
        or its name.
    *arrays
        The loss's positional arguments in order (``input, target`` for most losses):
        NumPy arrays, nested lists, Python or NumPy scalars, or tensors.
    dtype
        The floating dtype for inputs and float targets. By default the floating arguments
        keep their precision (float64 stays float64, promoted to the widest among them), and
        when none is floating, torch's default dtype is used.

    Returns
    -------
    tuple of torch.Tensor
        One tensor per argument: floating for predictions and float targets, int64 for class
        indices and lengths. Like :func:`torch.as_tensor`, a tensor shares memory with its
        array when no conversion was needed.

    Raises
    ------
    TypeError
        A value that is not numeric, the wrong number of arguments, floats where class
        indices are needed, or a tensor without readable values (a meta or sparse tensor).
    ValueError
        A ragged list, an integer too large for the floating dtype, or an integer target
        with the input's shape where CrossEntropyLoss cannot tell indices from one-hot rows.

    Examples
    --------
    NumPy's float64 stays float64; class labels become int64:

    >>> import numpy as np
    >>> from torch import nn
    >>> scores = np.array([[2.0, 0.5, -1.0], [0.1, 0.2, 3.0]])
    >>> logits, labels = as_tensors(nn.CrossEntropyLoss(), scores, np.array([0, 2], np.int32))
    >>> logits.dtype, labels.dtype
    (torch.float64, torch.int64)

    Integer 0/1 targets for a BCE-style loss become floats of the input's dtype:

    >>> probs, targets = as_tensors("BCELoss", np.array([0.9, 0.2], np.float32), [1, 0])
    >>> targets
    tensor([1., 0.])

    Float labels are refused rather than truncated:

    >>> as_tensors(nn.NLLLoss(), scores, [0.0, 2.0])
    Traceback (most recent call last):
    ...
    TypeError: NLLLoss needs int64 class indices for target, but got float64 values. \
These are whole numbers: if they are class labels, convert them with .astype(np.int64).
    """
    spec = lookup(loss)
    if len(arrays) != len(spec.arguments):
        names = ", ".join(argument.name for argument in spec.arguments)
        raise TypeError(
            f"{spec.name} takes {len(spec.arguments)} positional arguments ({names}), "
            f"but {len(arrays)} were given"
        )
    if dtype is not None and not (isinstance(dtype, torch.dtype) and dtype.is_floating_point):
        raise TypeError(
            f"dtype must be a floating torch dtype such as torch.float32, not {dtype!r}"
        )

    values = [
        _as_array_or_tensor(value, argument.name)
        for value, argument in zip(arrays, spec.arguments, strict=True)
    ]
    roles = resolve(spec, [tuple(value.shape) for value in values]).roles
    for argument, role, value in zip(spec.arguments, roles, values, strict=True):
        _refuse_ambiguous(spec, argument, role, value)
    float_dtype = dtype or _common_float_dtype(
        [value for value, role in zip(values, roles, strict=True) if role in FLOAT_ROLES]
    )
    return tuple(
        _convert(spec, argument, role, value, float_dtype)
        for argument, role, value in zip(spec.arguments, roles, values, strict=True)
    )


def _as_array_or_tensor(value: object, name: str) -> np.ndarray | torch.Tensor:
    if isinstance(value, torch.Tensor):
        _require_values(value, name)
        array_like: np.ndarray | torch.Tensor = value
    elif isinstance(value, np.ndarray):
        array_like = value
    elif isinstance(value, (Number, np.generic, Sequence)) and not isinstance(value, (str, bytes)):
        try:
            array_like = np.asarray(value)
        except ValueError as error:
            if "inhomogeneous" not in str(error):
                raise
            raise ValueError(
                f"{name} is a ragged list: its rows have different lengths. Losses need "
                f"rectangular data; pad the rows to one length first"
            ) from None
    else:
        raise TypeError(
            f"{name} must be a NumPy array, a list of numbers, a number or a tensor, "
            f"not {type(value).__name__}"
        )
    if not _is_real(array_like):
        raise TypeError(
            f"{name} must hold real numbers (an integer, bool or float16 to float64 dtype), "
            f"but its dtype is {_dtype_of(array_like)}"
        )
    return array_like


def _require_values(tensor: torch.Tensor, name: str) -> None:
    """Refuse tensors whose values cannot be read here: converting a target means checking
    its values (whole numbers, exact in the floating dtype), and a loss needs dense data."""
    if tensor.is_meta:
        raise TypeError(
            f"{name} is a meta tensor, which has a shape but no values; as_tensors needs a "
            f"tensor with data (on the CPU or a GPU) to check and convert its values"
        )
    if tensor.layout is not torch.strided:
        raise TypeError(
            f"{name} is a {str(tensor.layout).removeprefix('torch.')} tensor; losses take "
            f"dense tensors: convert it with {name}.to_dense()"
        )


def _is_real(value: np.ndarray | torch.Tensor) -> bool:
    if isinstance(value, torch.Tensor):
        return value.dtype in _TORCH_FLOATS or value.dtype in _TORCH_INTEGERS
    return value.dtype.kind in "biuf"


# The dtypes torch's losses compute in; float8 types, for one, have no arithmetic of their own.
_TORCH_FLOATS = frozenset({torch.float16, torch.bfloat16, torch.float32, torch.float64})
_TORCH_INTEGERS = frozenset(
    {torch.bool, torch.uint8, torch.int8, torch.int16, torch.int32, torch.int64}
)


def _dtype_of(value: np.ndarray | torch.Tensor) -> str:
    return str(value.dtype).removeprefix("torch.")


def _is_floating(value: np.ndarray | torch.Tensor) -> bool:
    if isinstance(value, torch.Tensor):
        return value.dtype.is_floating_point
    return value.dtype.kind == "f"


def _refuse_ambiguous(
    spec: LossSpec, argument: Argument, role: Role, value: np.ndarray | torch.Tensor
) -> None:
    """Refuse integers where the shape says class probabilities (one-hot rows, most likely)."""
    if argument.role is not Role.CLASS_INDEX_OR_PROBABILITIES or role in INDEX_ROLES:
        return
    if not _is_floating(value):
        raise ValueError(
            f"{spec.name}'s {argument.name} has the input's shape {tuple(value.shape)} but "
            f"holds {_dtype_of(value)} values, which looks like one-hot rows. Pass class "
            f"indices (for one-hot rows, their argmax over the class dimension) or float "
            f"probabilities"
        )


def _common_float_dtype(values: list[np.ndarray | torch.Tensor]) -> torch.dtype:
    floating = [_torch_dtype(value) for value in values if _is_floating(value)]
    if not floating:
        return torch.get_default_dtype()
    common = floating[0]
    for other in floating[1:]:
        common = torch.promote_types(common, other)
    return common


def _torch_dtype(value: np.ndarray | torch.Tensor) -> torch.dtype:
    if isinstance(value, torch.Tensor):
        return value.dtype
    return torch.from_numpy(np.empty(0, dtype=value.dtype)).dtype


def _convert(
    spec: LossSpec,
    argument: Argument,
    role: Role,
    value: np.ndarray | torch.Tensor,
    float_dtype: torch.dtype,
) -> torch.Tensor:
    if role in INDEX_ROLES:
        target_dtype = torch.int64
        if _is_floating(value):
            raise TypeError(
                f"{spec.name} needs int64 {role.value} for {argument.name}, but got "
                f"{_dtype_of(value)} values. {_integrality_hint(value)}"
            )
        if value.dtype in (np.bool_, torch.bool):
            raise TypeError(
                f"{spec.name} needs int64 {role.value} for {argument.name}, not booleans"
            )
        if value.dtype == np.uint64 and _numel(value) and value.max() > np.iinfo(np.int64).max:
            raise ValueError(f"{argument.name} holds integers too large for int64")
    else:
        target_dtype = float_dtype
        if not _is_floating(value):
            _check_exact_in(value, float_dtype, argument.name)
    tensor = value if isinstance(value, torch.Tensor) else torch.as_tensor(_writable(value))
    return tensor.to(target_dtype)


def _integrality_hint(value: np.ndarray | torch.Tensor) -> str:
    array = value.detach().cpu().numpy() if isinstance(value, torch.Tensor) else value
    finite = np.isfinite(array)
    if finite.all() and np.array_equal(array, np.round(array)):
        return (
            "These are whole numbers: if they are class labels, convert them with "
            ".astype(np.int64)."
        )
    example = array[~finite | (array != np.round(array))].flat[0]
    return f"Class indices are whole numbers, and {example} is not."


def _check_exact_in(value: np.ndarray | torch.Tensor, float_dtype: torch.dtype, name: str) -> None:
    """Refuse integers that the floating dtype cannot represent exactly."""
    if value.dtype in (np.bool_, torch.bool) or not _numel(value):
        return
    largest = int(np.abs(value).max() if isinstance(value, np.ndarray) else value.abs().max())
    # eps is 2**-m for m explicit mantissa bits, and every integer up to 2**(m + 1) is exact.
    exact_up_to = 2 ** (round(-np.log2(torch.finfo(float_dtype).eps)) + 1)
    if largest > exact_up_to:
        raise ValueError(
            f"{name} holds the integer {largest}, which {float_dtype} cannot represent "
            f"exactly; pass dtype=torch.float64 or scale the values"
        )


def _numel(value: np.ndarray | torch.Tensor) -> int:
    return value.numel() if isinstance(value, torch.Tensor) else value.size


def _writable(array: np.ndarray) -> np.ndarray:
    # torch.as_tensor warns on read-only arrays and fails on negative strides; copy those.
    if array.flags.writeable and all(stride >= 0 for stride in array.strides):
        return array
    return array.copy()
