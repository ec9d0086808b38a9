"""One description of every loss in :mod:`torch.nn`, the source of the site's tables.

Each :class:`LossSpec` says what a loss is for, what it expects of each positional argument,
which shapes it accepts, which keyword arguments change its result, and how torch behaves when
it gets something else: whether it promotes integer input, which index dtypes it takes,
whether it broadcasts or raises on shapes that differ. :func:`resolve` says, for concrete
shapes, which layout a call is in, what each argument holds and where the classes are. The
site's tables (:mod:`lossguide.tables`), :func:`lossguide.as_tensors`,
:func:`lossguide.diagnose` and :mod:`lossguide.reference` all read this module, so a fact
about a loss is written once; ``tests/package/test_catalog.py`` checks each one against torch.

>>> spec = lookup("CrossEntropyLoss")
>>> spec.functional
'cross_entropy'
>>> [arg.name for arg in spec.arguments]
['input', 'target']
>>> lookup("nll_loss").name
'NLLLoss'
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import Enum
from typing import TypedDict

__all__ = [
    "FAMILIES",
    "LOSSES",
    "OUTPUT_LAYERS",
    "RECIPES",
    "Activation",
    "Argument",
    "Family",
    "InputKind",
    "Layout",
    "LossSpec",
    "MixedFloatDtypes",
    "Recipe",
    "Resolution",
    "Role",
    "ShapeMismatch",
    "lookup",
    "resolve",
]


class Role(Enum):
    """What a positional argument of a loss holds, and so which dtype it needs."""

    #: Real numbers in the floating dtype of the call: predictions, logits, regression targets.
    VALUES = "values"
    #: Integer class indices in ``[0, C)``; torch wants int64.
    CLASS_INDEX = "class indices"
    #: Class indices, or class probabilities with the input's shape (CrossEntropyLoss only);
    #: :func:`resolve` says which one a call passes.
    CLASS_INDEX_OR_PROBABILITIES = "class indices or class probabilities"
    #: Targets in ``[0, 1]`` as floats, one per element: BCE-style losses.
    PROBABILITY = "probabilities in [0, 1]"
    #: Probability distributions: non-negative floats that sum to 1 over the classes.
    DISTRIBUTION = "probability distributions"
    #: Labels of +1 or -1, as floats.
    SIGN = "labels of +1 or -1"
    #: A 0/1 indicator per class, as floats.
    MULTI_HOT = "0/1 per class"
    #: Class indices padded with -1 after the last one (MultiLabelMarginLoss).
    PADDED_CLASS_INDEX = "class indices padded with -1"
    #: Sequences of class indices, each as long as its entry in ``target_lengths`` (CTCLoss).
    LABEL_SEQUENCE = "label sequences"
    #: Sequence lengths, integers.
    LENGTHS = "lengths"

    @property
    def dtype(self) -> str:
        """The dtype an argument in this role needs: ``"int64"`` or ``"float"``."""
        return "int64" if self in INDEX_ROLES else "float"


#: The roles whose values are floats in the call's floating dtype.
FLOAT_ROLES = frozenset(
    {Role.VALUES, Role.PROBABILITY, Role.DISTRIBUTION, Role.SIGN, Role.MULTI_HOT}
)
#: The roles whose values are int64 tensors.
INDEX_ROLES = frozenset(
    {Role.CLASS_INDEX, Role.PADDED_CLASS_INDEX, Role.LABEL_SEQUENCE, Role.LENGTHS}
)
#: The roles that hold class indices, the ones whose dtype :attr:`LossSpec.index_dtypes` rules.
CLASS_INDEX_ROLES = frozenset(
    {
        Role.CLASS_INDEX,
        Role.CLASS_INDEX_OR_PROBABILITIES,
        Role.PADDED_CLASS_INDEX,
        Role.LABEL_SEQUENCE,
    }
)


class InputKind(Enum):
    """What kind of numbers a loss reads in its first argument (its prediction)."""

    #: Any real values, read as they are: regression outputs, scores, embeddings.
    VALUES = "values"
    #: Raw logits, which the loss itself turns into probabilities (see :class:`Activation`).
    LOGITS = "logits"
    #: Probabilities in ``[0, 1]``.
    PROBABILITIES = "probabilities"
    #: Log-probabilities: never above 0, and ``exp`` of them sums to 1 over the classes.
    LOG_PROBABILITIES = "log-probabilities"
    #: A distance between two items: never negative.
    DISTANCES = "distances"


class ShapeMismatch(Enum):
    """What a loss does with arguments that must have one shape but differ, and broadcast."""

    #: Broadcasts them (torch warns), pairing every element with every other: silently wrong.
    BROADCASTS = "broadcasts"
    #: Raises.
    RAISES = "raises"
    #: Raises when their numbers of dimensions differ, and broadcasts them otherwise.
    RAISES_ACROSS_NDIM = "raises if their numbers of dimensions differ, else broadcasts"
    #: Broadcasts the later argument into the earlier one's shape, and raises when the earlier
    #: one would have to grow (its output is allocated with the input's shape).
    RAISES_UNLESS_FIRST_SHAPE = "raises unless they broadcast to the first one's shape"

    def raises(self, first: Sequence[int], second: Sequence[int]) -> bool:
        """Whether torch raises on an earlier argument of shape ``first`` and a later one of
        shape ``second`` that differ but broadcast.

        >>> ShapeMismatch.RAISES_UNLESS_FIRST_SHAPE.raises((4, 3), (4, 1))
        False
        >>> ShapeMismatch.RAISES_UNLESS_FIRST_SHAPE.raises((4, 1), (4,))
        True
        """
        if self is ShapeMismatch.RAISES_ACROSS_NDIM:
            return len(first) != len(second)
        if self is ShapeMismatch.RAISES_UNLESS_FIRST_SHAPE:
            return _broadcast(tuple(first), tuple(second)) != tuple(first)
        return self is ShapeMismatch.RAISES


def _broadcast(first: tuple[int, ...], second: tuple[int, ...]) -> tuple[int, ...]:
    """The shape two broadcastable shapes broadcast to."""
    ndim = max(len(first), len(second))
    first, second = (1,) * (ndim - len(first)) + first, (1,) * (ndim - len(second)) + second
    return tuple(max(a, b) if 1 in (a, b) else a for a, b in zip(first, second, strict=True))


class MixedFloatDtypes(Enum):
    """What a loss does when its floating arguments come in two dtypes, such as a float64
    input (NumPy data) and a float32 target."""

    #: Computes in the wider dtype, forward and backward.
    PROMOTES = "computes in the wider dtype"
    #: Returns the first argument's dtype, wider or not; backward works.
    INPUT_DTYPE = "returns the input's dtype"
    #: Returns the target's dtype, wider or not; backward works.
    TARGET_DTYPE = "returns the target's dtype"
    #: Computes the forward pass, then raises in ``backward()`` (HuberLoss).
    RAISES_IN_BACKWARD = "raises in backward()"
    #: Raises in the forward pass.
    RAISES = "raises"


class Activation(Enum):
    """The function a loss applies to its logits itself, which a reader must not apply first."""

    #: ``log_softmax`` over the class dimension (CrossEntropyLoss).
    LOG_SOFTMAX = "softmax"
    #: ``logsigmoid`` of each element (BCEWithLogitsLoss, MultiLabelSoftMarginLoss).
    LOG_SIGMOID = "sigmoid"


@dataclass(frozen=True)
class Argument:
    """A positional argument of a loss's ``forward``: its name and what it holds."""

    name: str
    role: Role
    #: Python types torch also takes for this argument besides tensors (CTCLoss's lengths as
    #: tuples or lists, GaussianNLLLoss's ``var`` as one float for every element).
    also_accepts: tuple[type, ...] = ()


