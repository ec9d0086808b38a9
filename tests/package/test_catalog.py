"""The catalog must describe torch as it is: every loss, with its real arguments."""

from __future__ import annotations

import inspect
import warnings

import pytest
import torch
import torch.nn.functional as F
from torch import nn

from lib.pages import DOCS
from lossguide.behaviour import example_tensor
from lossguide.catalog import (
    CLASS_INDEX_ROLES,
    EXAMPLE_SIZES,
    LOSSES,
    OUTPUT_LAYERS,
    Activation,
    InputKind,
    Role,
    lookup,
    resolve,
)

DEPRECATED = {"NLLLoss2d"}
SPECS = {spec.name: spec for spec in LOSSES}
# The output layers that compute a loss, with no torch.nn.functional form.
OUTPUT_LAYER_SPECS = {spec.name: spec for spec in OUTPUT_LAYERS}


def test_every_torch_loss_is_in_the_catalog():
    torch_losses = set(nn.modules.loss.__all__) - DEPRECATED
    assert set(SPECS) == torch_losses


def test_the_site_counts_torchs_loss_classes():
    """The home page and the loss reference say how many loss classes torch has, all of them
    covered but the deprecated alias, which the reference names."""
    classes = {
        name
        for name in dir(nn)
        if "Loss" in name
        and isinstance(getattr(nn, name), type)
        and issubclass(getattr(nn, name), nn.Module)
    }
    covered = set(SPECS) | set(OUTPUT_LAYER_SPECS)
    assert classes - DEPRECATED == covered
    assert classes >= DEPRECATED
    home = " ".join((DOCS / "index.md").read_text().split())
    assert f"the {len(covered)} losses in `torch.nn`" in home
    assert f"torch 2.13 has {len(classes)} loss classes" in home
    reference = " ".join((DOCS / "losses" / "index.md").read_text().split())
    assert f"The {len(covered)} losses in `torch.nn`" in reference
    assert f"torch 2.13 has {len(classes)} loss classes" in reference
    for name in DEPRECATED:
        assert f"`{name}`, a deprecated alias" in reference, name


@pytest.mark.parametrize("spec", OUTPUT_LAYERS, ids=lambda spec: spec.name)
def test_output_layers_have_no_functional_form(spec):
    assert not spec.in_functional
    assert not hasattr(F, spec.functional)
    assert spec.name not in nn.modules.loss.__all__
    assert lookup(spec.name) is spec
    assert lookup(getattr(nn, spec.name)) is spec
    forward = inspect.signature(getattr(nn, spec.name).forward)
    names = [name.rstrip("_") for name in forward.parameters if name != "self"]
    assert [argument.name for argument in spec.arguments] == names
    assert set(spec.options) <= set(inspect.signature(getattr(nn, spec.name)).parameters)
    assert spec.classes_attribute is not None


def _output_layer(spec, layout, **settings):
    """An AdaptiveLogSoftmaxWithLoss for the example sizes, and a call of it on one layout."""
    torch.manual_seed(0)
    features = EXAMPLE_SIZES["D"][0]
    module = getattr(nn, spec.name)(features, 6, cutoffs=[2, 4], **settings).double()
    roles, shapes = spec.roles_in(layout), layout.example_shapes()
    generator = torch.Generator().manual_seed(0)
    tensors = [
        torch.randn(shape, generator=generator, dtype=torch.float64)
        if role is Role.VALUES
        else torch.randint(0, 6, shape, generator=generator)
        for role, shape in zip(roles, shapes, strict=True)
    ]
    return module, tensors


