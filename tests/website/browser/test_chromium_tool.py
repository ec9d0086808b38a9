"""tools/chromium.py, which finds or installs the browser for these tests, in each situation a
machine can be in: faked, since no test may uninstall a browser or reach a download host."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import pytest

from lib.browsing import chromium_tool as tool

VERSION = "156.0.8078.108"
DEBIAN = {"ID": "debian", "VERSION_ID": "12"}
UBUNTU = {"ID": "ubuntu", "ID_LIKE": "debian", "VERSION_ID": "24.04"}
PLAYWRIGHTS = "/root/.cache/ms-playwright/chromium-1255/chrome-linux64/chrome"


@dataclass
class Situation:
    """A machine: what is on PATH, what starts, what installing does. It records commands."""

    on_path: dict[str, str] = field(default_factory=dict)
    working: set[str] = field(default_factory=set)
    files: set[str] = field(default_factory=set)
    environ: dict[str, str] = field(default_factory=dict)
    root: bool = True
    release: dict[str, str] = field(default_factory=lambda: dict(DEBIAN))
    download_works: bool = False
    download_lacks_libraries: bool = False
    apt_works: bool = True
    commands: list[list[str]] = field(default_factory=list)

    def starts(self, path: str):
        return (VERSION, None) if path in self.working else (None, f"{path}: no such browser")

    def run(self, command, timeout, env=None):
        self.commands.append(command)
        if command[1:4] == ["-m", "playwright", "install"]:
            assert timeout == tool.DOWNLOAD_TIMEOUT
            assert env == {"PLAYWRIGHT_DOWNLOAD_CONNECTION_TIMEOUT": tool.CONNECTION_TIMEOUT_MS}
            if not self.download_works:
                return tool.Result(
                    1,
                    "Error: getaddrinfo ENOTFOUND cdn.playwright.dev\n"
                    "    at GetAddrInfoReqWrap.onlookupall (node:internal/dns/promises:101:17)\n",
                )
            self.files.add(PLAYWRIGHTS)
            if not self.download_lacks_libraries:
                self.working.add(PLAYWRIGHTS)
            return tool.Result(0, "downloaded")
        if command[1:4] == ["-m", "playwright", "install-deps"]:
            self.working.add(PLAYWRIGHTS)
            return tool.Result(0, "")
        if command[0] == "apt-get":
            assert env == {"DEBIAN_FRONTEND": "noninteractive"}
            if not self.apt_works:
                return tool.Result(
                    100, "Reading package lists...\nE: Unable to locate package chromium\n"
                )
            if command[1] == "install":
                self.working.add(tool.DEBIAN_CHROMIUM)
            return tool.Result(0, "")
        raise AssertionError(f"unexpected command {command}")

    def machine(self) -> tool.Machine:
        return tool.Machine(
            environ=self.environ,
            which=self.on_path.get,
            exists=lambda path: path in self.files,
            starts=self.starts,
            playwright_chromium=lambda: PLAYWRIGHTS,
            run=self.run,
            euid=lambda: 0 if self.root else 1000,
            os_release=lambda: self.release,
        )

    def find(self, **options) -> tool.Browser:
        return tool.find(self.machine(), **options)

    def ran(self, *words: str) -> bool:
        return any(all(word in command for word in words) for command in self.commands)


def test_lossguide_chromium_comes_first():
    here = Situation(environ={"LOSSGUIDE_CHROMIUM": "/opt/chrome"}, working={"/opt/chrome"})
    here.on_path["chromium"] = "/usr/bin/chromium"
    here.working.add("/usr/bin/chromium")
    browser = here.find()
    assert (browser.path, browser.source) == ("/opt/chrome", "from LOSSGUIDE_CHROMIUM")
    assert browser.line() == f"browser: /opt/chrome {VERSION} (from LOSSGUIDE_CHROMIUM)"


def test_a_lossguide_chromium_that_does_not_start_is_an_error_not_a_fallback():
    here = Situation(environ={"LOSSGUIDE_CHROMIUM": "/opt/nothing"})
    here.on_path["chromium"] = "/usr/bin/chromium"
    here.working.add("/usr/bin/chromium")
    with pytest.raises(tool.NoBrowser, match="LOSSGUIDE_CHROMIUM=/opt/nothing does not start"):
        here.find()
    assert not here.commands


def test_the_system_chromium_is_taken_without_installing_anything():
    here = Situation(on_path={"chromium": "/usr/bin/chromium"}, working={"/usr/bin/chromium"})
    browser = here.find()
    assert browser.line() == f"browser: /usr/bin/chromium {VERSION} (chromium on PATH)"
    assert not here.commands


def test_a_snap_wrapper_that_does_not_start_is_passed_over():
    # Ubuntu's /usr/bin/chromium-browser only runs the snap, which may not be installed.
    here = Situation(
        release=UBUNTU,
        on_path={
            "chromium-browser": "/usr/bin/chromium-browser",
            "google-chrome": "/usr/bin/google-chrome",
        },
        working={"/usr/bin/google-chrome"},
    )
    assert here.find().path == "/usr/bin/google-chrome"


def test_playwrights_cached_download_is_taken():
    here = Situation(files={PLAYWRIGHTS}, working={PLAYWRIGHTS})
    browser = here.find()
    assert (browser.path, browser.source) == (PLAYWRIGHTS, "Playwright's download, cached")
    assert not here.commands


def test_find_only_installs_nothing():
    here = Situation()
    with pytest.raises(tool.NoBrowser, match="installing nothing"):
        here.find(install=False)
    assert not here.commands


def test_playwrights_download_comes_before_the_system_package():
    here = Situation(download_works=True)
    browser = here.find()
    assert (browser.path, browser.source) == (PLAYWRIGHTS, "Playwright's download, installed now")
    assert not here.ran("apt-get")


def test_a_download_without_its_libraries_gets_them_as_root():
    here = Situation(download_works=True, download_lacks_libraries=True)
    assert here.find().source == "Playwright's download, installed now"
    assert here.ran("install-deps", "chromium")


def test_debian_as_root_installs_the_chromium_package_when_the_download_fails():
    here = Situation()
    browser = here.find()
    assert browser.line() == (
        f"browser: /usr/bin/chromium {VERSION} (Debian's chromium package, installed now)"
    )
    assert here.commands[0][1:] == ["-m", "playwright", "install", "chromium"]
    assert here.commands[1] == ["apt-get", "update", "-qq"]
    assert here.commands[2][:2] == ["apt-get", "install"]
    assert "chromium" in here.commands[2]


def test_ubuntu_does_not_install_the_snap():
    here = Situation(release=UBUNTU)
    with pytest.raises(tool.NoBrowser) as error:
        here.find()
    assert "snap" in str(error.value)
    assert not here.ran("apt-get")


def test_without_root_nothing_is_installed_and_the_message_says_what_to_install():
    here = Situation(root=False)
    with pytest.raises(tool.NoBrowser) as error:
        here.find()
    message = str(error.value)
    assert "not root" in message
    # why Playwright's download failed: its error, not the stack trace after it
    assert "download failed: Error: getaddrinfo ENOTFOUND cdn.playwright.dev\n" in message
    assert "apt-get install chromium" in message
    assert "LOSSGUIDE_CHROMIUM" in message
    assert not here.ran("apt-get")


def test_a_failed_apt_get_is_reported():
    here = Situation(apt_works=False)
    with pytest.raises(tool.NoBrowser, match="install chromium: E: Unable to locate package"):
        here.find()


@pytest.mark.parametrize(
    ("release", "family"),
    [
        ('ID=debian\nVERSION_ID="12"\n', "debian"),
        ("ID=raspbian\nID_LIKE=debian\n", "debian"),
        ('ID=ubuntu\nID_LIKE=debian\nVERSION_ID="24.04"\n', "ubuntu"),
        ('ID=linuxmint\nID_LIKE="ubuntu debian"\n', "ubuntu"),
        ("ID=fedora\nVERSION_ID=41\n", "other"),
        ("", "other"),
    ],
)
def test_distribution_is_read_from_os_release(tmp_path, release, family):
    path = tmp_path / "os-release"
    path.write_text(release)
    machine = tool.Machine(os_release=lambda: tool.os_release(str(path)))
    assert machine.distribution() == family


def test_run_gives_up_at_its_timeout_and_ends_what_the_command_started():
    start = time.monotonic()
    result = tool.run(["sh", "-c", "sleep 30 & sleep 30"], timeout=1)
    assert time.monotonic() - start < 10
    assert result.returncode == 124
    assert "gave up after 1 s" in result.output


def test_starts_tells_a_browser_from_something_else(chromium):
    # In a thread of its own: Playwright's sync API runs one instance per thread, and the
    # browser fixture may hold this one's.
    with ThreadPoolExecutor(1) as thread:
        version, why = thread.submit(tool.starts, chromium).result()
        assert version
        assert not why
        version, why = thread.submit(tool.starts, "/bin/true").result()
        assert why
        assert not version


def test_the_command_prints_the_path_on_stdout_and_one_line_on_stderr(chromium):
    command = [sys.executable, tool.__file__, "--find-only"]
    env = {**os.environ, "LOSSGUIDE_CHROMIUM": chromium}
    done = subprocess.run(command, capture_output=True, text=True, env=env, check=True)
    assert done.stdout == chromium + "\n"
    assert done.stderr.count("\n") == 1
    assert done.stderr.startswith(f"browser: {chromium} ")


def test_the_command_fails_saying_what_to_do():
    command = [sys.executable, tool.__file__, "--find-only"]
    env = {**os.environ, "LOSSGUIDE_CHROMIUM": "/nonexistent/chromium"}
    done = subprocess.run(command, capture_output=True, text=True, env=env)
    assert done.returncode == 1
    assert done.stdout == ""
    assert "LOSSGUIDE_CHROMIUM=/nonexistent/chromium does not start" in done.stderr
    assert "unset it" in done.stderr