#: How big each shape symbol is when :func:`Layout.example_shapes` makes concrete tensors.
EXAMPLE_SIZES: dict[str, tuple[int, ...]] = {
    "N": (3,),  # batch
    "C": (4,),  # classes
    "D": (5,),  # features: of an embedding, a regression target, or before an output layer
    "T": (12,),  # time steps of an input sequence
    "S": (3,),  # length of a target sequence
    "S*N": (9,),  # the targets of a batch, concatenated
    "1": (1,),
    "*": (2, 3),  # any number of dimensions
    "d...": (2, 3),  # d1, ..., dK: extra dimensions, one label each (pixels, tokens)
}
_DISPLAY = {"d...": "d1, ..., dK", "S*N": "sum(target_lengths)"}


@dataclass(frozen=True)
class Layout:
    """One valid combination of argument shapes, such as a batch of class scores.

    Each shape is a tuple of symbols from :data:`EXAMPLE_SIZES`; ``()`` is a scalar.
    ``roles``, when given, overrides the arguments' roles for this layout (CrossEntropyLoss
    takes class probabilities in place of indices when the target has the input's shape), and
    ``index_dtypes`` the loss's :attr:`LossSpec.index_dtypes`.
    """

    name: str
    shapes: tuple[tuple[str, ...], ...]
    roles: tuple[Role, ...] | None = None
    #: The class-index dtypes torch accepts in this layout, where they differ from the loss's
    #: (NLLLoss takes uint8 indices, but not in its K-dimensional kernel).
    index_dtypes: tuple[str, ...] | None = None

    def display(self, index: int) -> str:
        """The shape of argument ``index`` as the site writes it, e.g. ``(N, C)``."""
        return "(" + ", ".join(_DISPLAY.get(symbol, symbol) for symbol in self.shapes[index]) + ")"

    def example_shapes(self) -> list[tuple[int, ...]]:
        """Concrete shapes for each argument, consistent across arguments.

        >>> Layout("K-dimensional", (("N", "C", "d..."), ("N", "d..."))).example_shapes()
        [(3, 4, 2, 3), (3, 2, 3)]
        """
        return [
            tuple(size for symbol in shape for size in EXAMPLE_SIZES[symbol])
            for shape in self.shapes
        ]


@dataclass(frozen=True)
class Family:
    """A group of related losses, taught together on one page of the site."""

    title: str
    #: The page's docname, e.g. ``"losses/regression"``.
    page: str


REGRESSION = Family("Regression", "losses/regression")
DISTRIBUTIONS = Family("Distributions and counts", "losses/distributions")
MULTI_CLASS = Family("Multi-class classification", "losses/multi-class")
MULTI_LABEL = Family("Binary and multi-label classification", "losses/binary-and-multi-label")
EMBEDDINGS = Family("Ranking and embeddings", "losses/ranking-and-embeddings")
SEQUENCES = Family("Sequences", "losses/sequences")
LARGE_VOCABULARY = Family("Large vocabularies", "losses/large-vocabulary")
FAMILIES = (
    REGRESSION, DISTRIBUTIONS, MULTI_CLASS, MULTI_LABEL, EMBEDDINGS, SEQUENCES, LARGE_VOCABULARY
)  # fmt: skip


