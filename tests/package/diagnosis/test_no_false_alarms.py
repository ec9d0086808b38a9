"""Correct calls of every loss in the catalog get no findings, as a module and as a function.

Each builder below makes a valid call of one loss from a hypothesis draw: logits from
randn * 3, log-probabilities from log_softmax, probabilities from softmax or sigmoid, int64
class indices, ±1 labels, CTC inputs long enough for their targets. Every example is also run
through torch, so a builder that made an invalid call would fail here rather than hide a
false alarm.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
import torch
import torch.nn.functional as F
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from torch import nn

from lossguide.catalog import LOSSES, OUTPUT_LAYERS
from lossguide.diagnosis import diagnose

Call = tuple[dict[str, object], tuple[torch.Tensor, ...]]


class Maker:
    """Random tensors from one seeded generator, with sizes and options from hypothesis."""

    def __init__(self, data: st.DataObject) -> None:
        self.draw = data.draw
        self.g = torch.Generator().manual_seed(self.draw(st.integers(0, 2**32 - 1)))
        self.n = self.draw(st.integers(1, 8), label="N")
        self.c = self.draw(st.integers(2, 6), label="C")

    def randn(self, *shape: int, scale: float = 3.0) -> torch.Tensor:
        return torch.randn(shape, generator=self.g) * scale

    def rand(self, *shape: int) -> torch.Tensor:
        return torch.rand(shape, generator=self.g)

    def randint(self, low: int, high: int, shape: tuple[int, ...]) -> torch.Tensor:
        return torch.randint(low, high, shape, generator=self.g)

    def signs(self, *shape: int) -> torch.Tensor:
        return self.randint(0, 2, shape).float() * 2 - 1

    def extra(self) -> tuple[int, ...]:
        return tuple(self.draw(st.lists(st.integers(1, 3), max_size=2), label="extra dims"))

    def reduction(self, choices: tuple[str, ...] = ("none", "mean", "sum")) -> str:
        return self.draw(st.sampled_from(choices), label="reduction")

    def maybe(self, value: Callable[[], object]) -> object | None:
        return value() if self.draw(st.booleans()) else None


def _regression(m: Maker) -> Call:
    shape = (m.n, *m.extra())
    return {"reduction": m.reduction()}, (m.randn(*shape), m.randn(*shape))


def _huber(m: Maker) -> Call:
    settings, args = _regression(m)
    return settings | {"delta": m.draw(st.floats(0.1, 3))}, args


def _smooth_l1(m: Maker) -> Call:
    settings, args = _regression(m)
    return settings | {"beta": m.draw(st.floats(0, 3))}, args


def _gaussian_nll(m: Maker) -> Call:
    var = m.rand(m.n, m.draw(st.sampled_from([1, m.c]))) + 0.1
    settings = {"reduction": m.reduction(), "full": m.draw(st.booleans())}
    return settings, (m.randn(m.n, m.c), m.randn(m.n, m.c), var)


def _poisson_nll(m: Maker) -> Call:
    log_input = m.draw(st.booleans())
    rate = m.rand(m.n, m.c) * 5 + 0.01
    counts = torch.poisson(rate, generator=m.g)
    settings = {"reduction": m.reduction(), "log_input": log_input, "full": m.draw(st.booleans())}
    return settings, (rate.log() if log_input else rate, counts)


def _kl_div(m: Maker) -> Call:
    log_target = m.draw(st.booleans())
    target = m.randn(m.n, m.c).log_softmax(-1)
    settings = {"reduction": m.reduction(("none", "batchmean", "sum")), "log_target": log_target}
    return settings, (m.randn(m.n, m.c).log_softmax(-1), target if log_target else target.exp())


def _class_call(m: Maker, ignore: bool = True) -> tuple[dict[str, object], tuple[int, ...]]:
    """Settings shared by NLLLoss and CrossEntropyLoss, and the target's shape."""
    unbatched = m.draw(st.booleans()) and m.draw(st.booleans())
    shape = () if unbatched else (m.n, *m.extra())
    settings: dict[str, object] = {
        "reduction": m.reduction(),
        "weight": m.maybe(lambda: m.rand(m.c) + 0.1),
    }
    if ignore:
        settings["ignore_index"] = m.draw(st.sampled_from([-100, 0, -1]), label="ignore_index")
    return settings, shape


def _indices(m: Maker, shape: tuple[int, ...], ignore_index: int) -> torch.Tensor:
    """Class indices, some replaced by ignore_index, but never all of them."""
    target = m.randint(0, m.c, shape)
    ignored = m.rand(*shape) < m.draw(st.sampled_from([0.0, 0.3]))
    target = torch.where(ignored, ignore_index, target)
    if target.view(-1)[0] == ignore_index:  # class 0 may itself be the ignored one
        target.view(-1)[0] = 1
    return target


