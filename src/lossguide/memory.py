"""Peak memory and time of one forward and backward pass of a loss over a large vocabulary,
each measured in a process of its own.

:func:`measure` forks the calling process, which has imported torch already, so that a
measurement costs what the loss costs and not a fresh interpreter's start. The child makes
the features, the output layer and the targets, resets its peak resident memory to what it
holds then, runs the loss forward and backward, and reports the rise of that peak (Linux's
``VmHWM``, reset by writing 5 to ``/proc/self/clear_refs``) above the memory after setup:
everything the pass allocated at its highest point, logits, softmax, gradients of the
features and of the weight included, and nothing that an earlier measurement allocated.
Before the first fork, every method runs once, tiny, in the calling process, so that no child
pays (or counts) what torch loads on first use. The page on large vocabularies draws these
figures at small sizes while the site is built;
``benchmarks/large_vocabulary.py`` runs the full sweep.

>>> measure("linear_cross_entropy", tokens=64, hidden=16, vocabulary=512).method
'linear_cross_entropy'
>>> measure("softmax", tokens=64, hidden=16, vocabulary=512)
Traceback (most recent call last):
...
ValueError: method must be one of 'cross_entropy', 'linear_cross_entropy', 'chunked 1024', 'chunked 256', 'adaptive softmax'; got 'softmax'
"""  # noqa: E501

from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass
from functools import cache
from typing import Any

import numpy as np

__all__ = ["METHODS", "Measurement", "adaptive_cutoffs", "measure", "zipf_targets"]

#: The ways to compute the loss that :func:`measure` knows: cross-entropy of the logits
#: ``x @ w.T`` held in memory; ``F.linear_cross_entropy`` without options (its reference
#: path); the same with ``LinearCrossEntropyOptions(batch_chunk_size=1024)`` and ``256``; and
#: an ``nn.AdaptiveLogSoftmaxWithLoss`` with :func:`adaptive_cutoffs`.
METHODS = ("cross_entropy", "linear_cross_entropy", "chunked 1024", "chunked 256",
           "adaptive softmax")  # fmt: skip

_PAGE = os.sysconf("SC_PAGE_SIZE")
_M_MMAP_THRESHOLD = -3  # glibc's malloc.h


@dataclass(frozen=True)
class Measurement:
    """One forward and backward pass, measured in a process of its own."""

    method: str
    tokens: int
    hidden: int
    vocabulary: int
    #: The rise of peak resident memory above the memory after setup, in MB (10**6 bytes).
    peak_mb: float
    #: The fastest of the passes, in seconds.
    seconds: float
    #: The loss the pass computed.
    loss: float


