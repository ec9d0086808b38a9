"""Build the lossguide site and run its checks.

nox -s docs          clean build of the site into build/html
nox -s serve         live-reloading build for authors
nox -s tests         pytest: package tests, doctests, and checks of the built site
nox -s reproducible  two clean builds must execute to identical outputs
nox -s lint          ruff
nox -s bench         build times and page weight, then every other script in benchmarks/
nox -s inventories   rewrite the intersphinx inventories in docs/_inventories
nox                  lint, tests and reproducible: what CI runs
"""

import contextlib
import json
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path
from subprocess import PIPE

import nox

nox.needs_version = ">=2025.2.9"
nox.options.default_venv_backend = "virtualenv"  # uv does not see the local torch wheel
nox.options.reuse_venv = "yes"
nox.options.sessions = ["lint", "tests", "reproducible"]

PYPROJECT = nox.project.load_toml("pyproject.toml")
# Every install goes through this file, which pins torch to the CPU release the site documents.
CONSTRAINTS = ("--constraint", "constraints.txt")
BUILD = Path("build")
HTML = BUILD / "html"
# Written after a build succeeds; a build without it is not trusted to be incremental.
BUILD_OK = BUILD / "build-ok.json"
# Two pages at a time per core: the Sphinx process reading a page idles while its kernel runs,
# and each kernel idles about 0.45 s in jupyter_client's fixed waits as it starts and stops. On
# 2 cores, 4 jobs built the site in 21-23 s instead of 25 s, and 32 pages in 35-37 s, not 48 s.
JOBS = str(2 * (os.cpu_count() or 1))


def install(session: nox.Session, *groups: str) -> None:
    session.install(*CONSTRAINTS, "--editable", ".")
    if groups:
        session.install(*CONSTRAINTS, *nox.project.dependency_groups(PYPROJECT, *groups))


def sphinx_build(session: nox.Session, html: Path, *options: str) -> None:
    """Build the site into ``html``; myst-nb writes executed notebooks beside it."""
    session.run(
        "sphinx-build",
        "--builder",
        "html",
        "--fail-on-warning",
        "--keep-going",
        "--nitpicky",
        "--jobs",
        JOBS,
        "docs",
        str(html),
        *options,
        env={"OMP_NUM_THREADS": "1", "PYTHONHASHSEED": "0"},
    )


def clean_build(session: nox.Session, html: Path, *options: str) -> None:
    shutil.rmtree(html.parent, ignore_errors=True)
    sphinx_build(session, html, *options)


@nox.session
def docs(session: nox.Session) -> None:
    """Build the site from scratch, executing every page; warnings are errors."""
    install(session, "docs")
    BUILD_OK.unlink(missing_ok=True)
    clean_build(session, HTML, *session.posargs)
    BUILD_OK.write_text(json.dumps({"html": str(HTML)}))
    session.log(f"The site is in {HTML / 'index.html'}")


@nox.session
def serve(session: nox.Session) -> None:
    """Rebuild and reload the site in the browser whenever a page or the package changes."""
    install(session, "serve")
    # One warm process for the whole session: a rebuild after an edit then executes the page
    # without waiting for torch to import (docs/_ext/warmkernel.py).
    with warm_kernels(session) as folder:
        session.run(
            "sphinx-autobuild",
            "docs",
            str(HTML),
            "--jobs",
            JOBS,
            "--watch",
            "src",
            "--ignore",
            str(BUILD.resolve()),
            *session.posargs,
            env={"LOSSGUIDE_WARM_KERNELS": folder},
        )


@contextlib.contextmanager
def warm_kernels(session: nox.Session) -> Iterator[str]:
    folder = tempfile.mkdtemp(prefix="lossguide-warm-")
    python = Path(session.bin) / "python"
    warm = subprocess.Popen([python, "docs/_ext/warmkernel.py", "serve", folder], stdin=PIPE)
    try:
        yield folder
    finally:
        warm.terminate()
        warm.wait()
        shutil.rmtree(folder, ignore_errors=True)


def chromium(session: nox.Session) -> str:
    """The browser for tests/website/browser: tools/chromium.py finds one, or installs one where it
    can, and says which in one line; its path is all it prints on stdout."""
    return session.run("python", "tools/chromium.py", silent=True, stderr=None).strip()


@nox.session
def tests(session: nox.Session) -> None:
    """Run the tests; build the site first, incrementally when a good build exists. The
    browser tests leave screenshots of every page in build/screenshots."""
    install(session, "docs", "test", "browser")
    browser = chromium(session)
    if BUILD_OK.exists():
        BUILD_OK.unlink()
        sphinx_build(session, HTML)  # re-executes only changed pages, or all if src changed
    else:
        clean_build(session, HTML)
    BUILD_OK.write_text(json.dumps({"html": str(HTML)}))
    session.run(
        "pytest",
        *session.posargs,
        env={"LOSSGUIDE_SITE": str(BUILD), "LOSSGUIDE_CHROMIUM": browser},
    )


@nox.session
def reproducible(session: nox.Session) -> None:
    """Build the site twice from scratch and require identical outputs in every cell."""
    install(session, "docs", "test")
    runs = [BUILD / "reproducible" / name / "html" for name in ("first", "second")]
    for html in runs:
        clean_build(session, html)
    builds = os.pathsep.join(str(html.parent) for html in runs)
    session.run(
        "pytest",
        "tests/website/built_site/test_reproducible.py",
        env={"LOSSGUIDE_REPRODUCIBLE_BUILDS": builds},
    )


@nox.session
def bench(session: nox.Session) -> None:
    """Time a clean build, a no-change rebuild and a one-page rebuild; run the other benchmarks."""
    install(session, "docs")
    session.run("python", "benchmarks/build.py", "--jobs", JOBS)
    for script in sorted(Path("benchmarks").glob("*.py")):
        if script.name != "build.py":
            session.run("python", str(script))


@nox.session
def inventories(session: nox.Session) -> None:
    """Rewrite the intersphinx inventories: a trimmed CPython one, and torch, NumPy and matplotlib
    ones read off the installed packages."""
    install(session, "docs", "inventories")
    session.run("python", "docs/_inventories/make_inventories.py")


@nox.session
def lint(session: nox.Session) -> None:
    """Lint and check formatting with ruff."""
    session.install(*CONSTRAINTS, *nox.project.dependency_groups(PYPROJECT, "lint"))
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")
