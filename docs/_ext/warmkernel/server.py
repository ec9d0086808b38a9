"""The warm process: imports what kernels and pages import, then forks one kernel per request.

Runs as `python docs/_ext/warmkernel serve FOLDER` (see process.py, the one place that starts
it), until its stdin closes. What the forked child does to become the kernel a stock launcher
would have started is explained in this package's __init__.py.
"""

from __future__ import annotations

import _thread
import importlib
import importlib.util
import json
import logging
import os
import re
import select
import signal
import socket
import sys
import warnings
from pathlib import Path

from warmkernel.protocol import FAILED, HEADER, REFUSED, SOCKET, receive_exactly

# What a kernel imports as it starts. Not its debugger (ipykernel.debugger), although it takes
# 0.2 s: importing debugpy makes a threading.Thread (debugpy 1.8,
# _pydev_bundle/pydev_is_thread_alive.py:6), which would take the name the kernel's parent
# poller gets in a stock kernel. No upstream issue: harmless anywhere but here.
KERNEL_IMPORTS = ("ipykernel.kernelapp", "ipykernel.ipkernel")
# What pages import first, as far as their import does the same in any process (see
# __init__.py).
PAGE_IMPORTS = (
    "numpy",
    "torch",
    "matplotlib",
    "matplotlib.figure",
    "matplotlib.backends.backend_agg",
)
MPLBACKEND = "module://matplotlib_inline.backend_inline"  # what ipykernel sets, before any page


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
        header, fds, _, _ = socket.recv_fds(connection, HEADER.size, 3)
        request = json.loads(receive_exactly(connection, HEADER.unpack(header)[0]))
        if os.fork() == 0:
            server.close()
            _run_kernel(connection, request, fds, state)
        connection.close()
        for fd in fds:
            os.close(fd)


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
        connection.sendall(REFUSED)
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
        # here, in the warm process, which jupyter_client did not start. (ipykernel 7.4,
        # kernelapp.py:198, reads it in the class body: right for any kernel not forked from
        # a process that imported it, so nothing upstream to wait for.)
        app = IPKernelApp.instance(parent_handle=int(os.environ.get("JPY_PARENT_PID") or 0))
        app.initialize()
        state.as_if_imported_now()
        app.start()
    except SystemExit as exit:
        code = exit.code if isinstance(exit.code, int) else 1
    finally:
        # Not the exit handlers the kernel inherited: they wait on threads and sockets of a
        # kernel that has already sent its last reply, long enough that jupyter_client gives
        # up and kills it (0.5 to 3 s a page). They are ipykernel 7.4's (kernelapp.py:342 and
        # :357, iostream.py:304); no upstream issue found; the nearest, closed, is
        # https://github.com/jupyter/jupyter_client/issues/756.
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
