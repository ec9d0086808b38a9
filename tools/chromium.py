"""Find a Chromium for the browser tests, or get one, and say in one line which.

    python tools/chromium.py              find one, or install one
    python tools/chromium.py --find-only  find one; install nothing

Run by ``nox -s tests`` with the tests session's Python, which has Playwright. It prints the
browser's path on stdout (the session passes it to pytest as ``LOSSGUIDE_CHROMIUM``) and one
line on stderr, e.g. ``browser: /usr/bin/chromium 156.0.8078.108 (Debian's chromium package,
installed now)``. In this order, it takes:

1. ``LOSSGUIDE_CHROMIUM``, when it is set: that browser, or an error.
2. A browser already on the machine: ``chromium``, ``chromium-browser``,
   ``google-chrome-stable`` or ``google-chrome`` on PATH, then Playwright's own download in its
   cache (``~/.cache/ms-playwright``, or ``PLAYWRIGHT_BROWSERS_PATH``).
3. Playwright's own download, ``playwright install chromium``: it needs its download host, and
   where that host is unreachable it fails within seconds; a stalled connection gives up after
   15 s, the whole download after 10 min. As root on Debian or Ubuntu, the libraries it needs
   are installed with ``playwright install-deps chromium`` when it cannot start without them.
4. Debian's ``chromium`` package, with apt-get, when running as root on Debian or a derivative
   of it other than Ubuntu. Not on Ubuntu: there ``chromium-browser`` is a transitional package
   that installs the snap, which needs a running snapd (containers have none), and Playwright
   cannot drive a confined snap (its profile under /tmp is out of the snap's reach). On Ubuntu,
   Playwright's download (3) is the way, or Google Chrome's .deb.
5. Otherwise, exit status 1 and a message that says what to install.

A browser is only taken once Playwright has started it: a wrapper left by a snap that is not
installed, or a download that lacks system libraries, is passed over, and said why if nothing
else is found.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import subprocess
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

# How the tests start Chromium: as root, headless, making no connection of its own (updates,
# sync, QUIC probes). tests/website/browser/conftest.py launches with the same arguments.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# Looked up on PATH, in this order.
SYSTEM_NAMES = ["chromium", "chromium-browser", "google-chrome-stable", "google-chrome"]
# Where Debian's package puts the browser, whatever PATH says.
DEBIAN_CHROMIUM = "/usr/bin/chromium"
DOWNLOAD_TIMEOUT = 600  # seconds, for the whole of Playwright's download
CONNECTION_TIMEOUT_MS = "15000"  # Playwright gives up on a connection that stalls this long
APT_TIMEOUT = 900
WHAT_TO_INSTALL = """\
Install one of these, then run nox again:
  - Debian: apt-get install chromium
  - elsewhere, where Playwright's download host is reachable:
    .nox/tests/bin/python -m playwright install --with-deps chromium
  - Google Chrome, from its .deb or .rpm
or set LOSSGUIDE_CHROMIUM to the path of a Chromium or Chrome binary."""


class NoBrowser(Exception):
    """No browser was found, nor could one be installed."""


@dataclass(frozen=True)
class Browser:
    path: str
    version: str
    source: str

    def line(self) -> str:
        return f"browser: {self.path} {self.version} ({self.source})"


@dataclass
class Result:
    """What a command printed and how it ended."""

    returncode: int
    output: str

    def reason(self) -> str:
        """The last error line (Playwright's "Error: ...", apt's "E: ..."), else the last line."""
        lines = [line.strip() for line in self.output.splitlines() if line.strip()]
        errors = [line for line in lines if line.startswith(("Error:", "E:"))]
        return (errors or lines or [f"exit status {self.returncode}"])[-1]


def run(command: list[str], timeout: float, env: Mapping[str, str] | None = None) -> Result:
    """Run ``command`` with its output captured; past ``timeout`` seconds, kill it and all it
    started (Playwright's installer downloads in a child process of its own)."""
    process = subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        text=True,
        env={**os.environ, **(env or {})},
        start_new_session=True,
    )
    try:
        output, _ = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        output, _ = process.communicate()
        return Result(124, f"{output}\ngave up after {timeout:.0f} s")
    return Result(process.returncode, output)


def starts(path: str) -> tuple[str | None, str | None]:
    """Start ``path`` as the tests do: its version if it starts, else why it does not."""
    from playwright.sync_api import Error, sync_playwright

    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=path, args=CHROMIUM_ARGS, timeout=60_000
            )
            version = browser.version
            browser.close()
    except Error as error:
        lines = [line for line in str(error).splitlines() if line.strip()]
        return None, lines[0] if lines else "does not start"
    return version, None