@dataclass(frozen=True)
class LossSpec:
    """What a reader needs to know to call one loss correctly."""

    #: The class in :mod:`torch.nn`, e.g. ``"CrossEntropyLoss"``.
    name: str
    #: The function in :mod:`torch.nn.functional`, e.g. ``"cross_entropy"``; for a module
    #: with no functional form (an output layer), the name its rules and its reference
    #: would go by, and :attr:`in_functional` is False.
    functional: str
    family: Family
    #: The problem it solves, in a few words.
    task: str
    #: What its first argument must hold: logits, probabilities, log-probabilities, ...
    expects: str
    #: The positional arguments of ``forward``, in order.
    arguments: tuple[Argument, ...]
    #: Every combination of shapes it accepts.
    layouts: tuple[Layout, ...]
    #: The keyword arguments that change the result, besides ``reduction``.
    options: tuple[str, ...] = ()
    #: The reductions it accepts.
    reductions: tuple[str, ...] = ("none", "mean", "sum")
    #: The situations it is the loss for, as the guide to choosing a loss lists them.
    situations: tuple[str, ...] = ()

    # What the loss does with what it is given: facts that diagnose, as_tensors and the
    # reference act on, each checked against torch by tests/package/test_catalog.py.

    #: The kind of numbers its first argument must hold.
    input_kind: InputKind = InputKind.VALUES
    #: The function it applies to its logits itself, if any.
    activation: Activation | None = None
    #: The prefix of the finding codes about this loss alone, e.g. ``nll`` in
    #: ``nll-input-not-log-probabilities``.
    code_prefix: str = ""
    #: The loss that takes the logits this one's input is computed from, e.g.
    #: ``CrossEntropyLoss`` for NLLLoss: the fix for a reader who passes logits.
    logits_variant: str | None = None
    #: Whether an integer input is promoted to floating point (rather than raising).
    promotes_integer_input: bool = False
    #: The dtypes it accepts for class indices, as NumPy/torch names; ``None`` for any real
    #: dtype, which it casts itself (CTCLoss's targets).
    index_dtypes: tuple[str, ...] | None = ("int64",)
    #: What it does with arguments that must have one shape when they differ but broadcast.
    shape_mismatch: ShapeMismatch = ShapeMismatch.BROADCASTS
    #: Whether it raises on probabilities outside ``[0, 1]``, in its input or target.
    raises_outside_unit_interval: bool = False
    #: What it does with floating arguments of two dtypes (outside autocast); ``None`` for a
    #: loss with one floating argument.
    mixed_float_dtypes: MixedFloatDtypes | None = MixedFloatDtypes.PROMOTES
    #: Whether torch warns when it broadcasts arguments that should have one shape (where
    #: :attr:`shape_mismatch` lets it broadcast); without a warning the mistake is silent.
    warns_when_broadcasting: bool = False
    #: Whether a float target (regression values, ±1 or 0/1 labels) may also be an integer
    #: tensor, which torch promotes; class-index targets follow :attr:`index_dtypes` instead.
    promotes_integer_target: bool = False
    #: Whether CPU autocast runs it in float32 when its arguments are float16 or bfloat16;
    #: the losses written in Python from other operations run in the low-precision dtype.
    autocast_to_float32: bool = True
    #: Whether it reads only part of its input (NLLLoss picks one entry per sample), so that
    #: NaN elsewhere in the input leaves the loss finite, and a check may read a sample of rows.
    reads_part_of_input: bool = False
    #: Whether an infinite value can be meaningful in its arguments (a logit of -inf masks a
    #: class; a log-probability of -inf is a probability of 0). Where it cannot, the loss of an
    #: infinite input is always inf or NaN.
    allows_infinity: bool = True
    #: Whether :mod:`torch.nn.functional` has the loss as a function (all but the output layers
    #: that exist only as modules, such as AdaptiveLogSoftmaxWithLoss).
    in_functional: bool = True
    #: Where a module that owns its output layer keeps the number of classes, which no argument's
    #: shape gives (AdaptiveLogSoftmaxWithLoss's ``n_classes``).
    classes_attribute: str | None = None

    @property
    def requires_one_float_dtype(self) -> bool:
        """Whether it raises in the forward pass unless its floating arguments share one dtype
        (outside autocast), rather than promoting them.

        >>> lookup("BCELoss").requires_one_float_dtype, lookup("MSELoss").requires_one_float_dtype
        (True, False)
        """
        return self.mixed_float_dtypes is MixedFloatDtypes.RAISES

    def index_dtypes_in(self, layout: Layout | None) -> tuple[str, ...] | None:
        """The class-index dtypes torch accepts in ``layout`` (``None``: any real dtype).

        >>> spec = lookup("NLLLoss")
        >>> spec.index_dtypes_in(spec.layouts[0]), spec.index_dtypes_in(spec.layouts[2])
        (('int64', 'uint8'), ('int64',))
        """
        if layout is not None and layout.index_dtypes is not None:
            return layout.index_dtypes
        return self.index_dtypes

    @property
    def has_ignore_index(self) -> bool:
        """Whether a target equal to ``ignore_index`` adds nothing to the loss or its mean."""
        return "ignore_index" in self.options

    @property
    def label(self) -> str:
        """The site's cross-reference label for this loss's section, e.g. ``loss-mseloss``."""
        return f"loss-{self.name.lower()}"

    @property
    def target(self) -> Argument | None:
        """The argument that holds the target, or ``None`` for the triplet losses."""
        for argument in self.arguments:
            if argument.name in ("target", "targets"):
                return argument
        return None

    def roles_in(self, layout: Layout | None) -> tuple[Role, ...]:
        """What each argument holds in one layout (or in none: then class indices).

        >>> spec = lookup("CrossEntropyLoss")
        >>> [role.name for role in spec.roles_in(spec.layouts[0])]
        ['VALUES', 'CLASS_INDEX']
        >>> [role.name for role in spec.roles_in(spec.layouts[-1])]
        ['VALUES', 'DISTRIBUTION']
        """
        if layout is not None and layout.roles is not None:
            return layout.roles
        # A layout that takes probabilities says so; the others take class indices.
        either = Role.CLASS_INDEX_OR_PROBABILITIES
        return tuple(
            Role.CLASS_INDEX if argument.role is either else argument.role
            for argument in self.arguments
        )

    def same_shape_as(self, name: str) -> str | None:
        """The earlier argument that argument ``name`` must match in shape, if any.

        >>> lookup("MSELoss").same_shape_as("target")
        'input'
        >>> lookup("CrossEntropyLoss").same_shape_as("target") is None
        True
        """
        index = [argument.name for argument in self.arguments].index(name)
        if self.arguments[index].role is Role.LENGTHS:
            return None  # lengths are read flattened: their count matters, not their shape
        for earlier in range(index):
            if all(layout.shapes[earlier] == layout.shapes[index] for layout in self.layouts):
                return self.arguments[earlier].name
        return None


