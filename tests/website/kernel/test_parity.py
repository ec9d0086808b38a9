"""A warm kernel behaves exactly like a stock ipykernel.

docs/_ext/warmkernel/ forks every page's kernel from a process that imported torch, NumPy and
matplotlib before any kernel existed. That is only a speed-up if no page can tell: this module
runs one probe notebook as myst-nb runs a page (jupyter_cache's ``single_nb_execution``, in a
page's folder, with the build's environment) twice, in the same build environment:

- through the warm kernel machinery, started by ``warmkernel.setup`` as Sphinx starts it;
- through the python3 kernelspec ipykernel installs, with the warm kernelspec taken off
  JUPYTER_PATH and the rest of the environment the build's;

and requires every cell to give the same outputs, MIME bundle for MIME bundle, bytes for bytes.
The probe does what pages do (figures returned, shown, or left open; rich reprs; tensors;
``display``; warnings; an exception; stdout and stderr interleaved; logging) and prints what a
page can observe of its process (matplotlib's backend and rcParams, IPython's formatters and
event callbacks, ``sys.argv``, ``sys.path``, the working directory, the environment, warnings
filters, random state after seeding, ...).

Masked, because they differ between any two kernels, stock or warm: process ids, and the name
of the connection file jupyter_client makes up for each kernel.
"""

from __future__ import annotations

import base64
import difflib
import hashlib
import json
import os
import re
import sys
from pathlib import Path

import nbformat
import pytest
from jupyter_cache.executors.utils import single_nb_execution

import sitebuild

DOCS = sitebuild.DOCS
# Where the probe runs: a folder pages run in, so that it sees what they see there.
PAGE_FOLDER = DOCS / "losses"
TIMEOUT = 120  # seconds, docs/conf.py's nb_execution_timeout

