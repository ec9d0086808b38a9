"""The rules of LinearCrossEntropyLoss alone: its ``linear_weight`` must hold one row of the
input's features per class, ``(C, D)``, as ``nn.Linear`` stores it."""

from __future__ import annotations

from collections.abc import Iterator

from lossguide.diagnosis.call import LossCall
from lossguide.diagnosis.evidence import fmt_shape
from lossguide.diagnosis.findings import Finding

__all__ = ["CHECKS"]


def features_mismatch(call: LossCall) -> Iterator[Finding]:
    """The last dimension of ``linear_weight`` is not the input's number of features."""
    features, layer = call.tensor("input"), call.tensor("linear_weight")
    if features is None or layer is None or features.ndim == 0 or layer.ndim < 2:
        return
    if features.shape[-1] == layer.shape[-1]:
        return
    transposed = layer.ndim == 2 and layer.shape[0] == features.shape[-1]
    fix = (
        "It looks transposed, (D, C): pass linear_weight.T, or the weight of an "
        "nn.Linear(D, C), which is stored as (C, D)."
        if transposed
        else "Pass the weight of the output layer, shape (C, D), or (C, d1, ..., dK, D)."
    )
    yield Finding(
        "linear-ce-features-mismatch",
        "error",
        f"input has {features.shape[-1]} features in its last dimension, but linear_weight "
        f"has shape {fmt_shape(layer)}, whose last dimension must be the same; "
        f"{call.name} raises. {fix}",
    )


CHECKS = (features_mismatch,)