def adaptive_cutoffs(vocabulary: int) -> list[int]:
    """The cutoffs :func:`measure` gives the adaptive softmax: a head of the most frequent
    sixteenth of the classes, a first tail cluster up to a quarter, and the rest.

    >>> adaptive_cutoffs(32000)
    [2000, 8000]
    """
    return [vocabulary // 16, vocabulary // 4]


def zipf_targets(tokens: int, vocabulary: int, seed: int = 0) -> np.ndarray:
    """Class indices drawn as words are in text: class ``k`` (from 0, the most frequent) with
    probability proportional to ``1 / (k + 1)``.

    >>> targets = zipf_targets(1000, 100)
    >>> targets.dtype, int(targets.min()) >= 0, int(targets.max()) < 100
    (dtype('int64'), True, True)
    """
    rng = np.random.default_rng(seed)
    weights = 1.0 / np.arange(1, vocabulary + 1)
    return rng.choice(vocabulary, size=tokens, p=weights / weights.sum()).astype(np.int64)


def _check(name: str, value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be an int, not {type(value).__name__}")
    if value < 1:
        raise ValueError(f"{name} must be at least 1; got {value}")
    return value


def measure(
    method: str,
    *,
    tokens: int,
    hidden: int,
    vocabulary: int,
    repeats: int = 1,
    seed: int = 0,
) -> Measurement:
    """Fork, run ``method`` forward and backward ``repeats`` times in the child, and return
    the rise of its peak memory over the first pass and the fastest pass's time.

    Raises ``ValueError`` for an unknown method or sizes below 1, ``TypeError`` for sizes
    that are not ints, and ``RuntimeError`` with the child's error if the pass failed.
    """
    if method not in METHODS:
        known = ", ".join(repr(name) for name in METHODS)
        raise ValueError(f"method must be one of {known}; got {method!r}")
    sizes = {"tokens": tokens, "hidden": hidden, "vocabulary": vocabulary, "repeats": repeats}
    for name, value in sizes.items():
        _check(name, value)
    _warm_up()
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: measure, report on the pipe, and leave without cleaning up
        os.close(read_end)
        try:
            _own_pages_for_allocations()
            import torch

            # A thread pool the parent started does not survive a fork (GNU OpenMP waits
            # for its threads forever): one thread runs every operation inline.
            torch.set_num_threads(1)
            report: dict[str, object] = {
                "result": _pass(method, tokens, hidden, vocabulary, repeats, seed)
            }
        except BaseException as error:
            report = {"error": f"{type(error).__name__}: {error}"}
        os.write(write_end, json.dumps(report).encode())
        os._exit(0)
    os.close(write_end)
    with os.fdopen(read_end, "rb") as pipe:
        data = pipe.read()
    os.waitpid(pid, 0)
    received: dict[str, Any] = json.loads(data) if data else {"error": "the measuring process died"}
    if "error" in received:
        raise RuntimeError(f"measuring {method} failed: {received['error']}")
    peak_mb, seconds, loss = received["result"]
    return Measurement(method, tokens, hidden, vocabulary, peak_mb, seconds, loss)


@cache
def _warm_up() -> None:
    """Run every method once, tiny, in the calling process. The first chunked call in a
    process imports some 800 modules (sympy among them), for seconds and tens of MB: a cost a
    training process pays once, which forked children then share rather than repeat."""
    for method in METHODS:
        _pass(method, tokens=32, hidden=16, vocabulary=64, repeats=1, seed=0)


def _own_pages_for_allocations() -> None:
    """Give every allocation of a page or more pages of its own (glibc's mallopt with
    M_MMAP_THRESHOLD), so that the resident memory a pass adds does not depend on which freed
    chunks the parent's heap happened to hold when it forked: at 16,000 classes the adaptive
    softmax read 28 to 32 MB without this, and within 0.2 MB with it. Where the C library has
    no mallopt, nothing changes."""
    import ctypes

    mallopt = getattr(ctypes.CDLL(None), "mallopt", None)
    if mallopt is not None:
        mallopt(_M_MMAP_THRESHOLD, _PAGE)


def _peak_resident_bytes() -> int:
    with open("/proc/self/status", encoding="ascii") as status:
        line = next(line for line in status if line.startswith("VmHWM:"))
    return int(line.split()[1]) * 1024  # kB


def _resident_bytes() -> int:
    with open("/proc/self/statm", encoding="ascii") as statm:
        return int(statm.read().split()[1]) * _PAGE


def _pass(
    method: str, tokens: int, hidden: int, vocabulary: int, repeats: int, seed: int
) -> tuple[float, float, float]:
    import torch
    import torch.nn.functional as F
    from torch import nn

    torch.manual_seed(seed)
    features = torch.randn(tokens, hidden, requires_grad=True)
    target = torch.from_numpy(zipf_targets(tokens, vocabulary, seed))
    if method == "adaptive softmax":
        layer = nn.AdaptiveLogSoftmaxWithLoss(hidden, vocabulary, adaptive_cutoffs(vocabulary))
        trained = [features, *layer.parameters()]

        def loss() -> torch.Tensor:
            output: torch.Tensor = layer(features, target).loss
            return output

    else:
        weight = (torch.randn(vocabulary, hidden) / hidden**0.5).requires_grad_()
        trained = [features, weight]
        chunk = int(method.split()[1]) if method.startswith("chunked") else None
        options = None if chunk is None else nn.LinearCrossEntropyOptions(batch_chunk_size=chunk)

        def loss() -> torch.Tensor:
            if method == "cross_entropy":
                return F.cross_entropy(features @ weight.T, target)
            return F.linear_cross_entropy(features, weight, target, options=options)

    # One pass first, not measured: what a process allocates once, on first use, is no cost
    # of the method (in a fresh virtualenv every method read the same 14 MB more without it).
    loss().backward()
    for tensor in trained:
        tensor.grad = None
    # A forked process starts with its parent's peak, which a kernel that ran other cells may
    # hold far above this pass's.
    with open("/proc/self/clear_refs", "w", encoding="ascii") as clear_refs:
        clear_refs.write("5")
    setup = _resident_bytes()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        value = loss()
        value.backward()
        times.append(time.perf_counter() - start)
    peak = _peak_resident_bytes()
    return (peak - setup) / 1e6, min(times), value.item()