def _spec(
    name: str,
    functional: str,
    family: Family,
    task: str,
    expects: str,
    arguments: Mapping[str, Role | Argument],
    layouts: Mapping[str, tuple[str, ...]],
    options: tuple[str, ...] = (),
    *,
    layout_roles: Mapping[str, tuple[Role, ...]] | None = None,
    layout_index_dtypes: Mapping[str, tuple[str, ...]] | None = None,
    **facts: object,
) -> LossSpec:
    """Build a LossSpec; each layout is written as one string per argument, e.g. "N C"."""
    return LossSpec(
        name=name,
        functional=functional,
        family=family,
        task=task,
        expects=expects,
        arguments=tuple(
            role if isinstance(role, Argument) else Argument(argument, role)
            for argument, role in arguments.items()
        ),
        layouts=tuple(
            Layout(
                layout_name,
                tuple(tuple(shape.split()) for shape in shapes),
                (layout_roles or {}).get(layout_name),
                (layout_index_dtypes or {}).get(layout_name),
            )
            for layout_name, shapes in layouts.items()
        ),
        options=options,
        **facts,  # type: ignore[arg-type]
    )


_V, _CI, _P, _SIGN = Role.VALUES, Role.CLASS_INDEX, Role.PROBABILITY, Role.SIGN
_LOGITS, _LOG_P = InputKind.LOGITS, InputKind.LOG_PROBABILITIES
_RAISES, _RAISES_ACROSS_NDIM = ShapeMismatch.RAISES, ShapeMismatch.RAISES_ACROSS_NDIM
_PAIR = {"input": _V, "target": _V}
_ANY_SHAPE = {"any shape": ("*", "*")}
_CLASS_LAYOUTS = {
    "batch": ("N C", "N"),
    "unbatched": ("C", ""),
    "K-dimensional": ("N C d...", "N d..."),
}
# nll_loss2d, which reads K-dimensional targets, takes int64 only.
_K_DIMENSIONAL_INT64 = {"K-dimensional": ("int64",)}
_TRIPLET = {"anchor": _V, "positive": _V, "negative": _V}
# Regression: an integer prediction is promoted, and an infinite value is never meaningful.
# torch warns when they broadcast, and an integer target is promoted.


class _Facts(TypedDict, total=False):
    """Facts that several losses share, given to _spec as keyword arguments."""

    promotes_integer_input: bool
    allows_infinity: bool
    warns_when_broadcasting: bool
    promotes_integer_target: bool
    mixed_float_dtypes: MixedFloatDtypes | None


_REGRESSION_FACTS: _Facts = {
    "promotes_integer_input": True,
    "allows_infinity": False,
    "warns_when_broadcasting": True,
    "promotes_integer_target": True,
}
_ONE_FLOAT: _Facts = {"mixed_float_dtypes": None}
_VOCABULARY = "many classes / a language model's vocabulary"