# (name, source, tags): each cell is one thing a page can do or observe.
PROBE: list[tuple[str, str, list[str]]] = [
    (
        "imports, as a page starts",
        """\
import faulthandler
import gc
import json
import logging
import locale
import os
import random
import signal
import sys
import threading
import warnings

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import torch
from IPython.display import HTML, JSON, SVG, Latex, Markdown, Math, display

from lossguide.plots import loss_and_gradient
""",
        [],
    ),
    (
        "a returned figure: lossguide.plots.loss_and_gradient",
        """\
x = np.linspace(-2, 2, 41)
curves = {"squared": (x**2, 2 * x), "absolute": (np.abs(x), np.sign(x))}
loss_and_gradient(x, curves, xlabel="residual $x - y$", ylim=(0, 4))
""",
        [],
    ),
    (
        "plt.show()",
        """\
figure, (left, right) = plt.subplots(1, 2, figsize=(8, 3), layout="constrained")
left.plot(x, x**2, label="squared")
right.plot(x, 2 * x, label="squared")
left.set(title="loss", xlabel="residual")
left.legend()
plt.show()
""",
        [],
    ),
    (
        "an open figure, returned",
        """\
figure, axes = plt.subplots(figsize=(3, 2))
axes.plot([0, 1], [1, 0])
figure
""",
        [],
    ),
    (
        "two figures in a cell, left open",
        """\
for slope in (1, 2):
    plt.figure(figsize=(3, 2))
    plt.plot([0, 1], [0, slope])
""",
        [],
    ),
    (
        "a transparent figure",
        """\
figure = plt.figure(figsize=(2, 2), facecolor="none")
figure.add_subplot().plot([0, 1]);
""",
        [],
    ),
    (
        "rich reprs",
        """\
class Rich:
    def _repr_html_(self):
        return "<em>html</em>"

    def _repr_markdown_(self):
        return "*markdown*"

    def _repr_latex_(self):
        return r"$\\alpha$"

    def _repr_json_(self):
        return {"a": 1}

    def __repr__(self):
        return "Rich()"


display(HTML("<b>html</b>"), Markdown("**markdown**"), Math("x^2"), Latex("$y$"))
display(JSON({"b": [1, 2]}), SVG('<svg xmlns="http://www.w3.org/2000/svg" width="2" height="2"/>'))
Rich()
""",
        [],
    ),
    ("a tensor", "torch.manual_seed(0)\ntorch.randn(2, 3, requires_grad=True) * 2", []),
    ("an array", "np.random.default_rng(0).normal(size=(2, 3))", []),
    (
        "display() and update_display()",
        """\
handle = display(Markdown("first"), display_id="probe")
print("between", flush=True)
handle.update(Markdown("second"))
display({"text/plain": "raw", "text/html": "<i>raw</i>"}, raw=True, metadata={"a": 1})
""",
        [],
    ),
    (
        "warnings",
        """\
warnings.warn("a UserWarning from the page")
warnings.warn("a DeprecationWarning from the page", DeprecationWarning)
torch.nn.functional.mse_loss(torch.zeros(3), torch.zeros(3, 1))
""",
        [],
    ),
    ("an exception", "torch.zeros(2) @ torch.zeros(3)", ["raises-exception"]),
    (
        "stdout and stderr, interleaved",
        """\
print("out 1", flush=True)
print("err 1", file=sys.stderr, flush=True)
print("out 2", flush=True)
sys.stderr.write("err 2\\n")
sys.stderr.flush()
print("out 3")
""",
        [],
    ),
    (
        "logging, the last resort and torch's loggers",
        """\
logging.getLogger("probe").warning("a record with no handler")
logging.getLogger("torch.autograd").warning("a record for torch's handlers")
print("after the records", file=sys.stderr, flush=True)
""",
        [],
    ),
    (
        "matplotlib: backend, rcParams",
        """\
print(matplotlib.get_backend(), matplotlib.is_interactive(), matplotlib.matplotlib_fname())
print("open figures:", plt.get_fignums())
for key, value in sorted(matplotlib.rcParams.items()):
    print(key, repr(value))
""",
        [],
    ),
    (
        "IPython: formatters, event callbacks, hooks, configuration",
        """\
def name(thing):
    if hasattr(thing, "func"):  # functools.partial
        arguments = [*map(repr, thing.args), *(f"{k}={v!r}" for k, v in thing.keywords.items())]
        return f"{name(thing.func)}({', '.join(arguments)})"
    thing = getattr(thing, "__func__", thing)
    return f"{getattr(thing, '__module__', '?')}.{getattr(thing, '__qualname__', '?')}"


shell = get_ipython()
for mime, formatter in sorted(shell.display_formatter.formatters.items()):
    printers = {name(kind): name(printer) for kind, printer in formatter.type_printers.items()}
    deferred = {".".join(kind): name(f) for kind, f in formatter.deferred_printers.items()}
    print(mime, formatter.enabled, sorted(printers.items()), sorted(deferred.items()))
print("active types:", sorted(shell.display_formatter.active_types))
for event, callbacks in sorted(shell.events.callbacks.items()):
    print(event, [name(callback) for callback in callbacks])
print("hooks:", name(type(sys.displayhook)), name(sys.excepthook), name(type(sys.stdout)))
print("profile:", shell.profile, shell.profile_dir.location)
print("config:", json.dumps(shell.config, sort_keys=True, default=repr))
""",
        [],
    ),
    (
        "the process",
        """\
print("__name__:", __name__, sys.modules["__main__"] is get_ipython().user_module)
print("cwd:", os.getcwd())
print("executable:", sys.executable)
print("argv:", sys.argv)
print("orig_argv:", sys.orig_argv[1:])
print("path:", sys.path)
print("flags:", sys.flags)
print("hash:", hash("lossguide"))
for key, value in sorted(os.environ.items()):
    print("env:", key, value)
print("session leader:", os.getsid(0) == os.getpid(), os.getpgid(0) == os.getpid())
print("threads:", threading.active_count(), sorted(t.name for t in threading.enumerate()))
print("torch threads:", torch.get_num_threads(), torch.get_num_interop_threads())
print("print options:", np.get_printoptions(), torch._tensor_str.PRINT_OPTS.__dict__)
print("faulthandler:", faulthandler.is_enabled(), "gc:", gc.isenabled(), gc.get_threshold())
print("limits:", sys.getrecursionlimit(), sys.getswitchinterval())
print("locale:", locale.getlocale(), sys.getdefaultencoding(), sys.stdout.encoding)
handlers = [signal.SIGINT, signal.SIGTERM, signal.SIGCHLD, signal.SIGPIPE, signal.SIGHUP]
print("signals:", [(s.name, name(signal.getsignal(s))) for s in handlers])
umask = os.umask(0o022)
os.umask(umask)
print("umask:", oct(umask))
print("stdin:", type(sys.stdin).__name__, sys.stdin.isatty() if sys.stdin else None)
print("pid", os.getpid(), "ppid", os.getppid())
""",
        [],
    ),
    (
        "warnings filters",
        """\
for action, message, category, module, line in warnings.filters:
    message, module = (getattr(p, "pattern", p) for p in (message, module))
    print(action, repr(message), category.__name__, repr(module), line)
""",
        [],
    ),
    (
        "logging handlers",
        """\
for logger_name in ["", *sorted(logging.Logger.manager.loggerDict)]:
    logger = logging.getLogger(logger_name)
    for handler in getattr(logger, "handlers", []):
        stream = getattr(handler, "stream", None)
        where = {id(sys.stdout): "sys.stdout", id(sys.stderr): "sys.stderr",
                 id(sys.__stdout__): "sys.__stdout__", id(sys.__stderr__): "sys.__stderr__"}
        print(logger_name, type(handler).__name__, where.get(id(stream), type(stream).__name__))
""",
        [],
    ),
    (
        "random state after seeding",
        """\
random.seed(0)
np.random.seed(0)
torch.manual_seed(0)
print(random.random(), np.random.rand(), torch.rand(2), np.random.default_rng(0).random())
""",
        [],
    ),
    (
        "modules a page's output depends on",
        """\
# Loaded or not, what these modules register when imported decides what a page shows.
for module in ["matplotlib_inline.backend_inline", "matplotlib.pyplot", "IPython.core.pylabtools"]:
    print(module, module in sys.modules)
print("inline backend configured:", getattr(
    sys.modules.get("matplotlib_inline.backend_inline"), "configure_inline_support", None
) and getattr(sys.modules["matplotlib_inline.backend_inline"].configure_inline_support,
              "current_backend", None))
""",
        [],
    ),
]