def _logits_shape(m: Maker, target_shape: tuple[int, ...]) -> tuple[int, ...]:
    return (m.c,) if not target_shape else (target_shape[0], m.c, *target_shape[1:])


def _nll(m: Maker) -> Call:
    settings, shape = _class_call(m)
    dim = 0 if not shape else 1
    log_probs = m.randn(*_logits_shape(m, shape)).log_softmax(dim)
    return settings, (log_probs, _indices(m, shape, settings["ignore_index"]))


def _cross_entropy(m: Maker) -> Call:
    probabilities = m.draw(st.booleans(), label="probability targets")
    settings, shape = _class_call(m, ignore=not probabilities)
    settings["label_smoothing"] = m.draw(st.sampled_from([0.0, 0.1, 1.0]))
    logits = m.randn(*_logits_shape(m, shape))
    if probabilities:
        target = m.randn(*logits.shape).softmax(0 if not shape else 1)
    else:
        target = _indices(m, shape, settings["ignore_index"])
    return settings, (logits, target)


def _multi_margin(m: Maker) -> Call:
    settings = {
        "reduction": m.reduction(),
        "p": m.draw(st.sampled_from([1, 2])),
        "margin": m.draw(st.floats(0, 2)),
        "weight": m.maybe(lambda: m.rand(m.c) + 0.1),
    }
    return settings, (m.randn(m.n, m.c), m.randint(0, m.c, (m.n,)))


def _binary_target(m: Maker, shape: tuple[int, ...]) -> torch.Tensor:
    return m.randint(0, 2, shape).float() if m.draw(st.booleans()) else m.rand(*shape)


def _bce(m: Maker) -> Call:
    shape = (m.n, m.c, *m.extra())
    settings = {"reduction": m.reduction(), "weight": m.maybe(lambda: m.rand(*shape))}
    return settings, (m.randn(*shape).sigmoid(), _binary_target(m, shape))


def _bce_with_logits(m: Maker) -> Call:
    shape = (m.n, m.c)
    settings = {
        "reduction": m.reduction(),
        "weight": m.maybe(lambda: m.rand(m.c)),
        "pos_weight": m.maybe(lambda: m.rand(m.c) * 3 + 0.1),
    }
    return settings, (m.randn(*shape), _binary_target(m, shape))


def _soft_margin(m: Maker) -> Call:
    shape = (m.n, *m.extra())
    return {"reduction": m.reduction()}, (m.randn(*shape), m.signs(*shape))


def _multilabel_soft_margin(m: Maker) -> Call:
    settings = {"reduction": m.reduction(), "weight": m.maybe(lambda: m.rand(m.c))}
    return settings, (m.randn(m.n, m.c), m.randint(0, 2, (m.n, m.c)).float())


def _multilabel_margin(m: Maker) -> Call:
    target = torch.full((m.n, m.c), -1)
    for row in range(m.n):
        labels = torch.randperm(m.c, generator=m.g)[: int(m.randint(0, m.c + 1, ()))]
        target[row, : labels.numel()] = labels
    return {"reduction": m.reduction()}, (m.randn(m.n, m.c), target)


def _margin_ranking(m: Maker) -> Call:
    settings = {"reduction": m.reduction(), "margin": m.draw(st.floats(0, 1))}
    return settings, (m.randn(m.n), m.randn(m.n), m.signs(m.n))


def _hinge_embedding(m: Maker) -> Call:
    shape = (m.n, *m.extra())
    settings = {"reduction": m.reduction(), "margin": m.draw(st.floats(0.1, 2))}
    return settings, (m.rand(*shape) * 3, m.signs(*shape))


def _cosine_embedding(m: Maker) -> Call:
    settings = {"reduction": m.reduction(), "margin": m.draw(st.floats(0, 0.5))}
    return settings, (m.randn(m.n, m.c), m.randn(m.n, m.c), m.signs(m.n))


def _triplet(m: Maker) -> Call:
    settings = {
        "reduction": m.reduction(),
        "margin": m.draw(st.floats(0.1, 2)),
        "swap": m.draw(st.booleans()),
    }
    return settings, (m.randn(m.n, m.c), m.randn(m.n, m.c), m.randn(m.n, m.c))


def _ctc(m: Maker) -> Call:
    classes = m.c + 1
    blank = m.draw(st.sampled_from([0, classes - 1]), label="blank")
    longest = m.draw(st.integers(1, 5), label="S")
    target_lengths = m.randint(1, longest + 1, (m.n,))
    targets = m.randint(0, classes - 1, (m.n, longest))
    targets = targets + (targets >= blank).long()  # every label but the blank
    repeats = torch.stack([
        (row[1:length] == row[: length - 1]).sum()
        for row, length in zip(targets, target_lengths.tolist(), strict=True)
    ])  # fmt: skip
    needed = target_lengths + repeats
    steps = 2 * longest + m.draw(st.integers(0, 3))
    input_lengths = needed + (m.rand(m.n) * (steps - needed + 1)).long()
    log_probs = m.randn(steps, m.n, classes).log_softmax(-1)
    if m.draw(st.booleans(), label="concatenated targets"):
        targets = torch.cat(
            [row[:length] for row, length in zip(targets, target_lengths.tolist(), strict=True)]
        )
    settings = {"reduction": m.reduction(), "blank": blank, "zero_infinity": m.draw(st.booleans())}
    return settings, (log_probs, targets, input_lengths, target_lengths)