#: Every loss class in :mod:`torch.nn` that a reader would choose today, in the site's order.
#: (``NLLLoss2d`` is a deprecated alias of :class:`torch.nn.NLLLoss` and is left out;
#: AdaptiveLogSoftmaxWithLoss, an output layer with no functional form, is in
#: :data:`OUTPUT_LAYERS`.)
LOSSES: tuple[LossSpec, ...] = (
    _spec("L1Loss", "l1_loss", REGRESSION, "regression, mean absolute error",
          "any real values", _PAIR, _ANY_SHAPE,
          situations=("regression where outliers should not dominate",),
          code_prefix="l1", **_REGRESSION_FACTS),
    _spec("MSELoss", "mse_loss", REGRESSION, "regression, mean squared error",
          "any real values", _PAIR, _ANY_SHAPE,
          situations=("regression",), code_prefix="mse", **_REGRESSION_FACTS),
    _spec("HuberLoss", "huber_loss", REGRESSION, "regression robust to outliers",
          "any real values", _PAIR, _ANY_SHAPE, ("delta",),
          situations=("regression with outliers",), code_prefix="huber",
          allows_infinity=False, warns_when_broadcasting=True, promotes_integer_target=True,
          mixed_float_dtypes=MixedFloatDtypes.RAISES_IN_BACKWARD),
    _spec("SmoothL1Loss", "smooth_l1_loss", REGRESSION,
          "regression robust to outliers (Huber divided by beta)",
          "any real values", _PAIR, _ANY_SHAPE, ("beta",),
          situations=("regression with outliers", "bounding-box regression"),
          code_prefix="smooth-l1", **_REGRESSION_FACTS),
    _spec("GaussianNLLLoss", "gaussian_nll_loss", DISTRIBUTIONS,
          "regression that also predicts its own variance", "a predicted mean and variance",
          {"input": _V, "target": _V, "var": Argument("var", _V, also_accepts=(float,))},
          {"same shape": ("N *", "N *", "N *"), "one variance per sample": ("N D", "N D", "N 1"),
           "variance without its last dimension": ("N D", "N D", "N"),
           "unbatched": ("D", "D", "D")},
          ("full", "eps"), situations=("regression with a predicted uncertainty",),
          code_prefix="gaussian-nll", promotes_integer_input=True,
          promotes_integer_target=True, autocast_to_float32=False),
    _spec("PoissonNLLLoss", "poisson_nll_loss", DISTRIBUTIONS, "regression of counts",
          "the log of the predicted rate (log_input=True)", _PAIR, _ANY_SHAPE,
          ("log_input", "full", "eps"), situations=("counts",),
          code_prefix="poisson", promotes_integer_input=True, promotes_integer_target=True),
    _spec("KLDivLoss", "kl_div", DISTRIBUTIONS, "matching one distribution to another",
          "log-probabilities", {"input": _V, "target": Role.DISTRIBUTION}, _ANY_SHAPE,
          ("log_target",), reductions=("none", "batchmean", "mean", "sum"),
          situations=("matching a target distribution (distillation)",),
          input_kind=_LOG_P, code_prefix="kl"),
    _spec("NLLLoss", "nll_loss", MULTI_CLASS, "multi-class classification",
          "log-probabilities", {"input": _V, "target": _CI}, _CLASS_LAYOUTS,
          ("weight", "ignore_index"),
          situations=("multi-class, when the model already outputs log-probabilities",),
          input_kind=_LOG_P, code_prefix="nll", logits_variant="CrossEntropyLoss",
          index_dtypes=("int64", "uint8"), layout_index_dtypes=_K_DIMENSIONAL_INT64,
          reads_part_of_input=True, **_ONE_FLOAT),
    _spec("CrossEntropyLoss", "cross_entropy", MULTI_CLASS, "multi-class classification",
          "raw logits", {"input": _V, "target": Role.CLASS_INDEX_OR_PROBABILITIES},
          {**_CLASS_LAYOUTS, "class probabilities": ("N C", "N C"),
           "unbatched class probabilities": ("C", "C"),
           "K-dimensional class probabilities": ("N C d...", "N C d...")},
          ("weight", "ignore_index", "label_smoothing"),
          layout_roles={
              name: (_V, Role.DISTRIBUTION)
              for name in ("class probabilities", "unbatched class probabilities",
                           "K-dimensional class probabilities")
          },
          situations=("multi-class classification", "imbalanced classes",
                      "calibrated probabilities", "soft or smoothed labels", "segmentation",
                      "padded sequences (ignore_index)"),
          input_kind=_LOGITS, activation=Activation.LOG_SOFTMAX, code_prefix="ce",
          index_dtypes=("int64", "uint8"), layout_index_dtypes=_K_DIMENSIONAL_INT64),
    _spec("MultiMarginLoss", "multi_margin_loss", MULTI_CLASS,
          "multi-class classification with a hinge (SVM-style) loss", "class scores",
          {"input": _V, "target": _CI}, {"batch": ("N C", "N"), "unbatched": ("C", "")},
          ("p", "margin", "weight"), situations=("multi-class with a margin (SVM-style)",),
          code_prefix="multi-margin", **_ONE_FLOAT),
    _spec("BCELoss", "binary_cross_entropy", MULTI_LABEL,
          "binary and multi-label classification", "probabilities in [0, 1]",
          {"input": _V, "target": _P}, _ANY_SHAPE, ("weight",),
          situations=("binary, when the model already outputs probabilities",),
          input_kind=InputKind.PROBABILITIES, code_prefix="bce",
          logits_variant="BCEWithLogitsLoss", shape_mismatch=_RAISES,
          raises_outside_unit_interval=True, mixed_float_dtypes=MixedFloatDtypes.RAISES),
    _spec("BCEWithLogitsLoss", "binary_cross_entropy_with_logits", MULTI_LABEL,
          "binary and multi-label classification", "raw logits",
          {"input": _V, "target": _P}, _ANY_SHAPE, ("weight", "pos_weight"),
          situations=("binary classification", "multi-label classification",
                      "imbalanced labels (pos_weight, at the cost of calibration)",
                      "calibrated probabilities"),
          input_kind=_LOGITS, activation=Activation.LOG_SIGMOID,
          code_prefix="bce-with-logits", shape_mismatch=_RAISES,
          mixed_float_dtypes=MixedFloatDtypes.TARGET_DTYPE),
    _spec("SoftMarginLoss", "soft_margin_loss", MULTI_LABEL,
          "binary classification with ±1 labels (logistic loss)", "raw scores",
          {"input": _V, "target": _SIGN}, _ANY_SHAPE,
          situations=("binary classification with ±1 labels",),
          code_prefix="soft-margin", shape_mismatch=ShapeMismatch.RAISES_UNLESS_FIRST_SHAPE,
          mixed_float_dtypes=MixedFloatDtypes.INPUT_DTYPE, promotes_integer_target=True),
    _spec("MultiLabelSoftMarginLoss", "multilabel_soft_margin_loss", MULTI_LABEL,
          "multi-label classification", "raw logits",
          {"input": _V, "target": Role.MULTI_HOT},
          {"batch": ("N C", "N C"), "unbatched": ("C", "C")}, ("weight",),
          situations=("multi-label classification",),
          input_kind=_LOGITS, activation=Activation.LOG_SIGMOID,
          code_prefix="multilabel-soft-margin", promotes_integer_target=True,
          autocast_to_float32=False),
    _spec("MultiLabelMarginLoss", "multilabel_margin_loss", MULTI_LABEL,
          "multi-label classification with a hinge loss", "class scores",
          {"input": _V, "target": Role.PADDED_CLASS_INDEX},
          {"batch": ("N C", "N C"), "unbatched": ("C", "C")},
          situations=("multi-label with a margin",),
          code_prefix="multilabel-margin", shape_mismatch=_RAISES, **_ONE_FLOAT),
    _spec("MarginRankingLoss", "margin_ranking_loss", EMBEDDINGS,
          "ranking pairs of scores", "two scores to compare",
          {"input1": _V, "input2": _V, "target": _SIGN},
          {"batch": ("N", "N", "N"), "unbatched": ("", "", "")}, ("margin",),
          situations=("ranking pairs",),
          code_prefix="margin-ranking", promotes_integer_input=True,
          shape_mismatch=_RAISES_ACROSS_NDIM, promotes_integer_target=True),
    _spec("HingeEmbeddingLoss", "hinge_embedding_loss", EMBEDDINGS,
          "similar or dissimilar pairs, from a distance", "a distance (non-negative)",
          {"input": _V, "target": _SIGN}, _ANY_SHAPE, ("margin",),
          situations=("similar and dissimilar pairs, given their distance",),
          input_kind=InputKind.DISTANCES, code_prefix="hinge",
          mixed_float_dtypes=MixedFloatDtypes.INPUT_DTYPE, promotes_integer_target=True),
    _spec("CosineEmbeddingLoss", "cosine_embedding_loss", EMBEDDINGS,
          "similar or dissimilar pairs, from two embeddings", "two embeddings",
          {"input1": _V, "input2": _V, "target": _SIGN},
          {"batch": ("N D", "N D", "N"), "unbatched": ("D", "D", "")}, ("margin",),
          situations=("similar and dissimilar pairs of embeddings",),
          code_prefix="cosine-embedding", promotes_integer_input=True,
          shape_mismatch=_RAISES_ACROSS_NDIM, promotes_integer_target=True),
    _spec("TripletMarginLoss", "triplet_margin_loss", EMBEDDINGS,
          "metric learning from triplets", "three embeddings", _TRIPLET,
          {"batch": ("N D", "N D", "N D"), "unbatched": ("D", "D", "D")},
          ("margin", "p", "eps", "swap"), situations=("metric learning",),
          code_prefix="triplet", promotes_integer_input=True,
          shape_mismatch=_RAISES_ACROSS_NDIM),
    _spec("TripletMarginWithDistanceLoss", "triplet_margin_with_distance_loss", EMBEDDINGS,
          "metric learning from triplets, any distance", "three embeddings", _TRIPLET,
          {"batch": ("N D", "N D", "N D"), "unbatched": ("D", "D", "D")},
          ("distance_function", "margin", "swap"),
          situations=("metric learning with a distance of your own",),
          code_prefix="triplet-with-distance", promotes_integer_input=True,
          shape_mismatch=_RAISES_ACROSS_NDIM, autocast_to_float32=False),
    _spec("CTCLoss", "ctc_loss", SEQUENCES, "sequences without a known alignment",
          "log-probabilities, time first",
          {"log_probs": _V, "targets": Role.LABEL_SEQUENCE,
           "input_lengths": Argument("input_lengths", Role.LENGTHS, (list, tuple, int)),
           "target_lengths": Argument("target_lengths", Role.LENGTHS, (list, tuple, int))},
          {"padded targets": ("T N C", "N S", "N", "N"),
           "concatenated targets": ("T N C", "S*N", "N", "N"),
           "unbatched": ("T C", "S", "", "")},
          ("blank", "zero_infinity"), situations=("sequences without an alignment",),
          input_kind=_LOG_P, code_prefix="ctc", index_dtypes=None, **_ONE_FLOAT),
    _spec("LinearCrossEntropyLoss", "linear_cross_entropy", LARGE_VOCABULARY,
          "cross entropy of a final linear layer's logits, never all in memory at once",
          "features before the output layer (linear_weight makes the logits)",
          {"input": _V, "linear_weight": _V, "target": Role.CLASS_INDEX_OR_PROBABILITIES},
          {"batch": ("N D", "C D", "N"), "unbatched": ("D", "C D", ""),
           "K-dimensional": ("N D", "C d... D", "N d..."),
           "class probabilities": ("N D", "C D", "N C"),
           "unbatched class probabilities": ("D", "C D", "C"),
           "K-dimensional class probabilities": ("N D", "C d... D", "N C d...")},
          ("linear_bias", "weight", "ignore_index", "label_smoothing", "options"),
          layout_roles={
              name: (_V, _V, Role.DISTRIBUTION)
              for name in ("class probabilities", "unbatched class probabilities",
                           "K-dimensional class probabilities")
          },
          situations=(_VOCABULARY,),
          code_prefix="linear-ce", index_dtypes=("int64", "uint8"),
          layout_index_dtypes=_K_DIMENSIONAL_INT64, allows_infinity=False,
          mixed_float_dtypes=MixedFloatDtypes.RAISES),
)  # fmt: skip

