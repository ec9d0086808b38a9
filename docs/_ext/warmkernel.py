"""Start each page's kernel warm: forked from a process that has already imported torch.

Executing a page used to cost, before its first cell ran, a kernel start (0.7 s) and
`import torch` (2 s or more), one page after another: most of a clean build. Instead, as
Sphinx starts, this starts one warm process that imports ipykernel, torch, NumPy and
matplotlib and waits (it is stopped at once if the build has no page to read). Every python3
kernel that myst-nb asks for is forked from it: a new process, with nothing of any other page
in it, that starts where those imports end.

How: a kernelspec named python3, in a temporary folder put first on JUPYTER_PATH for the
build, shadows the installed one, so the executed notebooks still name the usual kernel. Its
command runs this file as a launcher, which jupyter_client starts and manages like any kernel
process. The launcher hands the warm process its connection file, working directory,
environment and standard streams over a Unix socket; the warm process forks, and the child runs
ipykernel with them. Child and launcher keep that socket open between them: each exits when
the other does, and the launcher passes signals on, so timeouts, interrupts and shutdowns
work as with any kernel.

A page cannot tell a warm kernel from a stock one: tests/website/kernel/test_parity.py runs a probe
notebook through both and requires the same outputs. What that takes:

- The warm process imports only modules that do the same whenever they are imported, so not
  matplotlib.pyplot or matplotlib-inline's backend: importing the backend registers its figure
  formatters and its post_execute hook with the running IPython shell, and before a kernel
  exists there is none. With it imported warm, no page showed a figure, only
  `<Figure size 800x300 with 2 Axes>`. A page's `import matplotlib.pyplot` imports both in
  the kernel, as in a stock one.
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

Warm or stock, every kernel reads docs/_ipython/ipython_kernel_config.py as it starts (how
figures are shown): this copies it into the default profile of a temporary IPYTHONDIR, where
the kernels may also write what IPython keeps there, outside the sources.
"""

from __future__ import annotations

import _thread
import atexit
import hashlib
import importlib
import importlib.util
import json
import logging
import os
import re
import select
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

# What a kernel imports as it starts. Not its debugger (ipykernel.debugger), although it takes
# 0.2 s: importing debugpy makes a threading.Thread, which would take the name the kernel's
# parent poller gets in a stock kernel.
KERNEL_IMPORTS = ("ipykernel.kernelapp", "ipykernel.ipkernel")
# What pages import first, as far as their import does the same in any process (see above).
PAGE_IMPORTS = (
    "numpy",
    "torch",
    "matplotlib",
    "matplotlib.figure",
    "matplotlib.backends.backend_agg",
)
MPLBACKEND = "module://matplotlib_inline.backend_inline"  # what ipykernel sets, before any page
SOCKET, FAILED = "warm.sock", "failed"
# The folder of a warm process that outlives one build: nox -s serve keeps one for its session.
SHARED = "LOSSGUIDE_WARM_KERNELS"
STOCK = "LOSSGUIDE_STOCK_KERNELS"
KERNEL_CONFIG = Path(__file__).parents[1] / "_ipython" / "ipython_kernel_config.py"
CONNECT_TIMEOUT = 120  # seconds: the warm imports run beside a busy build
_HEADER = struct.Struct("!I")
# What the child tells its launcher: its pid, or that it cannot be the kernel asked for.
_REFUSED = b"stock\n"


# The warm process.


