"""Every loss in :mod:`torch.nn.functional`, in NumPy, written to read like its formula.

Each function has the name and the keyword arguments of its torch counterpart (bar the
deprecated ``size_average`` and ``reduce``), takes NumPy arrays or Python numbers and
sequences, and returns a float64 NumPy scalar, or an array with ``reduction="none"``. The tests
check every one against torch in float64. Importing this package does not import torch.

>>> import numpy as np
>>> from lossguide import reference
>>> print(f"{reference.cross_entropy(np.array([[2.0, 0.5, -1.0]]), [0]):.4f}")
0.2413
"""

from lossguide.reference.classification import (
    binary_cross_entropy,
    binary_cross_entropy_with_logits,
    cross_entropy,
    linear_cross_entropy,
    multi_margin_loss,
    multilabel_margin_loss,
    multilabel_soft_margin_loss,
    nll_loss,
    soft_margin_loss,
)
from lossguide.reference.distributions import gaussian_nll_loss, kl_div, poisson_nll_loss
from lossguide.reference.embedding import (
    cosine_embedding_loss,
    hinge_embedding_loss,
    margin_ranking_loss,
    pairwise_distance,
    triplet_margin_loss,
    triplet_margin_with_distance_loss,
)
from lossguide.reference.regression import huber_loss, l1_loss, mse_loss, smooth_l1_loss
from lossguide.reference.sequence import ctc_loss

__all__ = [
    "binary_cross_entropy",
    "binary_cross_entropy_with_logits",
    "cosine_embedding_loss",
    "cross_entropy",
    "ctc_loss",
    "gaussian_nll_loss",
    "hinge_embedding_loss",
    "huber_loss",
    "kl_div",
    "l1_loss",
    "linear_cross_entropy",
    "margin_ranking_loss",
    "mse_loss",
    "multi_margin_loss",
    "multilabel_margin_loss",
    "multilabel_soft_margin_loss",
    "nll_loss",
    "pairwise_distance",
    "poisson_nll_loss",
    "smooth_l1_loss",
    "soft_margin_loss",
    "triplet_margin_loss",
    "triplet_margin_with_distance_loss",
]