#: The modules in :mod:`torch.nn` that compute a loss but own the output layer that makes the
#: predictions, and have no :mod:`torch.nn.functional` form: they are in the site's tables
#: and :func:`lookup` finds them, but the behaviour tables, which call every loss of
#: :data:`LOSSES` as a function, leave them out.
OUTPUT_LAYERS: tuple[LossSpec, ...] = (
    _spec("AdaptiveLogSoftmaxWithLoss", "adaptive_log_softmax_with_loss", LARGE_VOCABULARY,
          "an adaptive softmax: frequent classes in a head, rare ones in smaller tail clusters",
          "features before the output layer (the module's head and tails make the logits)",
          {"input": _V, "target": _CI}, {"batch": ("N D", "N"), "unbatched": ("D", "")},
          ("cutoffs", "div_value", "head_bias"), reductions=("mean",),
          situations=(_VOCABULARY,),
          code_prefix="adaptive-softmax", index_dtypes=("int64", "int32"), allows_infinity=False,
          in_functional=False,
          classes_attribute="n_classes", **_ONE_FLOAT),
)  # fmt: skip


@dataclass(frozen=True)
class Recipe:
    """A loss that is not a class in :mod:`torch.nn` but a few lines of torch operations,
    which the guide to choosing a loss shows with an executed example."""

    name: str
    #: The situations it is for, as :attr:`LossSpec.situations` writes them.
    situations: tuple[str, ...]
    #: The label of its section in the guide to choosing a loss.
    label: str
    #: The :mod:`torch.nn` loss it is built on, if any.
    built_on: str | None = None


