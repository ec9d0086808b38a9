"""How fast lossguide.reference is, against torch.nn.functional on the same inputs.

    python benchmarks/reference.py [--repeat 5]

For each reference loss, times it and its torch twin on one realistic input (about a million
elements for the elementwise losses, (4096, 1000) logits for the classification losses), in
float64 on both sides and with torch on one thread, so that both do the same arithmetic on
the same core. Prints the best of ``--repeat`` calls of each and the ratio.
"""

from __future__ import annotations

import argparse
import timeit
from collections.abc import Callable
from functools import partial
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F

from lossguide import reference

N, C = 4096, 1000
ELEMENTS = (1000, 1000)
INDEX_ARGUMENTS = {"target", "targets", "input_lengths", "target_lengths"}


def _cases() -> list[tuple[str, str, tuple[Any, ...], dict[str, Any]]]:
    """``(loss, size, args, kwargs)`` for each loss; integer arrays are class indices."""
    rng = np.random.default_rng(0)
    values, other = rng.normal(size=ELEMENTS), rng.normal(size=ELEMENTS)
    probabilities = rng.uniform(0.01, 0.99, size=ELEMENTS)
    signs = rng.choice([-1.0, 1.0], size=ELEMENTS)
    logits = rng.normal(scale=3, size=(N, C))
    labels = rng.integers(0, C, size=N)
    log_probs = logits - np.log(np.exp(logits).sum(axis=1, keepdims=True))
    multi_hot = rng.integers(0, 2, size=(N, C)).astype(np.float64)
    embeddings = [rng.normal(size=(N, 256)) for _ in range(3)]
    margin_scores = rng.normal(size=(512, 100))
    margin_targets = np.where(
        rng.uniform(size=(512, 100)) < 0.05, -1, rng.integers(0, 100, (512, 100))
    )
    steps, batch, classes, length = 200, 64, 40, 50
    ctc_scores = rng.normal(size=(steps, batch, classes))
    ctc = (
        ctc_scores - np.log(np.exp(ctc_scores).sum(axis=-1, keepdims=True)),
        rng.integers(1, classes, size=(batch, length)),
        np.full(batch, steps),
        rng.integers(length // 2, length + 1, size=batch),
    )
    elementwise = "1000 x 1000"
    return [
        ("l1_loss", elementwise, (values, other), {}),
        ("mse_loss", elementwise, (values, other), {}),
        ("huber_loss", elementwise, (values, other), {}),
        ("smooth_l1_loss", elementwise, (values, other), {}),
        ("binary_cross_entropy", elementwise, (probabilities, probabilities[::-1]), {}),
        ("binary_cross_entropy_with_logits", elementwise, (values, probabilities), {}),
        (
            "kl_div",
            elementwise,
            (np.log(probabilities), probabilities[::-1]),
            {"reduction": "batchmean"},
        ),
        ("poisson_nll_loss", elementwise, (values, np.round(probabilities * 10)), {"full": True}),
        ("gaussian_nll_loss", elementwise, (values, other, probabilities), {}),
        ("soft_margin_loss", elementwise, (values, signs), {}),
        ("margin_ranking_loss", elementwise, (values, other, signs), {}),
        ("hinge_embedding_loss", elementwise, (np.abs(values), signs), {}),
        ("cross_entropy", f"{N} x {C}", (logits, labels), {}),
        ("cross_entropy", f"{N} x {C}, smoothed", (logits, labels), {"label_smoothing": 0.1}),
        ("nll_loss", f"{N} x {C}", (log_probs, labels), {}),
        ("multilabel_soft_margin_loss", f"{N} x {C}", (logits, multi_hot), {}),
        ("multi_margin_loss", f"{N} x {C}", (logits, labels), {}),
        ("multilabel_margin_loss", "512 x 100", (margin_scores, margin_targets), {}),
        ("cosine_embedding_loss", f"{N} x 256", (*embeddings[:2], signs.ravel()[:N]), {}),
        ("triplet_margin_loss", f"{N} x 256", tuple(embeddings), {}),
        ("triplet_margin_with_distance_loss", f"{N} x 256", tuple(embeddings), {}),
        ("ctc_loss", f"T={steps} N={batch} C={classes} S={length}", ctc, {}),
    ]


def _tensor(value: Any) -> Any:
    if not isinstance(value, np.ndarray):
        return value
    return torch.from_numpy(value.astype(np.int64 if value.dtype.kind == "i" else np.float64))


def _best_seconds(function: Callable[[], object], repeat: int) -> float:
    function()  # warm up: the first call allocates and caches
    return min(timeit.repeat(function, number=1, repeat=repeat))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="timed calls of each (best of)")
    options = parser.parse_args()
    if options.repeat < 1:
        parser.error("--repeat must be at least 1")
    torch.set_num_threads(1)

    print(
        f"torch {torch.__version__} on 1 thread (torch.set_num_threads(1)), NumPy "
        f"{np.__version__}; float64 on both sides; best of {options.repeat} calls"
    )
    print(f"{'loss':34} {'size':26} {'NumPy':>10} {'torch':>10} {'ratio':>7}")
    for name, size, args, kwargs in _cases():
        ours = getattr(reference, name)
        theirs = getattr(F, name)
        tensors = tuple(_tensor(arg) for arg in args)
        with torch.no_grad():
            torch_seconds = _best_seconds(partial(theirs, *tensors, **kwargs), options.repeat)
        numpy_seconds = _best_seconds(partial(ours, *args, **kwargs), options.repeat)
        print(
            f"{name:34} {size:26} {numpy_seconds * 1e3:8.2f}ms {torch_seconds * 1e3:8.2f}ms "
            f"{numpy_seconds / torch_seconds:6.2f}x"
        )


if __name__ == "__main__":
    main()