MASKS = [
    # The connection file jupyter_client names for each kernel it starts.
    (re.compile(r"kernel-[0-9a-f-]{36}\.json"), "kernel-<id>.json"),
    (re.compile(r"/tmp/tmp\w+\.json"), "/tmp/<connection>.json"),
    # Process ids: in tracebacks (ipykernel names each cell's code /tmp/ipykernel_<pid>/...)
    # and where the probe prints them.
    (re.compile(r"ipykernel_\d+"), "ipykernel_<pid>"),
    (re.compile(r"pid \d+ ppid \d+"), "pid <pid> ppid <pid>"),
    # torch's log records start with their time and process id.
    (re.compile(r"^[DIWEC]\d{4} \d\d:\d\d:\d\d\.\d+ +\d+ ", re.MULTILINE), "<time> <pid> "),
]
# Unseeded, every kernel must start from a random state of its own, as a new process does.
UNSEEDED = """\
import random
import numpy as np
import torch
print(random.random(), np.random.random(), torch.rand(1).item(), torch.initial_seed())
"""

# In a folder with a matplotlibrc, which the warm process did not read.
STYLED = """\
import os
import matplotlib
print(matplotlib.rcParams["lines.linewidth"], os.getppid())
"""
STYLED_LINEWIDTH = 3.25