#: The losses built from torch operations that the guide to choosing a loss teaches.
RECIPES: tuple[Recipe, ...] = (
    Recipe("focal loss", ("imbalanced classes",), "recipe-focal-loss", "CrossEntropyLoss"),
    Recipe("logit adjustment", ("imbalanced classes",), "recipe-logit-adjustment",
           "CrossEntropyLoss"),
    Recipe("InfoNCE", ("contrastive learning",), "recipe-info-nce", "CrossEntropyLoss"),
    Recipe("Dice loss", ("segmentation",), "recipe-dice-loss"),
    Recipe("pinball loss", ("quantile regression",), "recipe-pinball-loss"),
)  # fmt: skip

_BY_NAME = {spec.name: spec for spec in (*LOSSES, *OUTPUT_LAYERS)} | {
    spec.functional: spec for spec in LOSSES
}


def lookup(loss: str | object) -> LossSpec:
    """Return the :class:`LossSpec` of a loss given by name, class, instance or function.

    ``loss`` may be ``"MSELoss"``, ``"mse_loss"``, ``torch.nn.MSELoss``, an instance of it,
    ``torch.nn.functional.mse_loss``, or a :class:`LossSpec`.

    >>> import torch
    >>> lookup(torch.nn.BCEWithLogitsLoss(pos_weight=torch.ones(3))).expects
    'raw logits'
    >>> lookup(torch.nn.functional.ctc_loss).name
    'CTCLoss'
    >>> lookup("softmax")
    Traceback (most recent call last):
    ...
    ValueError: 'softmax' is not a torch.nn loss; expected a loss's name, class, ...
    """
    if isinstance(loss, LossSpec):
        return loss
    if isinstance(loss, str):
        candidates = [loss]
    elif isinstance(loss, type):
        candidates = [cls.__name__ for cls in loss.__mro__]
    elif callable(loss) and hasattr(loss, "__name__"):  # a torch.nn.functional function
        candidates = [loss.__name__]
    else:  # a module instance; a subclass of a torch loss counts as that loss
        candidates = [cls.__name__ for cls in type(loss).__mro__]
    for candidate in candidates:
        if candidate in _BY_NAME:
            return _BY_NAME[candidate]
    raise ValueError(
        f"{candidates[0]!r} is not a torch.nn loss; expected a loss's name, class, instance "
        f"or torch.nn.functional function, such as 'MSELoss' or 'mse_loss'"
    )


