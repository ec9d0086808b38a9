"""One description of every loss in :mod:`torch.nn`, the source of the site's tables.

Each :class:`LossSpec` says what a loss is for, what it expects of each positional argument
and which keyword arguments change its result. The cheat sheet, the shape tables and
:func:`lossguide.as_tensors` all read this module, so a fact about a loss is written once.

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

__all__ = ["LOSSES", "Argument", "LossSpec", "Role", "lookup"]


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


#: The roles whose values are floats in the call's floating dtype.
FLOAT_ROLES = frozenset({Role.VALUES, Role.PROBABILITY, Role.SIGN, Role.MULTI_HOT})
#: The roles whose values are int64 tensors.
INDEX_ROLES = frozenset({Role.CLASS_INDEX, Role.PADDED_CLASS_INDEX, Role.LENGTHS})


@dataclass(frozen=True)
class Argument:
    """A positional argument of a loss's ``forward``: its name, role and documented shape."""

    name: str
    role: Role
    shape: str


@dataclass(frozen=True)
class LossSpec:
    """What a reader needs to know to call one loss correctly."""

    #: The class in :mod:`torch.nn`, e.g. ``"CrossEntropyLoss"``.
    name: str
    #: The function in :mod:`torch.nn.functional`, e.g. ``"cross_entropy"``.
    functional: str
    #: The group of losses it belongs to; each family has one page on the site.
    family: str
    #: The problem it solves, in a few words.
    task: str
    #: What its first argument must hold: logits, probabilities, log-probabilities, ...
    expects: str
    #: The positional arguments of ``forward``, in order.
    arguments: tuple[Argument, ...]
    #: The keyword arguments that change the result, besides ``reduction``.
    options: tuple[str, ...] = ()
    #: The reductions it accepts.
    reductions: tuple[str, ...] = ("none", "mean", "sum")

    @property
    def target(self) -> Argument | None:
        """The argument that holds the target, or ``None`` for the triplet losses."""
        for argument in self.arguments:
            if argument.name in ("target", "targets"):
                return argument
        return None


def _spec(
    name: str,
    functional: str,
    family: str,
    task: str,
    expects: str,
    arguments: list[tuple[str, Role, str]],
    options: tuple[str, ...] = (),
    reductions: tuple[str, ...] = ("none", "mean", "sum"),
) -> LossSpec:
    return LossSpec(
        name=name,
        functional=functional,
        family=family,
        task=task,
        expects=expects,
        arguments=tuple(Argument(*argument) for argument in arguments),
        options=options,
        reductions=reductions,
    )


_REGRESSION = "Regression"
_DISTRIBUTIONS = "Distributions and counts"
_MULTI_CLASS = "Multi-class classification"
_MULTI_LABEL = "Binary and multi-label classification"
_EMBEDDINGS = "Ranking and embeddings"
_SEQUENCES = "Sequences"

_V, _CI, _P = Role.VALUES, Role.CLASS_INDEX, Role.PROBABILITY

