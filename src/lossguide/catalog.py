"""One description of every loss in :mod:`torch.nn`, the source of the site's tables.

Each :class:`LossSpec` says what a loss is for, what it expects of each positional argument,
which shapes it accepts and which keyword arguments change its result. The site's tables
(:mod:`lossguide.tables`), :func:`lossguide.as_tensors` and :func:`lossguide.diagnose` all
read this module, so a fact about a loss is written once.

>>> spec = lookup("CrossEntropyLoss")
>>> spec.functional
'cross_entropy'
>>> [arg.name for arg in spec.arguments]
['input', 'target']
>>> lookup("nll_loss").name
'NLLLoss'
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

__all__ = ["FAMILIES", "LOSSES", "Argument", "Family", "Layout", "LossSpec", "Role", "lookup"]


class Role(Enum):
    """What a positional argument of a loss holds, and so which dtype it needs."""

    #: Real numbers in the floating dtype of the call: predictions, logits, regression targets.
    VALUES = "values"
    #: Integer class indices in ``[0, C)``; torch wants int64.
    CLASS_INDEX = "class indices"
    #: Class indices, or class probabilities with the input's shape (CrossEntropyLoss only).
    CLASS_INDEX_OR_PROBABILITIES = "class indices or class probabilities"
    #: Targets in ``[0, 1]`` as floats: BCE-style losses reject integer targets.
    PROBABILITY = "probabilities in [0, 1]"
    #: Labels of +1 or -1, as floats.
    SIGN = "labels of +1 or -1"
    #: A 0/1 indicator per class, as floats.
    MULTI_HOT = "0/1 per class"
    #: Class indices padded with -1 after the last one (MultiLabelMarginLoss).
    PADDED_CLASS_INDEX = "class indices padded with -1"
    #: Sequence lengths, integers.
    LENGTHS = "lengths"

    @property
    def dtype(self) -> str:
        """The dtype an argument in this role needs: ``"int64"`` or ``"float"``."""
        return "int64" if self in INDEX_ROLES else "float"


#: The roles whose values are floats in the call's floating dtype.
FLOAT_ROLES = frozenset({Role.VALUES, Role.PROBABILITY, Role.SIGN, Role.MULTI_HOT})
#: The roles whose values are int64 tensors.
INDEX_ROLES = frozenset({Role.CLASS_INDEX, Role.PADDED_CLASS_INDEX, Role.LENGTHS})


@dataclass(frozen=True)
class Argument:
    """A positional argument of a loss's ``forward``: its name and what it holds."""

    name: str
    role: Role