@pytest.mark.parametrize(
    ("spec", "layout"),
    [
        pytest.param(spec, layout, id=f"{spec.name}-{layout.name}")
        for spec in OUTPUT_LAYERS
        for layout in spec.layouts
    ],
)
def test_output_layer_layouts_and_dtypes(spec, layout):
    """Every documented layout runs, the classes come from the module, and the index dtypes
    and infinity are what the catalog says."""
    module, (features, target) = _output_layer(spec, layout, div_value=2.0)  # no empty tail
    assert torch.isfinite(module(features, target).loss)
    assert getattr(module, spec.classes_attribute) == 6
    for name, dtype in INDEX_DTYPES.items():
        try:
            module(features, target.to(dtype))
            accepted = True
        except RuntimeError:
            accepted = False
        assert accepted == (name in spec.index_dtypes), name
    with pytest.raises(RuntimeError, match=r"Target values should be in \[0, 5\]"):
        module(features, torch.full_like(target, 6))
    changed = features.clone()
    changed.view(-1)[0] = float("inf")
    assert not torch.isfinite(module(changed, target).loss) or spec.allows_infinity
    with pytest.raises(RuntimeError):
        module(features.float(), target)  # one float dtype: the module's


def test_names_are_unique():
    assert len(SPECS) == len(LOSSES) == len({spec.functional for spec in LOSSES})


@pytest.mark.parametrize("spec", LOSSES, ids=lambda spec: spec.name)
def test_arguments_match_forward(spec):
    forward = inspect.signature(getattr(nn, spec.name).forward)
    names = [name for name in forward.parameters if name != "self"]
    # PoissonNLLLoss.forward calls its input "log_input"; the catalog uses the functional's name.
    functional = inspect.signature(getattr(F, spec.functional))
    arguments = [argument.name for argument in spec.arguments]
    assert arguments == list(functional.parameters)[: len(arguments)]
    if len(arguments) != len(names):
        # The module keeps one itself: LinearCrossEntropyLoss's linear_weight.
        assert [name for name in arguments if name not in names] == ["linear_weight"]


@pytest.mark.parametrize("spec", LOSSES, ids=lambda spec: spec.name)
def test_options_are_real_keyword_arguments(spec):
    parameters = inspect.signature(getattr(F, spec.functional)).parameters
    assert set(spec.options) <= set(parameters)
    assert "reduction" in parameters


@pytest.mark.parametrize("spec", LOSSES, ids=lambda spec: spec.name)
def test_lookup_accepts_every_way_to_name_a_loss(spec):
    module_class = getattr(nn, spec.name)
    assert lookup(spec.name) is spec
    assert lookup(spec.functional) is spec
    assert lookup(module_class) is spec
    assert lookup(getattr(F, spec.functional)) is spec


def test_lookup_reads_instances_and_subclasses():
    class MyLoss(nn.CrossEntropyLoss):
        pass

    assert lookup(nn.MSELoss()).name == "MSELoss"
    assert lookup(MyLoss()).name == "CrossEntropyLoss"
    assert lookup(MyLoss).name == "CrossEntropyLoss"


@pytest.mark.parametrize("loss", ["softmax", torch.softmax, nn.Linear(2, 2), 3])
def test_lookup_refuses_what_is_not_a_loss(loss):
    with pytest.raises(ValueError, match=r"is not a torch\.nn loss"):
        lookup(loss)


def test_kl_div_reductions_include_batchmean():
    assert "batchmean" in lookup("KLDivLoss").reductions


LAYOUT_CASES = [
    pytest.param(spec, layout, id=f"{spec.name}-{layout.name}")
    for spec in LOSSES
    for layout in spec.layouts
]


def _examples(spec, layout):
    generator = torch.Generator().manual_seed(0)
    roles = spec.roles_in(layout)
    shapes = layout.example_shapes()
    resolution = resolve(spec, shapes)
    # Another layout may fit too (an unbatched GaussianNLLLoss is also "same shape"), but it
    # must give every argument the same role.
    assert resolution.fits
    assert resolution.roles == roles, f"{resolution.layout.name} fits too: list it later"
    class_dim = resolution.class_dim(0)
    tensors = [
        example_tensor(spec, argument, role, shape, generator, class_dim)
        for argument, role, shape in zip(spec.arguments, roles, shapes, strict=True)
    ]
    return roles, tensors


