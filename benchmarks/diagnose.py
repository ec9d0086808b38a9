"""How long lossguide.diagnose takes, against the loss call it checks.

    python benchmarks/diagnose.py [--repeat 20] [--threads 1]

For each loss, times the forward call and diagnose() on the same correct arguments (the
common case when checks are left on) and prints the median of each and their ratio. The goal
is a ratio of at most 1: checking costs no more than the call.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable

import torch
from torch import nn

from lossguide.diagnosis import diagnose

N, C = 4096, 1000


def _cases() -> dict[str, tuple[nn.Module, tuple[torch.Tensor, ...]]]:
    torch.manual_seed(0)
    logits = torch.randn(N, C) * 3
    labels = torch.randint(0, C, (N,))
    steps, batch, classes, length = 200, 64, 40, 50
    return {
        f"CrossEntropyLoss ({N}, {C})": (nn.CrossEntropyLoss(), (logits, labels)),
        f"NLLLoss ({N}, {C})": (nn.NLLLoss(), (logits.log_softmax(1), labels)),
        f"BCEWithLogitsLoss ({N}, {C})": (
            nn.BCEWithLogitsLoss(),
            (logits, torch.randint(0, 2, (N, C)).float()),
        ),
        f"MSELoss ({N}, {C})": (nn.MSELoss(), (logits, torch.randn(N, C))),
        f"CTCLoss T={steps} N={batch} C={classes} S={length}": (
            nn.CTCLoss(),
            (
                torch.randn(steps, batch, classes).log_softmax(-1),
                torch.randint(1, classes, (batch, length)),
                torch.full((batch,), steps),
                torch.randint(length // 2, length + 1, (batch,)),
            ),
        ),
    }


def _median_seconds(function: Callable[[], object], repeat: int) -> float:
    function()  # warm up: first calls allocate and cache
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20, help="timed calls of each (median)")
    parser.add_argument("--threads", type=int, help="torch threads (default: torch's choice)")
    options = parser.parse_args()
    if options.repeat < 1:
        parser.error("--repeat must be at least 1")
    if options.threads is not None:
        if options.threads < 1:
            parser.error("--threads must be at least 1")
        torch.set_num_threads(options.threads)

    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads, median of "
          f"{options.repeat} calls")  # fmt: skip
    print(f"{'loss':48} {'loss call':>11} {'diagnose':>11} {'ratio':>7}")
    for name, (loss, args) in _cases().items():
        findings = diagnose(loss, *args)
        if findings:
            raise SystemExit(f"{name}: the benchmark's call should be correct, got {findings}")
        with torch.no_grad():
            call = _median_seconds(lambda loss=loss, args=args: loss(*args), options.repeat)
        check = _median_seconds(lambda loss=loss, args=args: diagnose(loss, *args), options.repeat)
        print(f"{name:48} {call * 1e3:9.3f}ms {check * 1e3:9.3f}ms {check / call:6.2f}x")


if __name__ == "__main__":
    main()
