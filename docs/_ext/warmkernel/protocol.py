"""What the warm process and a launcher say to each other, over a Unix socket in a folder.

The launcher connects to SOCKET and sends, with its standard streams' file descriptors, a
header giving the size of a JSON request (argv, cwd, env, executable); the warm process forks,
and the child answers with its pid on a line, or REFUSED if it cannot be the kernel asked for
(the launcher then becomes a stock kernel itself). A warm process whose imports failed writes
the error to FAILED instead of listening.
"""

from __future__ import annotations

import socket
import struct

SOCKET = "warm.sock"
FAILED = "failed"
HEADER = struct.Struct("!I")
REFUSED = b"stock\n"


def receive_exactly(connection: socket.socket, size: int) -> bytes:
    data = b""
    while len(data) < size:
        chunk = connection.recv(size - len(data))
        if not chunk:
            raise ConnectionError("the launcher went away before sending its request")
        data += chunk
    return data