class WarmState:
    """What the warm imports did that a kernel importing them itself would have done later."""

    def __init__(self) -> None:
        environment = dict(os.environ)
        for module in KERNEL_IMPORTS:
            importlib.import_module(module)
        filters = list(warnings.filters)
        handlers = {id(handler) for handler in _log_handlers()}
        shown: list[str] = []
        show = warnings.showwarning
        warnings.showwarning = lambda message, category, *_, **__: shown.append(
            f"{category.__name__}: {message}"
        )
        try:
            for module in PAGE_IMPORTS:
                importlib.import_module(module)
        finally:
            warnings.showwarning = show
        if shown:
            # A stock kernel would show it on every page, and the build would fail there.
            raise RuntimeError(f"importing {', '.join(PAGE_IMPORTS)} warned: {shown}")
        self.set_environment = {
            key: value for key, value in os.environ.items() if environment.get(key) != value
        }
        self.unset_environment = [key for key in environment if key not in os.environ]
        # Newest first, as warnings.filters holds them.
        self.filters = [item for item in warnings.filters if item not in filters]
        for item in self.filters:
            if _refiltered(*item) != item:
                raise RuntimeError(f"cannot add the warnings filter {item} again")
        streams = {id(sys.stdout): "stdout", id(sys.stderr): "stderr"}
        self.handlers = [
            (handler, streams[id(handler.stream)])
            for handler in _log_handlers()
            if id(handler) not in handlers and id(getattr(handler, "stream", None)) in streams
        ]
        import matplotlib

        self.matplotlibrc = os.path.abspath(matplotlib.matplotlib_fname())

    def serves(self) -> bool:
        """Whether the imports would have done the same in this process, as it is now."""
        import matplotlib

        return os.path.abspath(matplotlib.matplotlib_fname()) == self.matplotlibrc

    def as_if_imported_now(self) -> None:
        """Once the kernel has started: leave what the page imports did as if they ran now."""
        for handler, stream in self.handlers:
            handler.setStream(getattr(sys, stream))
        for item in reversed(self.filters):
            warnings.filterwarnings(*_filter_arguments(*item))


def _log_handlers() -> list[logging.Handler]:
    loggers = [logging.getLogger(), *logging.Logger.manager.loggerDict.values()]
    return [handler for logger in loggers for handler in getattr(logger, "handlers", [])]


def _filter_arguments(action, message, category, module, lineno) -> tuple:
    return action, getattr(message, "pattern", ""), category, getattr(module, "pattern", ""), lineno


def _refiltered(*item) -> tuple:
    """The item warnings.filterwarnings adds for the arguments `_filter_arguments` gives."""
    action, message, category, module, lineno = _filter_arguments(*item)
    return (
        action,
        re.compile(message, re.IGNORECASE) if message else None,
        category,
        re.compile(module) if module else None,
        lineno,
    )


def serve(folder: Path) -> None:
    try:
        os.environ.setdefault("MPLBACKEND", MPLBACKEND)
        state = WarmState()
    except BaseException as error:
        (folder / FAILED).write_text(f"{type(error).__name__}: {error}")
        raise
    sys.stdout.flush()
    sys.stderr.flush()
    # A kernel reaps its own children; the warm process leaves its children to init.
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(str(folder / SOCKET))
    server.listen(64)
    while True:
        # stdin is a pipe from Sphinx: end of file means the build is over or Sphinx died.
        ready, _, _ = select.select([server, sys.stdin], [], [])
        if sys.stdin in ready:
            return
        connection, _ = server.accept()
        header, fds, _, _ = socket.recv_fds(connection, _HEADER.size, 3)
        request = json.loads(_receive_exactly(connection, _HEADER.unpack(header)[0]))
        if os.fork() == 0:
            server.close()
            _run_kernel(connection, request, fds, state)
        connection.close()
        for fd in fds:
            os.close(fd)


def _receive_exactly(connection: socket.socket, size: int) -> bytes:
    data = b""
    while len(data) < size:
        chunk = connection.recv(size - len(data))
        if not chunk:
            raise ConnectionError("the launcher went away before sending its request")
        data += chunk
    return data