#: The symbols of a layout that stand for any number of dimensions: "*" for zero or more,
#: "d..." for one or more (K-dimensional inputs; with none, the layout is the batch one).
_VARIADIC = {"*": 0, "d...": 1}


@dataclass(frozen=True)
class Resolution:
    """What :func:`resolve` found for one call's shapes.

    ``layout`` is the first of the loss's layouts that every known shape fits, or, when none
    does, the first that the first argument fits alone (torch reads the input's layout and
    then complains about the rest: ``fits`` is then False), or ``None``.
    """

    spec: LossSpec
    layout: Layout | None
    #: Whether every known shape fits ``layout``.
    fits: bool
    #: What each argument holds in this call.
    roles: tuple[Role, ...]
    #: The size of each symbol of ``layout``, e.g. ``{"N": (8,), "C": (5,)}``.
    sizes: dict[str, tuple[int, ...]]

    def class_dim(self, index: int = 0) -> int | None:
        """The dimension of argument ``index`` that holds the classes, if its layout has one.

        >>> resolve(lookup("CrossEntropyLoss"), [(8, 5, 7), (8, 7)]).class_dim(0)
        1
        >>> resolve(lookup("CTCLoss"), [(50, 8, 20), (8, 10), (8,), (8,)]).class_dim(0)
        2
        """
        if self.layout is None or "C" not in self.layout.shapes[index]:
            return None
        dims = 0
        for symbol in self.layout.shapes[index]:
            if symbol == "C":
                return dims
            dims += len(self.sizes.get(symbol, ()))
        raise AssertionError("unreachable: C is in the shape")

    def expected_shape(self, index: int) -> tuple[int, ...] | None:
        """The shape argument ``index`` has in this layout, given the others' sizes, or
        ``None`` if it depends on a size no known shape fixed.

        >>> spec = lookup("NLLLoss")
        >>> resolve(spec, [(8, 5, 7), (8, 5)]).expected_shape(1)
        (8, 7)
        """
        if self.layout is None:
            return None
        shape: tuple[int, ...] = ()
        for symbol in self.layout.shapes[index]:
            if symbol == "1":
                shape += (1,)
            elif symbol in self.sizes:
                shape += self.sizes[symbol]
            else:
                return None
        return shape


def resolve(spec: LossSpec, shapes: Sequence[Sequence[int] | None]) -> Resolution:
    """Which of ``spec``'s layouts concrete ``shapes`` are in, and so what each argument holds.

    ``shapes`` has one entry per positional argument; ``None`` for one whose shape is not
    known. This is the one place that decides, as torch does, that a CrossEntropyLoss target
    with the input's shape holds class probabilities:

    >>> spec = lookup("CrossEntropyLoss")
    >>> [role.name for role in resolve(spec, [(8, 5), (8,)]).roles]
    ['VALUES', 'CLASS_INDEX']
    >>> [role.name for role in resolve(spec, [(8, 5), (8, 5)]).roles]
    ['VALUES', 'DISTRIBUTION']
    >>> resolution = resolve(spec, [(8, 7, 5), (8, 7)])  # the classes last: fits no layout
    >>> resolution.fits, resolution.layout.name, resolution.expected_shape(1)
    (False, 'K-dimensional', (8, 5))
    """
    if len(shapes) != len(spec.arguments):
        raise ValueError(
            f"{spec.name} takes {len(spec.arguments)} arguments, so resolve needs "
            f"{len(spec.arguments)} shapes (None for an unknown one), not {len(shapes)}"
        )
    known = [None if shape is None else tuple(int(size) for size in shape) for shape in shapes]
    first_only = [known[0]] + [None] * (len(known) - 1)
    for candidate, fits in ((known, True), (first_only, False)):
        for layout in spec.layouts:
            sizes = _bind(layout, candidate)
            if sizes is not None:
                return Resolution(spec, layout, fits, spec.roles_in(layout), sizes)
    return Resolution(spec, None, False, spec.roles_in(None), {})


def _bind(
    layout: Layout, shapes: Sequence[tuple[int, ...] | None]
) -> dict[str, tuple[int, ...]] | None:
    """The size of every symbol if each known shape fits the layout consistently, else None."""
    sizes: dict[str, tuple[int, ...]] = {}
    for symbols, shape in zip(layout.shapes, shapes, strict=True):
        if shape is None:
            continue
        found = _match(symbols, shape)
        if found is None:
            return None
        for symbol, size in found.items():
            if sizes.setdefault(symbol, size) != size:
                return None
    return sizes


def _match(symbols: tuple[str, ...], shape: tuple[int, ...]) -> dict[str, tuple[int, ...]] | None:
    """The size each symbol takes for one shape, or None; at most one variadic symbol."""
    variadic = [symbol for symbol in symbols if symbol in _VARIADIC]
    spare = len(shape) - (len(symbols) - len(variadic))
    if (not variadic and spare != 0) or (variadic and spare < _VARIADIC[variadic[0]]):
        return None
    sizes: dict[str, tuple[int, ...]] = {}
    position = 0
    for symbol in symbols:
        width = spare if symbol in _VARIADIC else 1
        size = shape[position : position + width]
        position += width
        if symbol == "1" and size != (1,):
            return None
        if symbol != "1" and sizes.setdefault(symbol, size) != size:
            return None
    return sizes