#: Every loss class in :mod:`torch.nn` that a reader would choose today, in the site's order.
#: (``NLLLoss2d`` is a deprecated alias of :class:`torch.nn.NLLLoss` and is left out.)
LOSSES: tuple[LossSpec, ...] = (
    _spec(
        "L1Loss",
        "l1_loss",
        _REGRESSION,
        "regression, mean absolute error",
        "any real values",
        [("input", _V, "(*)"), ("target", _V, "(*), same as input")],
    ),
    _spec(
        "MSELoss",
        "mse_loss",
        _REGRESSION,
        "regression, mean squared error",
        "any real values",
        [("input", _V, "(*)"), ("target", _V, "(*), same as input")],
    ),
    _spec(
        "HuberLoss",
        "huber_loss",
        _REGRESSION,
        "regression robust to outliers",
        "any real values",
        [("input", _V, "(*)"), ("target", _V, "(*), same as input")],
        ("delta",),
    ),
    _spec(
        "SmoothL1Loss",
        "smooth_l1_loss",
        _REGRESSION,
        "regression robust to outliers (Huber divided by beta)",
        "any real values",
        [("input", _V, "(*)"), ("target", _V, "(*), same as input")],
        ("beta",),
    ),
    _spec(
        "GaussianNLLLoss",
        "gaussian_nll_loss",
        _DISTRIBUTIONS,
        "regression that also predicts its own variance",
        "a predicted mean and variance",
        [
            ("input", _V, "(N, *) or (*)"),
            ("target", _V, "same as input"),
            ("var", _V, "same as input, or with one dimension of size 1 or missing"),
        ],
        ("full", "eps"),
    ),
    _spec(
        "PoissonNLLLoss",
        "poisson_nll_loss",
        _DISTRIBUTIONS,
        "regression of counts",
        "the log of the predicted rate (log_input=True)",
        [("input", _V, "(*)"), ("target", _V, "(*), same as input")],
        ("log_input", "full", "eps"),
    ),
    _spec(
        "KLDivLoss",
        "kl_div",
        _DISTRIBUTIONS,
        "matching one distribution to another",
        "log-probabilities",
        [("input", _V, "(*)"), ("target", _V, "(*), same as input")],
        ("log_target",),
        ("none", "batchmean", "mean", "sum"),
    ),
    _spec(
        "NLLLoss",
        "nll_loss",
        _MULTI_CLASS,
        "multi-class classification",
        "log-probabilities",
        [
            ("input", _V, "(N, C), (C) or (N, C, d1, ..., dK)"),
            ("target", _CI, "(N), () or (N, d1, ..., dK)"),
        ],
        ("weight", "ignore_index"),
    ),
    _spec(
        "CrossEntropyLoss",
        "cross_entropy",
        _MULTI_CLASS,
        "multi-class classification",
        "raw logits",
        [
            ("input", _V, "(N, C), (C) or (N, C, d1, ..., dK)"),
            (
                "target",
                Role.CLASS_INDEX_OR_PROBABILITIES,
                "(N), () or (N, d1, ..., dK); or the input's shape for probabilities",
            ),
        ],
        ("weight", "ignore_index", "label_smoothing"),
    ),
    _spec(
        "MultiMarginLoss",
        "multi_margin_loss",
        _MULTI_CLASS,
        "multi-class classification with a hinge (SVM-style) loss",
        "class scores",
        [("input", _V, "(N, C) or (C)"), ("target", _CI, "(N) or ()")],
        ("p", "margin", "weight"),
    ),
    _spec(
        "BCELoss",
        "binary_cross_entropy",
        _MULTI_LABEL,
        "binary and multi-label classification",
        "probabilities in [0, 1]",
        [("input", _V, "(*)"), ("target", _P, "(*), same as input")],
        ("weight",),
    ),
    _spec(
        "BCEWithLogitsLoss",
        "binary_cross_entropy_with_logits",
        _MULTI_LABEL,
        "binary and multi-label classification",
        "raw logits",
        [("input", _V, "(*)"), ("target", _P, "(*), same as input")],
        ("weight", "pos_weight"),
    ),
    _spec(
        "SoftMarginLoss",
        "soft_margin_loss",
        _MULTI_LABEL,
        "binary classification with ±1 labels (logistic loss)",
        "raw scores",
        [("input", _V, "(*)"), ("target", Role.SIGN, "(*), same as input")],
    ),
    _spec(
        "MultiLabelSoftMarginLoss",
        "multilabel_soft_margin_loss",
        _MULTI_LABEL,
        "multi-label classification",
        "raw logits",
        [("input", _V, "(N, C) or (C)"), ("target", Role.MULTI_HOT, "same as input")],
        ("weight",),
    ),
    _spec(
        "MultiLabelMarginLoss",
        "multilabel_margin_loss",
        _MULTI_LABEL,
        "multi-label classification with a hinge loss",
        "class scores",
        [("input", _V, "(N, C) or (C)"), ("target", Role.PADDED_CLASS_INDEX, "same as input")],
    ),
    _spec(
        "MarginRankingLoss",
        "margin_ranking_loss",
        _EMBEDDINGS,
        "ranking pairs of scores",
        "two scores to compare",
        [
            ("input1", _V, "(N) or ()"),
            ("input2", _V, "same as input1"),
            ("target", Role.SIGN, "same as input1"),
        ],
        ("margin",),
    ),
    _spec(
        "HingeEmbeddingLoss",
        "hinge_embedding_loss",
        _EMBEDDINGS,
        "similar or dissimilar pairs, from a distance",
        "a distance (non-negative)",
        [("input", _V, "(*)"), ("target", Role.SIGN, "(*), same as input")],
        ("margin",),
    ),
    _spec(
        "CosineEmbeddingLoss",
        "cosine_embedding_loss",
        _EMBEDDINGS,
        "similar or dissimilar pairs, from two embeddings",
        "two embeddings",
        [
            ("input1", _V, "(N, D) or (D)"),
            ("input2", _V, "same as input1"),
            ("target", Role.SIGN, "(N) or ()"),
        ],
        ("margin",),
    ),
    _spec(
        "TripletMarginLoss",
        "triplet_margin_loss",
        _EMBEDDINGS,
        "metric learning from triplets",
        "three embeddings",
        [
            ("anchor", _V, "(N, D) or (D)"),
            ("positive", _V, "same as anchor"),
            ("negative", _V, "same as anchor"),
        ],
        ("margin", "p", "eps", "swap"),
    ),
    _spec(
        "TripletMarginWithDistanceLoss",
        "triplet_margin_with_distance_loss",
        _EMBEDDINGS,
        "metric learning from triplets, any distance",
        "three embeddings",
        [
            ("anchor", _V, "(N, *) or (*)"),
            ("positive", _V, "same as anchor"),
            ("negative", _V, "same as anchor"),
        ],
        ("distance_function", "margin", "swap"),
    ),
    _spec(
        "CTCLoss",
        "ctc_loss",
        _SEQUENCES,
        "sequences without a known alignment",
        "log-probabilities, time first",
        [
            ("log_probs", _V, "(T, N, C) or (T, C)"),
            ("targets", _CI, "(N, S) padded, or the targets of the batch concatenated"),
            ("input_lengths", Role.LENGTHS, "(N) or ()"),
            ("target_lengths", Role.LENGTHS, "(N) or ()"),
        ],
        ("blank", "zero_infinity"),
    ),
)

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
