"""The kernel process jupyter_client starts: it asks the warm process for a kernel and stands
in for it.

jupyter_client starts, signals and waits for this process as for any kernel. It hands the warm
process its connection arguments, working directory, environment and standard streams, then
passes signals on to the forked kernel and exits when it does. If the warm process refuses
(see WarmState.serves), this process becomes a stock kernel itself.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import sys
import time
from pathlib import Path

from warmkernel.protocol import FAILED, HEADER, REFUSED, SOCKET

CONNECT_TIMEOUT = 120  # seconds: the warm imports run beside a busy build


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
    socket.send_fds(connection, [HEADER.pack(len(request))], [0, 1, 2])
    connection.sendall(request)
    reply = b""
    while not reply.endswith(b"\n"):
        chunk = connection.recv(32)
        if not chunk:
            sys.exit("warmkernel: the warm process closed the connection before forking")
        reply += chunk
    if reply == REFUSED:
        connection.close()
        command = [sys.executable, "-m", "ipykernel_launcher", *kernel_args]
        os.execve(sys.executable, command, environment)
    kernel = int(reply)

    def pass_on(signum: int, frame: object) -> None:
        # A kernel that has already exited (its heartbeat could not bind its port, say) has
        # nothing left to signal: jupyter_client then sees this process end too.
        with contextlib.suppress(ProcessLookupError):
            os.kill(kernel, signum)

    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT):
        signal.signal(signum, pass_on)
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