def _call(spec, tensors, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # broadcasting, KLDivLoss's 'mean'
        return getattr(F, spec.functional)(*tensors, **kwargs)


def _raises(spec, tensors, **kwargs) -> bool:
    try:
        _call(spec, tensors, **kwargs)
    except (RuntimeError, ValueError):
        return True
    return False


def _replace(tensors, index, tensor):
    return [*tensors[:index], tensor, *tensors[index + 1 :]]


@pytest.mark.parametrize(("spec", "layout"), LAYOUT_CASES)
def test_every_documented_layout_runs_in_torch(spec, layout):
    _, tensors = _examples(spec, layout)
    loss = getattr(F, spec.functional)
    for reduction in spec.reductions:
        if spec.name == "KLDivLoss" and reduction == "mean":
            with pytest.warns(UserWarning, match="'batchmean' divides only by the batch size"):
                result = loss(*tensors, reduction=reduction)
        else:
            result = loss(*tensors, reduction=reduction)
        assert torch.isfinite(result).all(), (reduction, result)


# Every dtype a reader's labels might arrive in, by the names LossSpec.index_dtypes uses.
INDEX_DTYPES = {
    "int64": torch.int64,
    "int32": torch.int32,
    "int16": torch.int16,
    "int8": torch.int8,
    "uint8": torch.uint8,
    "float32": torch.float32,
    "float64": torch.float64,
}


@pytest.mark.parametrize(("spec", "layout"), LAYOUT_CASES)
def test_index_dtypes_are_the_ones_torch_accepts(spec, layout):
    roles, tensors = _examples(spec, layout)
    indexed = [index for index, role in enumerate(roles) if role in CLASS_INDEX_ROLES]
    for index in indexed:
        indices = tensors[index].clamp(min=0)  # uint8 cannot hold the -1 padding
        for name, dtype in INDEX_DTYPES.items():
            accepted = not _raises(spec, _replace(tensors, index, indices.to(dtype)))
            dtypes = spec.index_dtypes_in(layout)
            expected = dtypes is None or name in dtypes
            assert accepted == expected, (name, spec.arguments[index].name)


@pytest.mark.parametrize(("spec", "layout"), LAYOUT_CASES)
def test_float_targets_refuse_integers(spec, layout):
    """Where the catalog says a float target (probabilities, 0/1, ±1 labels aside), torch
    refuses an integer one; regression targets are promoted instead."""
    roles, tensors = _examples(spec, layout)
    for index, role in enumerate(roles):
        if role in (Role.PROBABILITY, Role.DISTRIBUTION):
            wrong = _replace(tensors, index, tensors[index].round().long())
            assert _raises(spec, wrong), spec.arguments[index].name


@pytest.mark.parametrize("spec", LOSSES, ids=lambda spec: spec.name)
def test_promotes_integer_input(spec):
    roles, tensors = _examples(spec, spec.layouts[0])
    inputs = [index for index, role in enumerate(roles) if role is Role.VALUES]
    if spec.target is not None:
        inputs = inputs[: spec.arguments.index(spec.target)]
    wrong = tensors
    for index in inputs:
        wrong = _replace(wrong, index, tensors[index].round().long())
    assert _raises(spec, wrong) != spec.promotes_integer_input


@pytest.mark.parametrize("spec", LOSSES, ids=lambda spec: spec.name)
def test_shape_mismatch_is_what_torch_does(spec):
    """Where two arguments must match in shape, torch broadcasts or refuses shapes that differ
    but broadcast, as the catalog says: with the same number of dimensions ((N, 1) against
    (N, D)), and with one more ((N, 1) against (N,))."""
    pairs = [
        (spec.arguments.index(argument), same_as)
        for argument in spec.arguments
        if (same_as := spec.same_shape_as(argument.name)) is not None
    ]
    if not pairs:
        return
    _, tensors = _examples(spec, spec.layouts[0])
    index, same_as = pairs[0]
    first = [argument.name for argument in spec.arguments].index(same_as)
    # Another argument that must fit these (GaussianNLLLoss's var) becomes one float for all.
    for other, argument in enumerate(spec.arguments):
        if other not in (index, first) and float in argument.also_accepts:
            tensors = _replace(tensors, other, 1.0)
    same_ndim = _replace(tensors, index, tensors[index][..., :1])
    n = tensors[index].shape[0] if tensors[index].ndim else 1
    more_dims = _replace(tensors, first, tensors[first].reshape(-1)[:n].reshape(n, 1))
    more_dims = _replace(more_dims, index, tensors[index].reshape(-1)[:n])
    for wrong in (same_ndim, more_dims):
        shapes = tuple(wrong[first].shape), tuple(wrong[index].shape)
        assert _raises(spec, wrong) == spec.shape_mismatch.raises(*shapes), shapes


@pytest.mark.parametrize("spec", LOSSES, ids=lambda spec: spec.name)
def test_unit_interval_and_one_dtype(spec):
    roles, tensors = _examples(spec, spec.layouts[0])
    if spec.input_kind is InputKind.PROBABILITIES:
        outside = _replace(tensors, 0, tensors[0] + 1)
        assert _raises(spec, outside) == spec.raises_outside_unit_interval
    for index, role in enumerate(roles):
        if role is Role.PROBABILITY:
            outside = _replace(tensors, index, tensors[index] * 2 - 1)
            assert _raises(spec, outside) == spec.raises_outside_unit_interval
    if spec.target is not None and roles[spec.arguments.index(spec.target)] in (
        Role.PROBABILITY,
        Role.DISTRIBUTION,
        Role.VALUES,
    ):
        index = spec.arguments.index(spec.target)
        mixed = _replace(tensors, index, tensors[index].float())
        assert _raises(spec, mixed) == spec.requires_one_float_dtype


@pytest.mark.parametrize("spec", [spec for spec in LOSSES if spec.reads_part_of_input])
def test_reads_part_of_input(spec):
    """A loss that reads only part of its input stays finite with NaN where it does not read;
    CrossEntropyLoss, given the same log-probabilities, reads them all."""
    _, (log_probs, target) = _examples(spec, spec.layouts[0])
    poisoned = log_probs.clone()
    unread = (target + 1) % poisoned.shape[1]  # a class other than each sample's target
    poisoned[torch.arange(poisoned.shape[0]), unread] = float("nan")
    assert torch.isfinite(_call(spec, [poisoned, target]))
    assert not lookup("CrossEntropyLoss").reads_part_of_input
    assert torch.isnan(F.cross_entropy(poisoned, target))


def _finite_or_raises(spec, tensors) -> bool:
    try:
        return bool(torch.isfinite(_call(spec, tensors)))
    except RuntimeError:  # BCELoss refuses anything outside [0, 1]
        return False


@pytest.mark.parametrize("spec", LOSSES, ids=lambda spec: spec.name)
def test_allows_infinity(spec):
    """Where the catalog says infinity is never meaningful, an infinite input always gives an
    infinite or NaN loss."""
    _, tensors = _examples(spec, spec.layouts[0])
    finite_somewhere = False
    for value in (float("inf"), float("-inf")):
        changed = tensors[0].clone()
        changed.view(-1)[0] = value
        finite_somewhere |= _finite_or_raises(spec, _replace(tensors, 0, changed))
    assert not finite_somewhere or spec.allows_infinity


def test_infinity_can_be_meaningful():
    """A logit of -inf masks a class: CrossEntropyLoss stays finite."""
    assert lookup("CrossEntropyLoss").allows_infinity
    logits = torch.tensor([[0.0, float("-inf"), 1.0]])
    assert torch.isfinite(F.cross_entropy(logits, torch.tensor([2])))


@pytest.mark.parametrize("spec", LOSSES, ids=lambda spec: spec.name)
def test_input_kind_and_activation_agree(spec):
    """Only logits have an activation, and a loss that takes logits names the one it applies;
    losses of log-probabilities and probabilities name the loss that takes logits instead."""
    assert (spec.activation is not None) == (spec.input_kind is InputKind.LOGITS)
    if spec.logits_variant is not None:
        variant = lookup(spec.logits_variant)
        assert variant.input_kind is InputKind.LOGITS
        assert spec.input_kind in (InputKind.PROBABILITIES, InputKind.LOG_PROBABILITIES)


def test_activation_is_what_torch_applies():
    """CrossEntropyLoss is NLLLoss after log_softmax; BCEWithLogitsLoss is BCELoss after a
    sigmoid."""
    logits, target = torch.randn(4, 3, dtype=torch.float64), torch.tensor([0, 2, 1, 1])
    assert lookup("CrossEntropyLoss").activation is Activation.LOG_SOFTMAX
    assert torch.allclose(
        F.cross_entropy(logits, target), F.nll_loss(logits.log_softmax(1), target)
    )
    probabilities = torch.rand(4, 3, dtype=torch.float64)
    assert lookup("BCEWithLogitsLoss").activation is Activation.LOG_SIGMOID
    assert torch.allclose(
        F.binary_cross_entropy_with_logits(logits, probabilities),
        F.binary_cross_entropy(logits.sigmoid(), probabilities),
    )


@pytest.mark.parametrize("spec", LOSSES, ids=lambda spec: spec.name)
def test_non_tensor_arguments_torch_takes(spec):
    """Each Python type an argument also accepts works in place of its tensor (CTCLoss takes
    both lengths as tensors or both as sequences, so they are replaced together)."""
    _, tensors = _examples(spec, spec.layouts[0])
    kinds = {kind for argument in spec.arguments for kind in argument.also_accepts}
    for kind in kinds:
        changed = list(tensors)
        for index, argument in enumerate(spec.arguments):
            if kind in argument.also_accepts:
                value = tensors[index]
                changed[index] = (
                    kind(value.reshape(-1)[0].item())
                    if kind in (float, int)
                    else kind(value.tolist())
                )
        if kind is int:
            continue  # one length for a batch of one: the unbatched layout, not layouts[0]
        assert not _raises(spec, changed), kind


def test_code_prefixes_are_unique_and_kebab_case():
    prefixes = [spec.code_prefix for spec in LOSSES]
    assert len(set(prefixes)) == len(prefixes)
    assert all(prefix and prefix == prefix.lower() and " " not in prefix for prefix in prefixes)


@pytest.mark.parametrize(
    ("shapes", "layout", "fits", "class_dim"),
    [
        ([(8, 5), (8,)], "batch", True, 1),
        ([(5,), ()], "unbatched", True, 0),
        ([(8, 5, 7, 7), (8, 7, 7)], "K-dimensional", True, 1),
        ([(8, 5), (8, 5)], "class probabilities", True, 1),
        ([(5,), (5,)], "unbatched class probabilities", True, 0),
        ([(8, 5, 7), (8, 5, 7)], "K-dimensional class probabilities", True, 1),
        ([(8, 5), (8, 1)], "batch", False, 1),
        ([(8, 5), None], "batch", True, 1),
    ],
)
def test_resolve_picks_the_layout_torch_does(shapes, layout, fits, class_dim):
    resolution = resolve(lookup("CrossEntropyLoss"), shapes)
    assert (resolution.layout.name, resolution.fits) == (layout, fits)
    assert resolution.class_dim(0) == class_dim


def test_resolve_without_a_fitting_layout():
    resolution = resolve(lookup("CrossEntropyLoss"), [(), ()])
    assert resolution.layout is None
    assert resolution.class_dim(0) is None
    assert resolution.roles == (Role.VALUES, Role.CLASS_INDEX)
    with pytest.raises(ValueError, match="takes 2 arguments, so resolve needs 2 shapes"):
        resolve(lookup("MSELoss"), [(3,)])