def build_extensions():
    """The extensions that make the build's kernels, as docs/conf.py loads them."""
    if str(DOCS / "_ext") not in sys.path:
        sys.path.insert(0, str(DOCS / "_ext"))
    import kernelconfig
    import warmkernel

    return [kernelconfig, warmkernel]


class SphinxApp:
    """What warmkernel.setup uses of Sphinx's application: its events and config values."""

    def __init__(self) -> None:
        self.listeners: dict[str, list] = {}

    def connect(self, event: str, callback) -> None:
        self.listeners.setdefault(event, []).append(callback)

    def add_config_value(self, *arguments) -> None:
        pass

    def emit(self, event: str, *arguments) -> None:
        for callback in self.listeners.get(event, []):
            callback(self, *arguments)


def notebook(sources: list[tuple[str, list[str]]]) -> nbformat.NotebookNode:
    kernelspec = {"name": "python3", "display_name": "Python 3", "language": "python"}
    cells = [nbformat.v4.new_code_cell(source, metadata={"tags": tags}) for source, tags in sources]
    return nbformat.v4.new_notebook(cells=cells, metadata={"kernelspec": kernelspec})


def execute(
    sources: list[tuple[str, list[str]]], folder: Path = PAGE_FOLDER
) -> nbformat.NotebookNode:
    """Run a notebook as myst-nb runs a page (myst_nb/core/execute/direct.py)."""
    result = single_nb_execution(
        notebook(sources), cwd=str(folder), timeout=TIMEOUT, allow_errors=False
    )
    assert result.err is None, result.exc_string
    return result.nb


def run_all() -> dict:
    """The probe, and the unseeded cell in two kernels, in the kernels python3 now names."""
    return {
        "probe": execute([(source, tags) for _, source, tags in PROBE]),
        "unseeded": [execute([(UNSEEDED, [])]) for _ in range(2)],
    }


def warm_process_pid(app: SphinxApp) -> int | None:
    for callback in app.listeners.get("build-finished", []):
        process = getattr(getattr(callback, "__self__", None), "process", None)
        if process is not None:
            return process.pid
    return None


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """Everything run in warm kernels, and again in stock ones."""
    styled = tmp_path_factory.mktemp("styled")
    (styled / "matplotlibrc").write_text(f"lines.linewidth: {STYLED_LINEWIDTH}\n")
    with pytest.MonkeyPatch.context() as environment:
        for key, value in sitebuild.ENVIRONMENT.items():
            environment.setenv(key, value)
        for key in sitebuild.NOT_PASSED_ON:
            environment.delenv(key, raising=False)
        environment.delenv("LOSSGUIDE_WARM_KERNELS", raising=False)  # no serve session's
        # Recorded, so that the context restores whatever the build setup changes.
        for key in ("JUPYTER_PATH", "IPYTHONDIR"):
            if key in os.environ:
                environment.setenv(key, os.environ[key])
            else:
                environment.delenv(key, raising=False)
        stock_jupyter_path = os.environ.get("JUPYTER_PATH")
        app = SphinxApp()
        for extension in build_extensions():
            extension.setup(app)
        try:
            warm = run_all()
            warm["warm process"] = warm_process_pid(app)
            warm["styled"] = execute([(STYLED, [])], styled)
            # The same build environment, but python3 is the kernel ipykernel installs.
            if stock_jupyter_path is None:
                environment.delenv("JUPYTER_PATH", raising=False)
            else:
                environment.setenv("JUPYTER_PATH", stock_jupyter_path)
            stock = run_all()
        finally:
            app.emit("build-finished", None)
    return {"stock": stock, "warm": warm}


def masked(text: str) -> str:
    for pattern, replacement in MASKS:
        text = pattern.sub(replacement, text)
    return text