def playwright_chromium() -> str:
    """Where Playwright keeps (or would keep) its own download of Chromium."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        return playwright.chromium.executable_path


def os_release(path: str = "/etc/os-release") -> dict[str, str]:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError:
        return {}
    pairs = (line.split("=", 1) for line in text.splitlines() if "=" in line)
    return {key.strip(): value.strip().strip("\"'") for key, value in pairs}


@dataclass
class Machine:
    """What the search asks of the machine: the tests replace these with fakes."""

    environ: Mapping[str, str] = field(default_factory=lambda: dict(os.environ))
    which: Callable[[str], str | None] = shutil.which
    exists: Callable[[str], bool] = os.path.exists
    starts: Callable[[str], tuple[str | None, str | None]] = starts
    playwright_chromium: Callable[[], str] = playwright_chromium
    run: Callable[..., Result] = run
    euid: Callable[[], int] = os.geteuid
    os_release: Callable[[], dict[str, str]] = os_release

    def distribution(self) -> str:
        """``debian``, ``ubuntu`` (Ubuntu or a derivative of it) or ``other``."""
        release = self.os_release()
        family = {release.get("ID", ""), *release.get("ID_LIKE", "").split()}
        if "ubuntu" in family:
            return "ubuntu"
        return "debian" if "debian" in family else "other"


def find(machine: Machine, *, install: bool = True) -> Browser:
    """The browser the tests should use: see the module's docstring for the order."""
    explicit = machine.environ.get("LOSSGUIDE_CHROMIUM")
    if explicit:
        version, why = machine.starts(explicit)
        if why:
            raise NoBrowser(
                f"LOSSGUIDE_CHROMIUM={explicit} does not start: {why}\n"
                "Point it at a Chromium or Chrome binary, or unset it to have one found or"
                " installed."
            )
        return Browser(explicit, version, "from LOSSGUIDE_CHROMIUM")

    passed_over = []

    def take(path: str, source: str) -> Browser | None:
        version, why = machine.starts(path)
        if why:
            passed_over.append(f"{path} ({source}) does not start: {why}")
            return None
        return Browser(path, version, source)

    for name in SYSTEM_NAMES:
        path = machine.which(name)
        if path and (browser := take(path, f"{name} on PATH")):
            return browser
    cached = machine.playwright_chromium()
    if machine.exists(cached) and (browser := take(cached, "Playwright's download, cached")):
        return browser
    if not install:
        raise NoBrowser(_nothing_found(passed_over, ["installing nothing (--find-only)"]))

    tried = []
    root = machine.euid() == 0
    distribution = machine.distribution()
    download = machine.run(
        [sys.executable, "-m", "playwright", "install", "chromium"],
        timeout=DOWNLOAD_TIMEOUT,
        env={"PLAYWRIGHT_DOWNLOAD_CONNECTION_TIMEOUT": CONNECTION_TIMEOUT_MS},
    )
    if download.returncode == 0:
        cached = machine.playwright_chromium()
        version, why = machine.starts(cached)
        if why and root and distribution in {"debian", "ubuntu"}:
            machine.run(
                [sys.executable, "-m", "playwright", "install-deps", "chromium"],
                timeout=APT_TIMEOUT,
            )
            version, why = machine.starts(cached)
        if not why:
            return Browser(cached, version, "Playwright's download, installed now")
        tried.append(f"Playwright's download, {cached}, does not start: {why}")
    else:
        tried.append(f"Playwright's download failed: {download.reason()}")

    if not root:
        tried.append("not root, so no system package was installed")
    elif distribution == "ubuntu":
        tried.append(
            "Ubuntu's chromium is a snap, which Playwright cannot drive: no system package"
            " was installed"
        )
    elif distribution != "debian":
        tried.append("not Debian, so no system package was installed")
    else:
        apt = {"DEBIAN_FRONTEND": "noninteractive"}
        update = machine.run(["apt-get", "update", "-qq"], timeout=APT_TIMEOUT, env=apt)
        get = update.returncode == 0 and machine.run(
            ["apt-get", "install", "-y", "-qq", "--no-install-recommends", "chromium"],
            timeout=APT_TIMEOUT,
            env=apt,
        )
        if get and get.returncode == 0:
            version, why = machine.starts(DEBIAN_CHROMIUM)
            if not why:
                return Browser(DEBIAN_CHROMIUM, version, "Debian's chromium package, installed now")
            tried.append(f"Debian's chromium package installed, but does not start: {why}")
        else:
            tried.append(f"apt-get could not install chromium: {(get or update).reason()}")
    raise NoBrowser(_nothing_found(passed_over, tried))


def _nothing_found(passed_over: list[str], tried: list[str]) -> str:
    lines = [
        "none for the browser tests: not on PATH as "
        + ", ".join(SYSTEM_NAMES)
        + ", not in Playwright's cache",
        *(f"  - {line}" for line in passed_over + tried),
        WHAT_TO_INSTALL,
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--find-only", action="store_true", help="install nothing")
    options = parser.parse_args(argv)
    try:
        browser = find(Machine(), install=not options.find_only)
    except NoBrowser as error:
        print(f"browser: {error}", file=sys.stderr)
        return 1
    print(browser.line(), file=sys.stderr)
    print(browser.path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