def _linear_cross_entropy(m: Maker) -> Call:
    """Features, the output layer's weight and a target, like CrossEntropyLoss's; chunked
    only where the chunked path applies (no label smoothing, no K-dimensional weight)."""
    probabilities = m.draw(st.booleans(), label="probability targets")
    settings, shape = _class_call(m, ignore=not probabilities)
    settings["label_smoothing"] = m.draw(st.sampled_from([0.0, 0.1]))
    hidden = m.draw(st.integers(1, 6), label="in_features")
    features = m.randn(hidden) if not shape else m.randn(shape[0], hidden)
    linear_weight = m.randn(m.c, *shape[1:], hidden, scale=0.5)
    if probabilities:
        target = m.randn(*_logits_shape(m, shape)).softmax(0 if not shape else 1)
    else:
        target = _indices(m, shape, settings["ignore_index"])
    settings["linear_bias"] = m.maybe(lambda: m.randn(m.c, *shape[1:]))
    if len(shape) == 1 and settings["label_smoothing"] == 0 and not probabilities:
        chunk = m.draw(st.sampled_from([None, 1, 3]), label="batch_chunk_size")
        settings["options"] = None if chunk is None else nn.LinearCrossEntropyOptions(chunk)
    return settings, (features, linear_weight, target)


def _adaptive_log_softmax(m: Maker) -> Call:
    """An adaptive softmax over C + 4 classes, a head of 2 and one or two tail clusters."""
    classes = m.c + 4
    cutoffs = [2] if m.draw(st.booleans(), label="one tail") else [2, 4]
    settings = {"cutoffs": cutoffs, "div_value": m.draw(st.sampled_from([1.0, 2.0, 4.0]))}
    settings["head_bias"] = m.draw(st.booleans(), label="head_bias")
    hidden = m.draw(st.integers(16, 24), label="in_features")  # no empty cluster
    settings["in_features"], settings["n_classes"] = hidden, classes
    unbatched = m.draw(st.booleans()) and m.draw(st.booleans())
    shape = () if unbatched else (m.n,)
    return settings, (m.randn(*shape, hidden), m.randint(0, classes, shape))


BUILDERS: dict[str, Callable[[Maker], Call]] = {
    "L1Loss": _regression,
    "MSELoss": _regression,
    "HuberLoss": _huber,
    "SmoothL1Loss": _smooth_l1,
    "GaussianNLLLoss": _gaussian_nll,
    "PoissonNLLLoss": _poisson_nll,
    "KLDivLoss": _kl_div,
    "NLLLoss": _nll,
    "CrossEntropyLoss": _cross_entropy,
    "MultiMarginLoss": _multi_margin,
    "BCELoss": _bce,
    "BCEWithLogitsLoss": _bce_with_logits,
    "SoftMarginLoss": _soft_margin,
    "MultiLabelSoftMarginLoss": _multilabel_soft_margin,
    "MultiLabelMarginLoss": _multilabel_margin,
    "MarginRankingLoss": _margin_ranking,
    "HingeEmbeddingLoss": _hinge_embedding,
    "CosineEmbeddingLoss": _cosine_embedding,
    "TripletMarginLoss": _triplet,
    "TripletMarginWithDistanceLoss": _triplet,
    "CTCLoss": _ctc,
    "LinearCrossEntropyLoss": _linear_cross_entropy,
    "AdaptiveLogSoftmaxWithLoss": _adaptive_log_softmax,
}


def test_every_catalog_loss_has_a_builder():
    assert set(BUILDERS) == {spec.name for spec in (*LOSSES, *OUTPUT_LAYERS)}


def _module_call(spec, settings_, args) -> tuple[nn.Module, tuple[torch.Tensor, ...]]:
    """The module of the loss and what it is called with. LinearCrossEntropyLoss keeps the
    builder's linear_weight (and linear_bias) in its own nn.Linear, flat, and takes the
    input and the target."""
    if spec.name != "LinearCrossEntropyLoss":
        return getattr(nn, spec.name)(**settings_), args
    features, linear_weight, target = args
    settings_ = dict(settings_)
    bias = settings_.pop("linear_bias")
    classes, *out_features, hidden = linear_weight.shape
    module = nn.LinearCrossEntropyLoss(
        hidden, classes, out_features=tuple(out_features), bias=bias is not None,
        dtype=linear_weight.dtype, **settings_,
    )  # fmt: skip
    with torch.no_grad():
        module.linear.weight.copy_(linear_weight.reshape(-1, hidden))
        if bias is not None:
            module.linear.bias.copy_(bias.reshape(-1))
    return module, (features, target)