def shown(output: nbformat.NotebookNode) -> dict:
    """An output as comparable, readable data: text masked, binary data as size and digest."""
    output = json.loads(json.dumps(output))
    for key in ("text", "evalue"):
        if key in output:
            output[key] = masked(output[key])
    if "traceback" in output:
        output["traceback"] = [masked(line) for line in output["traceback"]]
    if "text" in output:  # line by line, so that a difference shows as the lines that differ
        output["text"] = output["text"].splitlines(keepends=True)
    for mime, value in output.get("data", {}).items():
        if mime.startswith("image/") and mime != "image/svg+xml":
            data = base64.b64decode(value)
            digest = hashlib.sha256(data).hexdigest()[:16]
            output["data"][mime] = f"<{len(data)} bytes, sha256 {digest}...>"
        else:
            output["data"][mime] = json.loads(masked(json.dumps(value)))
    return output


def joined(outputs: list[dict]) -> list[dict]:
    """Outputs with each run of pieces of one stream joined: how a kernel cuts what a cell
    prints into messages depends on when it flushes, in any kernel."""
    result: list[dict] = []
    for output in outputs:
        previous = result[-1] if result else {}
        if output["output_type"] == "stream" and previous.get("name", "") == output["name"]:
            previous["text"] += output["text"]
        else:
            result.append(dict(output))
    return result


def cell_outputs(notebook: nbformat.NotebookNode, index: int) -> list[dict]:
    cell = notebook.cells[index]
    outputs = joined([json.loads(json.dumps(output)) for output in cell.outputs])
    return [{"execution_count": cell.execution_count}, *map(shown, outputs)]


def test_the_warm_run_ran_in_a_warm_kernel_and_the_stock_run_did_not(runs):
    warm_process = runs["warm"]["warm process"]
    assert warm_process is not None, "warmkernel.setup started no warm process"
    index = [name for name, _, _ in PROBE].index("the process")
    parents = {}
    for kind in ("stock", "warm"):
        outputs = runs[kind]["probe"].cells[index].outputs
        text = "".join(output.get("text", "") for output in outputs)
        parents[kind] = int(re.search(r"ppid (\d+)", text).group(1))
    assert parents["warm"] == warm_process
    assert parents["stock"] != warm_process


def test_the_stock_kernel_shows_figures(runs):
    # Else the figure cells compare nothing: the probe itself would be broken.
    for index, (name, _, _) in enumerate(PROBE):
        if "figure" in name or "plt.show" in name:
            outputs = runs["stock"]["probe"].cells[index].outputs
            mimes = {mime for output in outputs for mime in output.get("data", {})}
            assert any(mime.startswith("image/") for mime in mimes), name


@pytest.mark.parametrize("index", range(len(PROBE)), ids=[name for name, _, _ in PROBE])
def test_a_warm_kernel_gives_a_stock_kernels_outputs(runs, index):
    stock, warm = (cell_outputs(runs[kind]["probe"], index) for kind in ("stock", "warm"))
    if stock != warm:
        lines = [json.dumps(run, indent=1, sort_keys=True).splitlines() for run in (stock, warm)]
        diff = difflib.unified_diff(*lines, "stock kernel", "warm kernel", lineterm="", n=2)
        pytest.fail(f"{PROBE[index][0]}: the outputs differ\n" + "\n".join(diff), pytrace=False)


@pytest.mark.parametrize("kind", ["stock", "warm"])
def test_each_kernel_starts_from_random_states_of_its_own(runs, kind):
    # Python's random, NumPy's global generator and torch's: a fork shares its parent's.
    first, second = ("".join(nb.cells[0].outputs[0].text) for nb in runs[kind]["unseeded"])
    for name, a, b in zip(
        ["random", "numpy", "torch", "torch seed"], *map(str.split, (first, second)), strict=True
    ):
        assert a != b, f"two {kind} kernels start {name} alike: {a}"


def test_a_folder_with_a_matplotlibrc_gets_a_stock_kernel(runs):
    # A stock kernel's matplotlib reads ./matplotlibrc as it is imported; the warm process
    # imported matplotlib elsewhere, so its kernel would not.
    linewidth, parent = runs["warm"]["styled"].cells[0].outputs[0].text.split()
    assert float(linewidth) == STYLED_LINEWIDTH
    assert int(parent) != runs["warm"]["warm process"]
