"""Starting and stopping the warm process: the one way, used by the build (this package's
Sphinx extension), by `nox -s serve` for its session and by the benchmarks (both through
tools/sitebuild.py).
"""

from __future__ import annotations

import contextlib
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Mapping
from pathlib import Path

from warmkernel.protocol import FAILED, SOCKET

PACKAGE = Path(__file__).parent


def command(*arguments: str) -> list[str]:
    """Run this package's __main__.py: `python docs/_ext/warmkernel ARGUMENTS`."""
    return [sys.executable, str(PACKAGE), *arguments]


class WarmProcess:
    """A warm process serving kernels from ``folder``. It does its imports as soon as it starts,
    beside whatever the caller does next, and ends when stopped or when the caller exits (its
    stdin is a pipe from the caller)."""

    def __init__(self, folder: Path, env: Mapping[str, str] | None = None) -> None:
        self.folder = folder
        self._process: subprocess.Popen | None = subprocess.Popen(
            command("serve", str(folder)), stdin=subprocess.PIPE, env=env
        )

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process else None

    def wait_until_ready(self, timeout: float = 120) -> None:
        """Return once the imports are done and the process takes requests."""
        deadline = time.monotonic() + timeout
        while not (self.folder / SOCKET).exists():
            if (self.folder / FAILED).exists():
                raise RuntimeError(f"the warm process failed: {(self.folder / FAILED).read_text()}")
            if self._process is None or self._process.poll() is not None:
                raise RuntimeError("the warm process exited before it was ready")
            if time.monotonic() > deadline:
                raise TimeoutError(f"the warm process was not ready after {timeout} s")
            time.sleep(0.05)

    def stop(self) -> None:
        if self._process is not None:
            # Not a close of stdin: that is read only once the imports are done.
            self._process.terminate()
            self._process.wait()
            self._process.stdin.close()
            self._process = None


@contextlib.contextmanager
def running(env: Mapping[str, str] | None = None) -> Iterator[Path]:
    """A ready warm process for the duration of the block; yields the folder that
    LOSSGUIDE_WARM_KERNELS names to the builds that should use it."""
    folder = Path(tempfile.mkdtemp(prefix="lossguide-warm-"))
    warm = WarmProcess(folder, env)
    try:
        warm.wait_until_ready()
        yield folder
    finally:
        warm.stop()
        shutil.rmtree(folder, ignore_errors=True)