def _run_kernel(connection: socket.socket, request: dict, fds: list[int], state: WarmState) -> None:
    """In the forked child: become the kernel the launcher was started to be."""
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    os.setsid()  # jupyter_client starts every kernel in a session of its own
    sys.stdin.close()
    for target, fd in enumerate(fds):
        os.dup2(fd, target)
        os.close(fd)
    sys.stdin = open(0, closefd=False)  # noqa: SIM115
    os.chdir(request["cwd"])
    os.environ.clear()
    os.environ.update(request["env"])
    os.environ.update(state.set_environment)
    for key in state.unset_environment:
        os.environ.pop(key, None)
    if not state.serves():
        connection.sendall(_REFUSED)
        os._exit(0)
    # As `python -m ipykernel_launcher ARGS` starts: sys.path[0] is the working directory.
    kernel_args = request["argv"]
    sys.argv = [importlib.util.find_spec("ipykernel_launcher").origin, *kernel_args]
    sys.orig_argv = [request["executable"], "-m", "ipykernel_launcher", *kernel_args]
    sys.path[0] = request["cwd"]
    # A new process seeds these afresh; a fork would share the warm process's state. (Python's
    # random module reseeds itself in a forked child.)
    import numpy
    import torch

    numpy.random.seed()  # noqa: NPY002
    torch.default_generator.seed()

    def exit_with_launcher() -> None:
        while connection.recv(64):
            pass
        os._exit(1)

    # A bare thread: a threading.Thread would be one more thread than a stock kernel has.
    _thread.start_new_thread(exit_with_launcher, ())
    connection.sendall(f"{os.getpid()}\n".encode())
    code = 0
    try:
        # ipykernel_launcher.py, and traitlets' Application.launch_instance, which it calls,
        # with the page imports' effects moved to once the kernel has started.
        if sys.path[0] == "" or Path(sys.path[0]) == Path.cwd():
            del sys.path[0]
        from ipykernel.kernelapp import IPKernelApp

        # parent_handle's default is JPY_PARENT_PID as it was when kernelapp was imported:
        # here, in the warm process, which jupyter_client did not start.
        app = IPKernelApp.instance(parent_handle=int(os.environ.get("JPY_PARENT_PID") or 0))
        app.initialize()
        state.as_if_imported_now()
        app.start()
    except SystemExit as exit:
        code = exit.code if isinstance(exit.code, int) else 1
    finally:
        # Not the exit handlers the kernel inherited: they wait on threads and sockets of a
        # kernel that has already sent its last reply, long enough that jupyter_client gives
        # up and kills it (0.5 to 3 s a page).
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)


# The launcher: what jupyter_client starts as the kernel process.


def launch(folder: Path, spec_folder: str, kernel_args: list[str]) -> None:
    environment = dict(os.environ)
    # JUPYTER_PATH as it was before WarmKernels put its kernelspec folder first.
    paths = environment.get("JUPYTER_PATH", "").split(os.pathsep)
    if paths[0] == spec_folder:
        if paths[1:]:
            environment["JUPYTER_PATH"] = os.pathsep.join(paths[1:])
        else:
            del environment["JUPYTER_PATH"]
    connection = _connect(folder)
    request = json.dumps(
        {
            "argv": kernel_args,
            "cwd": os.getcwd(),
            "env": environment,
            "executable": sys.orig_argv[0],
        }
    ).encode()
    socket.send_fds(connection, [_HEADER.pack(len(request))], [0, 1, 2])
    connection.sendall(request)
    reply = b""
    while not reply.endswith(b"\n"):
        chunk = connection.recv(32)
        if not chunk:
            sys.exit("warmkernel: the warm process closed the connection before forking")
        reply += chunk
    if reply == _REFUSED:
        connection.close()
        command = [sys.executable, "-m", "ipykernel_launcher", *kernel_args]
        os.execve(sys.executable, command, environment)
    kernel = int(reply)
    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT):
        signal.signal(signum, lambda signum, frame: os.kill(kernel, signum))
    while connection.recv(64):  # returns b"" when the kernel has exited
        pass