def _functional_settings(settings: dict[str, object]) -> dict[str, object]:
    return {name: value for name, value in settings.items() if value is not None}


@pytest.mark.parametrize("spec", LOSSES, ids=lambda spec: spec.name)
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_correct_calls_have_no_findings(spec, data):
    settings_, args = BUILDERS[spec.name](Maker(data))
    before = [arg.clone() for arg in args]
    module, module_args = _module_call(spec, settings_, args)
    function = getattr(F, spec.functional)
    kwargs = _functional_settings(settings_)

    assert diagnose(module, *module_args) == []
    assert diagnose(function, *args, **kwargs) == []

    # The call really is valid: torch accepts it and returns a finite loss.
    assert torch.isfinite(module(*module_args)).all()
    assert torch.isfinite(function(*args, **kwargs)).all()
    for arg, original in zip(args, before, strict=True):
        assert torch.equal(arg, original)


@pytest.mark.parametrize("spec", LOSSES, ids=lambda spec: spec.name)
@settings(max_examples=5, deadline=None)
@given(data=st.data())
def test_correct_calls_on_meta_tensors_say_only_that_values_went_unchecked(spec, data):
    """Meta tensors, as tracing tools make: shapes and dtypes but no values to check."""
    settings_, args = BUILDERS[spec.name](Maker(data))
    module, module_args = _module_call(spec, settings_, args)
    module = module.to("meta")  # and the weights it holds
    meta_args = (arg.to("meta") for arg in module_args)
    assert [finding.code for finding in diagnose(module, *meta_args)] == ["values-not-checked"]


@pytest.mark.parametrize("spec", LOSSES, ids=lambda spec: spec.name)
@settings(max_examples=5, deadline=None)
@given(data=st.data())
def test_float64_calls_have_no_findings(spec, data):
    """The same calls in float64, the dtype that NumPy data arrives in."""
    settings_, args = BUILDERS[spec.name](Maker(data))
    args = tuple(arg.double() if arg.is_floating_point() else arg for arg in args)
    settings_ = {
        name: value.double() if isinstance(value, torch.Tensor) else value
        for name, value in settings_.items()
    }
    module, module_args = _module_call(spec, settings_, args)
    assert diagnose(module, *module_args) == []
    assert torch.isfinite(module(*module_args)).all()


@settings(max_examples=25, deadline=None)
@given(data=st.data())
def test_correct_adaptive_softmax_calls_have_no_findings(data):
    """AdaptiveLogSoftmaxWithLoss exists only as a module, with weights of its own."""
    settings_, args = BUILDERS["AdaptiveLogSoftmaxWithLoss"](Maker(data))
    torch.manual_seed(0)
    module = nn.AdaptiveLogSoftmaxWithLoss(**settings_)
    assert diagnose(module, *args) == []
    assert torch.isfinite(module(*args).loss)


def test_gaussian_nll_loss_with_a_float_variance():
    mean, target = torch.zeros(3, 2), torch.ones(3, 2)
    assert torch.isfinite(nn.GaussianNLLLoss()(mean, target, 0.5))
    assert diagnose(nn.GaussianNLLLoss(), mean, target, 0.5) == []


def test_bce_with_mixed_dtypes_under_autocast():
    probabilities, target = torch.rand(4, 3).bfloat16(), torch.rand(4, 3)
    with torch.autocast("cpu", dtype=torch.bfloat16):
        assert torch.isfinite(nn.BCELoss()(probabilities, target))
        assert diagnose(nn.BCELoss(), probabilities, target) == []
    # Outside autocast the same call raises, and diagnose says so.
    assert [finding.code for finding in diagnose(nn.BCELoss(), probabilities, target)] == [
        "mixed-float-dtypes"
    ]


def test_mixed_float_dtypes_where_torch_promotes_or_widens():
    """MSELoss promotes, and HingeEmbeddingLoss keeps its input's dtype, float64 here: no
    precision is lost, and diagnose says nothing."""
    wide, narrow = torch.rand(6, dtype=torch.float64), torch.rand(6)
    signs = torch.tensor([1.0, -1.0] * 3)
    assert nn.MSELoss()(wide, narrow).dtype == torch.float64
    assert diagnose(nn.MSELoss(), wide, narrow) == []
    assert nn.HingeEmbeddingLoss()(wide, signs).dtype == torch.float64
    assert diagnose(nn.HingeEmbeddingLoss(), wide, signs) == []
