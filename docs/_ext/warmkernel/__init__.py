"""Start each page's kernel warm: forked from a process that has already imported torch.

Executing a page used to cost, before its first cell ran, a kernel start (0.7 s) and
`import torch` (2 s or more), one page after another: most of a clean build. Instead, as
Sphinx starts, this starts one warm process that imports ipykernel, torch, NumPy and
matplotlib and waits (it is stopped at once if the build has no page to read). Every python3
kernel that myst-nb asks for is forked from it: a new process, with nothing of any other page
in it, that starts where those imports end.

How: a kernelspec named python3, in a temporary folder put first on JUPYTER_PATH for the
build, shadows the installed one, so the executed notebooks still name the usual kernel. Its
command runs launcher.py, which jupyter_client starts and manages like any kernel process.
The launcher hands the warm process its connection file, working directory, environment and
standard streams over a Unix socket; the warm process forks, and the child runs ipykernel
with them. Child and launcher keep that socket open between them: each exits when
the other does, and the launcher passes signals on, so timeouts, interrupts and shutdowns
work as with any kernel.

A page cannot tell a warm kernel from a stock one: tests/website/kernel/test_parity.py runs a
probe notebook through both and requires the same outputs. What that takes:

- The warm process imports only modules that do the same whenever they are imported, so not
  matplotlib.pyplot or matplotlib-inline's backend: importing the backend registers its figure
  formatters and its post_execute hook with the running IPython shell, and before a kernel
  exists there is none. With it imported warm, no page showed a figure, only
  `<Figure size 800x300 with 2 Axes>`. A page's `import matplotlib.pyplot` imports both in
  the kernel, as in a stock one. (matplotlib-inline 0.2, backend_inline.py:236, registers
  them at import; the open https://github.com/ipython/ipython/issues/12190 is about the same
  import-time registration.)
- The child becomes the process `python -m ipykernel_launcher` would be: a session of its
  own, its argv and sys.path, the launcher's environment (without this file's JUPYTER_PATH
  entry) plus what the warm imports set in it, random generators seeded afresh, and then what
  ipykernel_launcher.py does.
- What torch, NumPy and matplotlib do as they are imported is left as if the page had
  imported them first thing in the kernel: their log handlers write to the kernel's stderr,
  not the warm process's, and their warnings filters come before the kernel's.
- A page whose folder holds a matplotlibrc, which a stock kernel's matplotlib would read,
  gets a stock kernel.

A page that changes the environment, the warnings filters or sys.stderr before importing
torch would still see a difference: pages import first.

The warm process lives as long as the build, or, for `nox -s serve`, as long as the session
(LOSSGUIDE_WARM_KERNELS names its folder). It does not import lossguide: pages always run
against the sources being built. A page that must check what a bare interpreter imports
does so in a subprocess of its own (see numpy-reference.md).

LOSSGUIDE_STOCK_KERNELS=1 in the environment of sphinx-build turns all this off: every page
then runs in the python3 kernel ipykernel installs (benchmarks/build.py compares the two).

The package: process.py starts and stops the warm process (the one way to start it),
server.py is what runs in it, launcher.py is the kernel process jupyter_client starts,
protocol.py what the two say to each other; this module is the Sphinx extension.

Why a kernelspec on JUPYTER_PATH: myst-nb 1.4 runs each notebook through nbclient without a
kernel manager of its own (direct.py calls jupyter_cache's single_nb_execution with none), so
the kernel is found by its kernelspec name. Passing a kernel manager class arrives with
https://github.com/executablebooks/MyST-NB/pull/721 (merged, not yet released); with it, a
kernel manager could ask the warm process for kernels and the shadowing could go. jupyter_client's
kernel provisioners do not help before that: jupyter_client 8.10 finds them only through an
installed distribution's entry point (group `jupyter_client.kernel_provisioners`), named in
a kernelspec's metadata or, for every kernelspec without one, by
JUPYTER_DEFAULT_PROVISIONER_NAME; that would put a build tool's entry point into lossguide's
wheel, and would replace only the launcher process.
"""

from __future__ import annotations

import atexit
import json
import os
import shutil
import tempfile
from pathlib import Path

from warmkernel.process import WarmProcess, command

# The folder of a warm process that outlives one build: nox -s serve keeps one for its session.
SHARED = "LOSSGUIDE_WARM_KERNELS"
STOCK = "LOSSGUIDE_STOCK_KERNELS"


class WarmKernels:
    """The warm process of one build, or of a session of builds that passed its folder in."""

    def __init__(self) -> None:
        self.spec_folder = Path(tempfile.mkdtemp(prefix="lossguide-kernels-"))
        self.process: WarmProcess | None = None
        self.jupyter_path = os.environ.get("JUPYTER_PATH")
        if SHARED in os.environ:
            warm_folder = Path(os.environ[SHARED])
        else:
            warm_folder = self.spec_folder
            self.process = WarmProcess(warm_folder)
        spec = self.spec_folder / "kernels" / "python3" / "kernel.json"
        spec.parent.mkdir(parents=True)
        argv = command("launch", str(warm_folder), str(self.spec_folder))
        spec.write_text(
            json.dumps(
                {
                    "argv": [*argv, "-f", "{connection_file}"],
                    "display_name": "Python 3 (ipykernel)",
                    "language": "python",
                    "metadata": {"debugger": True},
                }
            )
        )
        # Set before Sphinx forks its parallel readers, which inherit it.
        os.environ["JUPYTER_PATH"] = os.pathsep.join(
            filter(None, [str(self.spec_folder), self.jupyter_path])
        )

    def stop_if_unused(self, app, env, docnames: list[str]) -> None:
        if not docnames or app.config.nb_execution_mode == "off":
            self.stop()

    def stop(self, app=None, exception=None) -> None:
        if self.process is not None:
            self.process.stop()
            self.process = None
        if self.spec_folder.exists():
            shutil.rmtree(self.spec_folder, ignore_errors=True)
            if self.jupyter_path is None:
                os.environ.pop("JUPYTER_PATH", None)
            else:
                os.environ["JUPYTER_PATH"] = self.jupyter_path


def setup(app) -> dict[str, object]:
    metadata = {"parallel_read_safe": True, "parallel_write_safe": True}
    if os.environ.get(STOCK, "0") != "0":
        return metadata
    # Started now, so that its imports run beside Sphinx's own start rather than after it;
    # stopped as soon as the build turns out to have no page to read.
    kernels = WarmKernels()
    app.connect("env-before-read-docs", kernels.stop_if_unused)
    app.connect("build-finished", kernels.stop)
    atexit.register(kernels.stop)
    return metadata