#: How big each shape symbol is when :func:`Layout.example_shapes` makes concrete tensors.
EXAMPLE_SIZES: dict[str, tuple[int, ...]] = {
    "N": (3,),  # batch
    "C": (4,),  # classes
    "D": (5,),  # features of an embedding or of a regression target
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
    takes class probabilities in place of indices when the target has the input's shape).
    """

    name: str
    shapes: tuple[tuple[str, ...], ...]
    roles: tuple[Role, ...] | None = None

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
FAMILIES = (REGRESSION, DISTRIBUTIONS, MULTI_CLASS, MULTI_LABEL, EMBEDDINGS, SEQUENCES)


@dataclass(frozen=True)
class LossSpec:
    """What a reader needs to know to call one loss correctly."""

    #: The class in :mod:`torch.nn`, e.g. ``"CrossEntropyLoss"``.
    name: str
    #: The function in :mod:`torch.nn.functional`, e.g. ``"cross_entropy"``.
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

    def roles_in(self, layout: Layout) -> tuple[Role, ...]:
        """What each argument holds in one layout.

        >>> spec = lookup("CrossEntropyLoss")
        >>> [role.name for role in spec.roles_in(spec.layouts[0])]
        ['VALUES', 'CLASS_INDEX']
        >>> [role.name for role in spec.roles_in(spec.layouts[-1])]
        ['VALUES', 'PROBABILITY']
        """
        if layout.roles is not None:
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
    arguments: dict[str, Role],
    layouts: dict[str, tuple[str, ...]],
    options: tuple[str, ...] = (),
    *,
    reductions: tuple[str, ...] = ("none", "mean", "sum"),
    situations: tuple[str, ...] = (),
    layout_roles: dict[str, tuple[Role, ...]] | None = None,
) -> LossSpec:
    """Build a LossSpec; each layout is written as one string per argument, e.g. "N C"."""
    return LossSpec(
        name=name,
        functional=functional,
        family=family,
        task=task,
        expects=expects,
        arguments=tuple(Argument(*item) for item in arguments.items()),
        layouts=tuple(
            Layout(
                layout_name,
                tuple(tuple(shape.split()) for shape in shapes),
                (layout_roles or {}).get(layout_name),
            )
            for layout_name, shapes in layouts.items()
        ),
        options=options,
        reductions=reductions,
        situations=situations,
    )


_V, _CI, _P, _SIGN = Role.VALUES, Role.CLASS_INDEX, Role.PROBABILITY, Role.SIGN
_PAIR = {"input": _V, "target": _V}
_ANY_SHAPE = {"any shape": ("*", "*")}
_CLASS_LAYOUTS = {
    "batch": ("N C", "N"),
    "unbatched": ("C", ""),
    "K-dimensional": ("N C d...", "N d..."),
}
_TRIPLET = {"anchor": _V, "positive": _V, "negative": _V}

#: Every loss class in :mod:`torch.nn` that a reader would choose today, in the site's order.
#: (``NLLLoss2d`` is a deprecated alias of :class:`torch.nn.NLLLoss` and is left out.)
LOSSES: tuple[LossSpec, ...] = (
    _spec("L1Loss", "l1_loss", REGRESSION, "regression, mean absolute error",
          "any real values", _PAIR, _ANY_SHAPE,
          situations=("regression where outliers should not dominate",)),
    _spec("MSELoss", "mse_loss", REGRESSION, "regression, mean squared error",
          "any real values", _PAIR, _ANY_SHAPE,
          situations=("regression",)),
    _spec("HuberLoss", "huber_loss", REGRESSION, "regression robust to outliers",
          "any real values", _PAIR, _ANY_SHAPE, ("delta",),
          situations=("regression with outliers",)),
    _spec("SmoothL1Loss", "smooth_l1_loss", REGRESSION,
          "regression robust to outliers (Huber divided by beta)",
          "any real values", _PAIR, _ANY_SHAPE, ("beta",),
          situations=("regression with outliers", "bounding-box regression")),
    _spec("GaussianNLLLoss", "gaussian_nll_loss", DISTRIBUTIONS,
          "regression that also predicts its own variance", "a predicted mean and variance",
          {"input": _V, "target": _V, "var": _V},
          {"same shape": ("N *", "N *", "N *"), "one variance per sample": ("N D", "N D", "N 1"),
           "variance without its last dimension": ("N D", "N D", "N"),
           "unbatched": ("D", "D", "D")},
          ("full", "eps"), situations=("regression with a predicted uncertainty",)),
    _spec("PoissonNLLLoss", "poisson_nll_loss", DISTRIBUTIONS, "regression of counts",
          "the log of the predicted rate (log_input=True)", _PAIR, _ANY_SHAPE,
          ("log_input", "full", "eps"), situations=("counts",)),
    _spec("KLDivLoss", "kl_div", DISTRIBUTIONS, "matching one distribution to another",
          "log-probabilities", {"input": _V, "target": _P}, _ANY_SHAPE, ("log_target",),
          reductions=("none", "batchmean", "mean", "sum"),
          situations=("matching a target distribution (distillation)",)),
    _spec("NLLLoss", "nll_loss", MULTI_CLASS, "multi-class classification",
          "log-probabilities", {"input": _V, "target": _CI}, _CLASS_LAYOUTS,
          ("weight", "ignore_index"),
          situations=("multi-class, when the model already outputs log-probabilities",)),
    _spec("CrossEntropyLoss", "cross_entropy", MULTI_CLASS, "multi-class classification",
          "raw logits", {"input": _V, "target": Role.CLASS_INDEX_OR_PROBABILITIES},
          {**_CLASS_LAYOUTS, "class probabilities": ("N C", "N C")},
          ("weight", "ignore_index", "label_smoothing"),
          layout_roles={"class probabilities": (_V, _P)},
          situations=("multi-class classification", "imbalanced classes",
                      "soft or smoothed labels", "segmentation")),
    _spec("MultiMarginLoss", "multi_margin_loss", MULTI_CLASS,
          "multi-class classification with a hinge (SVM-style) loss", "class scores",
          {"input": _V, "target": _CI}, {"batch": ("N C", "N"), "unbatched": ("C", "")},
          ("p", "margin", "weight"), situations=("multi-class with a margin (SVM-style)",)),
    _spec("BCELoss", "binary_cross_entropy", MULTI_LABEL,
          "binary and multi-label classification", "probabilities in [0, 1]",
          {"input": _V, "target": _P}, _ANY_SHAPE, ("weight",),
          situations=("binary, when the model already outputs probabilities",)),
    _spec("BCEWithLogitsLoss", "binary_cross_entropy_with_logits", MULTI_LABEL,
          "binary and multi-label classification", "raw logits",
          {"input": _V, "target": _P}, _ANY_SHAPE, ("weight", "pos_weight"),
          situations=("binary classification", "multi-label classification",
                      "imbalanced labels", "calibrated probabilities")),
    _spec("SoftMarginLoss", "soft_margin_loss", MULTI_LABEL,
          "binary classification with ±1 labels (logistic loss)", "raw scores",
          {"input": _V, "target": _SIGN}, _ANY_SHAPE,
          situations=("binary classification with ±1 labels",)),
    _spec("MultiLabelSoftMarginLoss", "multilabel_soft_margin_loss", MULTI_LABEL,
          "multi-label classification", "raw logits",
          {"input": _V, "target": Role.MULTI_HOT},
          {"batch": ("N C", "N C"), "unbatched": ("C", "C")}, ("weight",),
          situations=("multi-label classification",)),
    _spec("MultiLabelMarginLoss", "multilabel_margin_loss", MULTI_LABEL,
          "multi-label classification with a hinge loss", "class scores",
          {"input": _V, "target": Role.PADDED_CLASS_INDEX},
          {"batch": ("N C", "N C"), "unbatched": ("C", "C")},
          situations=("multi-label with a margin",)),
    _spec("MarginRankingLoss", "margin_ranking_loss", EMBEDDINGS,
          "ranking pairs of scores", "two scores to compare",
          {"input1": _V, "input2": _V, "target": _SIGN},
          {"batch": ("N", "N", "N"), "unbatched": ("", "", "")}, ("margin",),
          situations=("ranking pairs",)),
    _spec("HingeEmbeddingLoss", "hinge_embedding_loss", EMBEDDINGS,
          "similar or dissimilar pairs, from a distance", "a distance (non-negative)",
          {"input": _V, "target": _SIGN}, _ANY_SHAPE, ("margin",),
          situations=("similar and dissimilar pairs, given their distance",)),
    _spec("CosineEmbeddingLoss", "cosine_embedding_loss", EMBEDDINGS,
          "similar or dissimilar pairs, from two embeddings", "two embeddings",
          {"input1": _V, "input2": _V, "target": _SIGN},
          {"batch": ("N D", "N D", "N"), "unbatched": ("D", "D", "")}, ("margin",),
          situations=("similar and dissimilar pairs of embeddings",)),
    _spec("TripletMarginLoss", "triplet_margin_loss", EMBEDDINGS,
          "metric learning from triplets", "three embeddings", _TRIPLET,
          {"batch": ("N D", "N D", "N D"), "unbatched": ("D", "D", "D")},
          ("margin", "p", "eps", "swap"), situations=("metric learning",)),
    _spec("TripletMarginWithDistanceLoss", "triplet_margin_with_distance_loss", EMBEDDINGS,
          "metric learning from triplets, any distance", "three embeddings", _TRIPLET,
          {"batch": ("N D", "N D", "N D"), "unbatched": ("D", "D", "D")},
          ("distance_function", "margin", "swap"),
          situations=("metric learning with a distance of your own",)),
    _spec("CTCLoss", "ctc_loss", SEQUENCES, "sequences without a known alignment",
          "log-probabilities, time first",
          {"log_probs": _V, "targets": _CI, "input_lengths": Role.LENGTHS,
           "target_lengths": Role.LENGTHS},
          {"padded targets": ("T N C", "N S", "N", "N"),
           "concatenated targets": ("T N C", "S*N", "N", "N"),
           "unbatched": ("T C", "S", "", "")},
          ("blank", "zero_infinity"), situations=("sequences without an alignment",)),
)  # fmt: skip

_BY_NAME = {spec.name: spec for spec in LOSSES} | {spec.functional: spec for spec in LOSSES}


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
