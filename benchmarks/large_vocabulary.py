"""Peak memory and time of the large-vocabulary losses, forward and backward, 8k to 128k
classes.

    python benchmarks/large_vocabulary.py [--tokens 2048] [--hidden 256] [--repeats 3]

For each vocabulary size and each of :data:`lossguide.memory.METHODS` (cross-entropy of
logits held in memory, ``F.linear_cross_entropy`` without options and chunked by 1024 and by
256 rows, and an adaptive softmax), :func:`lossguide.memory.measure` forks a process that
makes the features, the weight and Zipf-distributed targets, and reports the rise of its
peak resident memory (``VmHWM``, reset after that setup) above its memory after setup, and
the fastest of ``--repeats`` passes. torch runs on one thread. Prints a Markdown table, the
machine's core count and the load average before and after.
"""

from __future__ import annotations

import argparse
import os

import torch

from lossguide.memory import METHODS, measure

VOCABULARIES = (8_000, 16_000, 32_000, 64_000, 128_000)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tokens", type=int, default=2048)
    parser.add_argument("--hidden", type=int, default=256)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    torch.set_num_threads(1)
    print(f"torch {torch.__version__}, 1 thread, {os.cpu_count()} cores; "
          f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")  # fmt: skip
    print(f"{args.tokens} tokens, hidden size {args.hidden}, forward and backward, "
          f"best of {args.repeats}; MB = 10**6 bytes above the memory after setup\n")  # fmt: skip
    print("| vocabulary | " + " | ".join(METHODS) + " |")
    print("| --- |" + " --- |" * len(METHODS))
    for vocabulary in VOCABULARIES:
        cells = []
        for method in METHODS:
            result = measure(method, tokens=args.tokens, hidden=args.hidden,
                             vocabulary=vocabulary, repeats=args.repeats)  # fmt: skip
            cells.append(f"{result.peak_mb:,.0f} MB, {result.seconds:.2f} s")
        print(f"| {vocabulary:,} | " + " | ".join(cells) + " |", flush=True)
    print(f"\nload average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
