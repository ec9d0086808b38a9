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

The warm process lives as long as the build, or, for `nox -s serve`, as long as the session
(LOSSGUIDE_WARM_KERNELS names its folder). It does not import lossguide: pages always run
against the sources being built. A page that must check what a bare interpreter imports
does so in a subprocess of its own (see numpy-reference.md).
"""

from __future__ import annotations

import atexit
import json
import os
import select
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

# What every page imports first, and what a kernel imports as it starts (its debugger alone
# takes 0.2 s). The backend is the one ipykernel would choose.
WARM_IMPORTS = (
    "ipykernel.kernelapp",
    "ipykernel.ipkernel",
    "ipykernel.debugger",
    "matplotlib_inline.backend_inline",
    "matplotlib.pyplot",
    "numpy",
    "torch",
)
MPLBACKEND = "module://matplotlib_inline.backend_inline"
SOCKET, FAILED = "warm.sock", "failed"
# The folder of a warm process that outlives one build: nox -s serve keeps one for its session.
SHARED = "LOSSGUIDE_WARM_KERNELS"
CONNECT_TIMEOUT = 120  # seconds: the warm imports run beside a busy build
_HEADER = struct.Struct("!I")


# The warm process.


def serve(folder: Path) -> None:
    try:
        os.environ.setdefault("MPLBACKEND", MPLBACKEND)
        # The debugger warns on import that frozen modules hide breakpoints: no one debugs here.
        os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")
        for module in WARM_IMPORTS:
            __import__(module)
    except BaseException as error:
        (folder / FAILED).write_text(f"{type(error).__name__}: {error}")
        raise
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
            _run_kernel(connection, request, fds)
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


def _run_kernel(connection: socket.socket, request: dict, fds: list[int]) -> None:
    """In the forked child: become the kernel the launcher was started to be."""
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    sys.stdin.close()
    for target, fd in enumerate(fds):
        os.dup2(fd, target)
        os.close(fd)
    sys.stdin = open(0, closefd=False)  # noqa: SIM115
    os.chdir(request["cwd"])
    os.environ.clear()
    os.environ.update(request["env"])
    # As `python -m ipykernel_launcher` would have them; the parent to watch is the warm
    # process, and naming one keeps ipykernel from printing its console-kernel banner. No
    # input history: kernels running side by side would all write it to one SQLite file.
    sys.argv = [
        *request["argv"],
        f"--IPKernelApp.parent_handle={os.getppid()}",
        "--HistoryManager.enabled=False",
    ]
    sys.path[0] = request["cwd"]
    import numpy

    # The legacy global generator: a new process seeds it afresh, a fork would share its state.
    numpy.random.seed()  # noqa: NPY002

    def exit_with_launcher() -> None:
        while connection.recv(64):
            pass
        os._exit(1)

    threading.Thread(target=exit_with_launcher, daemon=True).start()
    connection.sendall(f"{os.getpid()}\n".encode())
    code = 0
    try:
        from ipykernel.kernelapp import launch_new_instance

        launch_new_instance()
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


def launch(folder: Path, kernel_args: list[str]) -> None:
    connection = _connect(folder)
    request = json.dumps(
        {
            "argv": ["ipykernel_launcher", *kernel_args],
            "cwd": os.getcwd(),
            "env": dict(os.environ),
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
        argv = [sys.executable, __file__, "launch", str(warm_folder), "-f", "{connection_file}"]
        spec.write_text(
            json.dumps(
                {
                    "argv": argv,
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
            self.process = None
        if self.spec_folder.exists():
            shutil.rmtree(self.spec_folder, ignore_errors=True)
            if self.jupyter_path is None:
                os.environ.pop("JUPYTER_PATH", None)
            else:
                os.environ["JUPYTER_PATH"] = self.jupyter_path


def setup(app) -> dict[str, object]:
    # Started now, so that its imports run beside Sphinx's own start rather than after it;
    # stopped as soon as the build turns out to have no page to read.
    kernels = WarmKernels()
    app.connect("env-before-read-docs", kernels.stop_if_unused)
    app.connect("build-finished", kernels.stop)
    atexit.register(kernels.stop)
    return {"parallel_read_safe": True, "parallel_write_safe": True}


if __name__ == "__main__":
    # serve FOLDER: be the warm process until stdin closes; launch FOLDER -f FILE: a kernel.
    command, folder, *rest = sys.argv[1:]
    if command == "serve":
        serve(Path(folder))
    else:
        launch(Path(folder), rest)
