"""Every notebook download runs to completion in a fresh Jupyter environment, as it is.

The environment is a new virtualenv with pip and Jupyter's kernel (ipykernel) and nothing
else, its kernel started in an empty folder without PYTHONPATH: nothing of the checkout is
importable. pip there reads no configuration file and no package index; it finds wheels in
one local folder, which holds torch, NumPy, matplotlib and their dependencies but not
lossguide (PIP_NO_INDEX, PIP_FIND_LINKS). lossguide comes from the built site, served on
localhost: LOSSGUIDE_PACKAGES points the notebooks' install cell at its packages/ page
(docs/_ext/installcell.py), so the cell that runs is the one readers download.

The downloads run in page order in one virtualenv, as a reader's environment fills up: the
first installs what it needs, the later ones what is still missing. Then the install cells
must do nothing where everything is installed, and the lossguide cell must also install
from a package index when the site cannot be reached.

The folder of wheels is made by ``pip download`` with the machine's own pip configuration:
on this project's machines a local copy of the registry, so nothing is fetched from the
internet; elsewhere, pip's index and its cache. Where that fails the tests are skipped,
with pip's error as the reason.

On 2 shared cores the module takes about 9 minutes: 1 to make the folder and the virtualenv,
2.5 for the first download, which installs torch, NumPy and lossguide, 4 for the other pages
and 1 for the checks of the install cell.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import venv
from collections.abc import Iterator
from importlib.metadata import version
from pathlib import Path

import nbformat
import pytest
from jupyter_client.kernelspec import KernelSpecManager
from jupyter_client.manager import KernelManager
from nbclient import NotebookClient

from lib.browsing import serving
from lib.pages import executed_pages, site_build
from sitebuild import ROOT

INSTALL_CELL = "install-what-this-page-needs"  # its tag, see docs/_ext/notebooks.py
# The distributions the fresh environment may install: the releases the site was built with.
RELEASES = [f"{name}=={version(name)}" for name in ("torch", "numpy", "matplotlib")]
KERNEL = f"ipykernel=={version('ipykernel')}"
TIMEOUT = 900  # per cell: the first install cell installs torch


def _downloads() -> Path:
    return site_build().html / "_notebooks"


@pytest.fixture(scope="module")
def wheels(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The local folder of wheels: everything the notebooks may install, but lossguide."""
    folder = tmp_path_factory.mktemp("wheels")
    command = [sys.executable, "-m", "pip", "download", "--only-binary=:all:"]
    command += ["--constraint", str(ROOT / "constraints.txt"), "--dest", str(folder)]
    result = subprocess.run(
        [*command, *RELEASES, KERNEL], capture_output=True, text=True, timeout=1800
    )
    if result.returncode:
        pytest.skip(
            "no folder of wheels for the fresh environment: pip download "
            f"{' '.join(RELEASES)} {KERNEL} failed:\n{result.stderr[-2000:]}"
        )
    return folder


@pytest.fixture(scope="module")
def site_url() -> Iterator[str]:
    """The built site on localhost, under the path it is published at."""
    root = site_build().html
    assert (root / "packages" / "index.html").exists(), f"no packages/ in {root}: build it"
    with serving(root) as url:
        yield url


class Fresh:
    """A virtualenv with pip and ipykernel only, and how to run a notebook in it."""

    def __init__(self, folder: Path, wheels: Path, packages: str) -> None:
        self.folder = folder
        self.workdir = folder / "work"  # an empty folder, not the checkout
        self.workdir.mkdir()
        self.python = folder / "env" / "bin" / "python"
        venv.create(folder / "env", with_pip=True)
        self.environment = _environment(self.python, wheels, packages)
        _pip(self, "install", KERNEL)
        # A kernel spec of its own, so that no kernel the machine has is used instead.
        spec = folder / "kernels" / "python3"
        spec.mkdir(parents=True)
        argv = [str(self.python), "-m", "ipykernel_launcher", "-f", "{connection_file}"]
        kernel = {"argv": argv, "display_name": "Python 3", "language": "python"}
        (spec / "kernel.json").write_text(json.dumps(kernel))
        specs = KernelSpecManager(kernel_dirs=[str(folder / "kernels")])
        specs.ensure_native_kernel = False

        class Manager(KernelManager):
            # Made by nbclient, which then shuts the kernel down and closes its sockets; a
            # manager passed in (km=) is left running.
            def __init__(self, **kwargs: object) -> None:
                super().__init__(kernel_spec_manager=specs, **kwargs)

        self.manager = Manager

    def run(self, notebook: nbformat.NotebookNode, **environment: str) -> None:
        """Run every cell, as Jupyter's "Run All" does; cells tagged raises-exception may raise."""
        client = NotebookClient(
            notebook,
            kernel_name="python3",
            kernel_manager_class=self.manager,
            timeout=TIMEOUT,
            resources={"metadata": {"path": str(self.workdir)}},
        )
        client.execute(env={**self.environment, **environment})

    def installed(self, distribution: str) -> str | None:
        probe = "import importlib.metadata as m, sys; print(m.version(sys.argv[1]))"
        result = subprocess.run(
            [str(self.python), "-c", probe, distribution],
            capture_output=True,
            text=True,
            env=self.environment,
            cwd=self.workdir,
        )
        return result.stdout.strip() or None


