"""How long lossguide.explain takes: the import, the first call, and a call once imported.

    python benchmarks/explain.py [--repeat 50]

The goal is under 50 ms a call once imported, on every kind of input readers give it: a bare
message, a whole traceback, a CUDA build's assertion lines, a long log, text that matches
nothing. Prints the median and the slowest of each, and the load average beside them, since
the machine may be busy with other work.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time

TRACEBACK_LINES = (
    '  File "/home/me/project/train.py", line 41, in <module>\n'
    "    loss = criterion(model(images), labels)\n"
)
CASES = {
    "a message": "RuntimeError: Target 12 is out of bounds.",
    "a traceback": "Traceback (most recent call last):\n"
    + TRACEBACK_LINES * 6
    + "RuntimeError: expected target dtype to be Long or Byte, but got Float",
    "CUDA assertions": "\n".join(
        f"../aten/src/ATen/native/cuda/Loss.cu:242: nll_loss_forward_reduce_cuda_kernel_2d: "
        f"block: [0,0,0], thread: [{thread},0,0] Assertion `t >= 0 && t < n_classes` failed."
        for thread in range(32)
    )
    + "\nRuntimeError: CUDA error: device-side assert triggered",
    "a 1 MB log": "epoch 3 step 120 loss 0.6931 lr 0.001\n" * 27_000
    + "RuntimeError: Target 7 is out of bounds.",
    "nothing matches": "ModuleNotFoundError: No module named 'numpy'",
}


def _import_seconds() -> float:
    """`import lossguide` and its error index in a fresh interpreter, as a reader pays it."""
    code = (
        "import time; start = time.perf_counter(); import lossguide; lossguide.explain('x'); "
        "print(time.perf_counter() - start)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    return float(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=50)
    arguments = parser.parse_args()

    print(f"load average {os.getloadavg()[0]:.2f}")
    print(f"import lossguide + first explain(): {_import_seconds() * 1000:.0f} ms (fresh process)")
    from lossguide import explain

    explain("warm up")
    width = max(map(len, CASES))
    for name, text in CASES.items():
        times = []
        for _ in range(arguments.repeat):
            start = time.perf_counter()
            found = explain(text)
            times.append(time.perf_counter() - start)
        best = found[0].link if found else "nothing"
        print(
            f"{name:<{width}}  median {statistics.median(times) * 1000:6.2f} ms   "
            f"slowest {max(times) * 1000:6.2f} ms   -> {best}   "
            f"(load {os.getloadavg()[0]:.2f})"
        )


if __name__ == "__main__":
    main()