def _connect(folder: Path) -> socket.socket:
    deadline = time.monotonic() + CONNECT_TIMEOUT
    while True:
        if (folder / FAILED).exists():
            sys.exit(f"warmkernel: the warm process failed: {(folder / FAILED).read_text()}")
        try:
            connection = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            connection.connect(str(folder / SOCKET))
            return connection
        except (FileNotFoundError, ConnectionRefusedError):
            connection.close()
            if time.monotonic() > deadline:
                sys.exit(f"warmkernel: no warm process at {folder} after {CONNECT_TIMEOUT} s")
            time.sleep(0.05)


# The Sphinx extension.


class WarmKernels:
    """The warm process of one build, or of a session of builds that passed its folder in."""

    def __init__(self) -> None:
        self.spec_folder = Path(tempfile.mkdtemp(prefix="lossguide-kernels-"))
        self.process: subprocess.Popen | None = None
        self.jupyter_path = os.environ.get("JUPYTER_PATH")
        if SHARED in os.environ:
            warm_folder = Path(os.environ[SHARED])
        else:
            warm_folder = self.spec_folder
            self.process = subprocess.Popen(
                [sys.executable, __file__, "serve", str(warm_folder)], stdin=subprocess.PIPE
            )
        spec = self.spec_folder / "kernels" / "python3" / "kernel.json"
        spec.parent.mkdir(parents=True)
        argv = [sys.executable, __file__, "launch", str(warm_folder), str(self.spec_folder)]
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
            # Not a close of stdin: that is read only once the imports are done.
            self.process.terminate()
            self.process.wait()
            self.process.stdin.close()
            self.process = None
        if self.spec_folder.exists():
            shutil.rmtree(self.spec_folder, ignore_errors=True)
            if self.jupyter_path is None:
                os.environ.pop("JUPYTER_PATH", None)
            else:
                os.environ["JUPYTER_PATH"] = self.jupyter_path


class KernelConfig:
    """An IPython folder whose default profile holds KERNEL_CONFIG, named by IPYTHONDIR."""

    def __init__(self) -> None:
        self.ipython_dir = Path(tempfile.mkdtemp(prefix="lossguide-ipython-"))
        profile = self.ipython_dir / "profile_default"
        profile.mkdir()
        shutil.copy(KERNEL_CONFIG, profile / KERNEL_CONFIG.name)
        self.previous = os.environ.get("IPYTHONDIR")
        os.environ["IPYTHONDIR"] = str(self.ipython_dir)

    def remove(self, app=None, exception=None) -> None:
        if self.ipython_dir.exists():
            shutil.rmtree(self.ipython_dir, ignore_errors=True)
            if self.previous is None:
                os.environ.pop("IPYTHONDIR", None)
            else:
                os.environ["IPYTHONDIR"] = self.previous


def setup(app) -> dict[str, object]:
    metadata = {"parallel_read_safe": True, "parallel_write_safe": True}
    config = KernelConfig()
    app.connect("build-finished", config.remove)
    atexit.register(config.remove)
    # Every output may change with it: a change executes every page again.
    digest = hashlib.sha256(KERNEL_CONFIG.read_bytes()).hexdigest()
    app.add_config_value("lossguide_kernel_config", digest, "env", str)
    if os.environ.get(STOCK, "0") != "0":
        return metadata
    # Started now, so that its imports run beside Sphinx's own start rather than after it;
    # stopped as soon as the build turns out to have no page to read.
    kernels = WarmKernels()
    app.connect("env-before-read-docs", kernels.stop_if_unused)
    app.connect("build-finished", kernels.stop)
    atexit.register(kernels.stop)
    return metadata


if __name__ == "__main__":
    # serve FOLDER: be the warm process until stdin closes;
    # launch FOLDER SPEC_FOLDER -f FILE: a kernel.
    command, folder, *rest = sys.argv[1:]
    if command == "serve":
        serve(Path(folder))
    else:
        launch(Path(folder), rest[0], rest[1:])