def _environment(python: Path, wheels: Path, packages: str) -> dict[str, str]:
    """The test's environment without what would reach past the fresh one: no PYTHONPATH, no
    pip settings or configuration files, no index; wheels from the folder only."""
    kept = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("PIP_", "PYTHON", "VIRTUAL_ENV", "LOSSGUIDE_", "JUPYTER"))
    }
    return {
        **kept,
        "PATH": f"{python.parent}{os.pathsep}{kept.get('PATH', '')}",
        "PIP_CONFIG_FILE": os.devnull,
        "PIP_NO_INDEX": "1",
        "PIP_FIND_LINKS": str(wheels),
        "PIP_DISABLE_PIP_VERSION_CHECK": "1",
        "LOSSGUIDE_PACKAGES": packages,
    }


def _pip(fresh: Fresh, *arguments: str, environment: dict[str, str] | None = None) -> None:
    subprocess.run(
        [str(fresh.python), "-m", "pip", "--quiet", *arguments],
        check=True,
        env=environment or fresh.environment,
        cwd=fresh.workdir,
    )


@pytest.fixture(scope="module")
def fresh(tmp_path_factory: pytest.TempPathFactory, wheels: Path, site_url: str) -> Fresh:
    return Fresh(tmp_path_factory.mktemp("fresh"), wheels, f"{site_url}packages/")


def _read(page: str) -> nbformat.NotebookNode:
    return nbformat.read(_downloads() / f"{page}.ipynb", as_version=4)


def _install_cell(notebook: nbformat.NotebookNode) -> nbformat.NotebookNode:
    cell = notebook.cells[0]
    assert INSTALL_CELL in cell.metadata.get("tags", []), "the download has no install cell"
    return cell


def _printed(cell: nbformat.NotebookNode) -> str:
    return "".join(output.get("text", "") for output in cell.outputs)


@pytest.mark.parametrize("page", executed_pages())
def test_download_runs_in_a_fresh_environment(fresh, page):
    notebook = _read(page)
    _install_cell(notebook)
    fresh.run(notebook)  # raises CellExecutionError, with the cell and its error, if one fails
    assert fresh.installed("torch").split("+")[0] == version("torch").split("+")[0]


def test_lossguide_came_from_the_site(fresh):
    # Run alone, with no page before it, the fresh environment would have no lossguide yet.
    fresh.run(_read("index"))
    served = next((site_build().html / "packages").glob("lossguide-*.whl")).name
    assert fresh.installed("lossguide") == served.split("-")[1]
    where = subprocess.run(
        [str(fresh.python), "-c", "import lossguide; print(lossguide.__file__)"],
        capture_output=True,
        text=True,
        check=True,
        env=fresh.environment,
        cwd=fresh.workdir,
    ).stdout
    assert where.startswith(str(fresh.folder / "env")), where


def test_install_cells_do_nothing_where_everything_is_installed(fresh):
    cells = {_install_cell(_read(page)).source for page in executed_pages()}
    twice = [*sorted(cells), *sorted(cells)]
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(s) for s in twice])
    fresh.run(notebook)
    second = notebook.cells[len(cells) :]
    assert [_printed(cell) for cell in second] == [""] * len(cells)


def test_install_cell_installs_lossguide_from_an_index_when_the_site_is_gone(
    fresh, tmp_path_factory, wheels
):
    """Once lossguide is published, the same cell installs it with the site out of reach: a
    folder with the served wheel stands for the index, and LOSSGUIDE_PACKAGES for a site
    that refuses connections."""
    index = tmp_path_factory.mktemp("index")
    for wheel in (site_build().html / "packages").glob("*.whl"):
        shutil.copy(wheel, index)
    _pip(fresh, "uninstall", "--yes", "lossguide")
    assert fresh.installed("lossguide") is None
    notebook = nbformat.v4.new_notebook(cells=[_install_cell(_read("index"))])
    # PIP_FIND_LINKS takes several folders, separated by spaces.
    fresh.run(notebook, PIP_FIND_LINKS=f"{wheels} {index}", LOSSGUIDE_PACKAGES=_refused())
    assert "Successfully installed lossguide" in _printed(notebook.cells[0])
    assert fresh.installed("lossguide") is not None


def _refused() -> str:
    """The address of a site that is gone: a port on localhost nothing listens on."""
    with socket.socket() as free:
        free.bind(("127.0.0.1", 0))
        port = free.getsockname()[1]
    return f"http://127.0.0.1:{port}/packages/"
