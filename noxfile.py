"""Build the lossguide site and run its checks.

nox -s tests         pytest: the package's tests and doctests; no site build
nox -s oldest        the same with the oldest NumPy and torch that pyproject.toml allows
nox -s site          build the site (incrementally when it can) and check it as readers get it
nox -s reproducible  two clean builds must execute to identical outputs
nox -s lint          ruff, and mypy --strict over the package
nox -s build         the sdist and wheel in dist/, checked, and the wheel's doctests run
nox -s docs          clean build of the site into build/html
nox -s serve         live-reloading build for authors
nox -s bench         build times and page weight, then every other script in benchmarks/
nox -s inventories   rewrite the intersphinx inventories in docs/_inventories
nox                  lint, tests, oldest, build, site and reproducible: what CI runs

How the site is built (options, environment, jobs, folders) is tools/sitebuild.py's to say.
"""

import os
import re
import shutil
import tempfile
from pathlib import Path

import nox

nox.needs_version = ">=2025.2.9"
nox.options.default_venv_backend = "virtualenv"  # uv does not see the local torch wheel
nox.options.reuse_venv = "yes"
nox.options.sessions = ["lint", "tests", "oldest", "build", "site", "reproducible"]

PYPROJECT = nox.project.load_toml("pyproject.toml")
# Every install goes through this file, which pins torch to the CPU release the site documents.
CONSTRAINTS = ("--constraint", "constraints.txt")
REPRODUCIBLE = "build/reproducible"
DIST = Path("dist")


@nox.session
def tests(session: nox.Session) -> None:
    """The package's tests and doctests (tests/package, src/lossguide): no site build."""
    _install(session, "docs", "test")
    session.run("pytest", *session.posargs)


@nox.session
def oldest(session: nox.Session) -> None:
    """The package's tests against the oldest release of each dependency that pyproject.toml
    allows, so that its lower bounds are tested, not guessed."""
    lowest = [_lowest(requirement) for requirement in PYPROJECT["project"]["dependencies"]]
    _install(session, "docs", "test", also=lowest)
    session.run("pytest", *session.posargs)


@nox.session
def build(session: nox.Session) -> None:
    """Build the sdist and the wheel into dist/, check them as a package index would, then
    install the wheel into a clean virtualenv and run its doctests there, away from the
    sources: what a user installs must work without the repository."""
    session.install(*CONSTRAINTS, *nox.project.dependency_groups(PYPROJECT, "release"))
    shutil.rmtree(DIST, ignore_errors=True)
    session.run("python", "-m", "build", "--outdir", str(DIST))
    built = sorted(str(path) for path in DIST.iterdir())
    session.run("twine", "check", "--strict", *built)
    wheel = next(path for path in built if path.endswith(".whl"))
    with tempfile.TemporaryDirectory(prefix="lossguide-wheel-") as folder:
        venv = Path(folder, "venv")
        session.run("python", "-m", "venv", str(venv))
        python = str(venv / "bin" / "python")
        # matplotlib for the doctest of lossguide.plots, which draws a figure.
        requirements = ["pytest", "matplotlib"]
        install = [python, "-m", "pip", "install", "--quiet", *CONSTRAINTS, wheel, *requirements]
        session.run(*install, external=True)
        # From a folder that holds no sources and no pytest configuration.
        session.chdir(folder)
        session.run(
            python, "-m", "pytest", "--pyargs", "lossguide", "--doctest-modules",
            "-p", "no:cacheprovider", "-o", "doctest_optionflags=ELLIPSIS NORMALIZE_WHITESPACE",
            "-W", "error", external=True,
        )  # fmt: skip


@nox.session
def site(session: nox.Session) -> None:
    """Build the site, then check it (tests/website): the executed notebooks, the HTML, every
    page in Chromium (screenshots in build/screenshots) and warm kernels against stock ones."""
    _install(session, "docs", "test", "browser")
    browser = _chromium(session)
    session.run("python", "tools/sitebuild.py")
    session.run("pytest", "tests/website", *session.posargs, env={"LOSSGUIDE_CHROMIUM": browser})


@nox.session
def reproducible(session: nox.Session) -> None:
    """Build the site twice from scratch and require identical outputs in every cell."""
    _install(session, "docs", "test")
    builds = [f"{REPRODUCIBLE}/{name}" for name in ("first", "second")]
    for output in builds:
        session.run("python", "tools/sitebuild.py", "--clean", "--output", output)
    session.run(
        "pytest",
        "tests/website/built_site/test_reproducible.py",
        env={"LOSSGUIDE_REPRODUCIBLE_BUILDS": os.pathsep.join(builds)},
    )


@nox.session
def lint(session: nox.Session) -> None:
    """Lint and check formatting with ruff; type-check the package with mypy --strict."""
    _install(session, "lint")
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")
    session.run("mypy")  # settings in pyproject.toml


@nox.session
def docs(session: nox.Session) -> None:
    """Build the site from scratch, executing every page; warnings are errors."""
    _install(session, "docs")
    session.run("python", "tools/sitebuild.py", "--clean", *session.posargs)


@nox.session
def serve(session: nox.Session) -> None:
    """Rebuild and reload the site in the browser whenever a page or the package changes."""
    _install(session, "serve")
    session.run("python", "tools/sitebuild.py", "serve", *session.posargs)


@nox.session
def bench(session: nox.Session) -> None:
    """Time a clean build, a no-change rebuild and a one-page rebuild; run the other benchmarks."""
    _install(session, "docs")
    scripts = sorted(Path("benchmarks").glob("*.py"), key=lambda path: path.name != "build.py")
    for script in scripts:  # build.py first, the others in name order
        session.run("python", str(script))


@nox.session
def inventories(session: nox.Session) -> None:
    """Rewrite the intersphinx inventories: a trimmed CPython one, and torch, NumPy and matplotlib
    ones read off the installed packages."""
    _install(session, "docs", "inventories")
    session.run("python", "docs/_inventories/make_inventories.py")


def _install(session: nox.Session, *groups: str, also: list[str] | None = None) -> None:
    session.install(*CONSTRAINTS, "--editable", ".")
    requirements = [*nox.project.dependency_groups(PYPROJECT, *groups), *(also or [])]
    if requirements:
        session.install(*CONSTRAINTS, *requirements)


def _lowest(requirement: str) -> str:
    """``numpy>=1.24`` as ``numpy==1.24.*``: the oldest releases the bound lets in."""
    match = re.fullmatch(r"([A-Za-z0-9_.-]+)\s*>=\s*([0-9.]+)", requirement)
    if not match:
        raise ValueError(f"{requirement!r}: a dependency needs a lower bound written name>=X.Y")
    return f"{match[1]}=={match[2]}.*"


def _chromium(session: nox.Session) -> str:
    """The browser for tests/website/browser: tools/chromium.py finds one, or installs one
    where it can, and says which in one line; its path is all it prints on stdout."""
    return session.run("python", "tools/chromium.py", silent=True, stderr=None).strip()
