"""How the site is built, written once: nox, the benchmarks, the site's tests and Read the Docs
all build through this.

    python tools/sitebuild.py [--output DIR] [--clean] [SPHINX OPTION ...]
    python tools/sitebuild.py serve [SPHINX-AUTOBUILD OPTION ...]

The first builds docs/ into DIR/html (build/html by default), warnings as errors, and leaves
the notebooks myst-nb executed in DIR/jupyter_execute. It rebuilds incrementally when the last
build into DIR succeeded, and from scratch otherwise or with --clean. The second rebuilds and
reloads the site in a browser as its sources or the package change, with one warm process
(docs/_ext/warmkernel/) kept for the session.

Run it with the Python of the environment that has the docs dependencies: it builds with that
interpreter's Sphinx.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
BUILD = ROOT / "build"
# One thread per page's kernel: pages run side by side, and torch's default of a thread per
# core made them fight over the cores. A fixed hash seed: set iteration order, which some
# outputs print, is the same on every build.
ENVIRONMENT = {"OMP_NUM_THREADS": "1", "PYTHONHASHSEED": "0"}
SPHINX_OPTIONS = ("--builder", "html", "--keep-going", "--nitpicky")
STRICT = ("--fail-on-warning",)
# The folder of a warm process that several builds share (docs/_ext/warmkernel/).
WARM_KERNELS = "LOSSGUIDE_WARM_KERNELS"


def jobs() -> int:
    """Two pages at a time per core: the Sphinx process reading a page idles while its kernel
    runs, and each kernel idles about 0.45 s in jupyter_client's fixed waits as it starts and
    stops. On 2 cores, 4 jobs built the site in 21-23 s instead of 25 s, and 32 pages in
    35-37 s, not 48 s."""
    return 2 * (os.cpu_count() or 1)


@dataclass(frozen=True)
class Site:
    """Where one build of the site puts what."""

    root: Path = BUILD

    @property
    def html(self) -> Path:
        return self.root / "html"

    @property
    def executed(self) -> Path:
        """The executed notebooks: myst-nb writes them beside the output folder."""
        return self.root / "jupyter_execute"

    @property
    def succeeded(self) -> Path:
        """Written after a build succeeds: a build without it is not trusted to be
        incremental (a failed one may have left pages half written)."""
        return self.root / "build-ok.json"


# Not passed on: a matplotlib backend chosen in the caller's shell (MPLBACKEND=Agg is common on
# servers) would stop ipykernel from choosing its inline backend, and every figure on the site
# would be the text "<Figure size ...>".
NOT_PASSED_ON = ("MPLBACKEND",)


def environment(**extra: str) -> dict[str, str]:
    """The environment a build runs in: the caller's, less NOT_PASSED_ON, with ENVIRONMENT."""
    inherited = {key: value for key, value in os.environ.items() if key not in NOT_PASSED_ON}
    return {**inherited, **ENVIRONMENT, **extra}


def build(
    site: Site = Site(),
    options: Sequence[str] = (),
    *,
    clean: bool = False,
    strict: bool = True,
    docs: Path = DOCS,
    env: Mapping[str, str] | None = None,
    quiet: bool = False,
) -> None:
    """Build ``docs`` into ``site``; raise CalledProcessError if the build fails.

    Incremental when the last build into ``site`` succeeded and ``clean`` is false: Sphinx then
    reads, and executes, only the pages that changed (every page, if the package changed).
    ``env`` adds to the build's environment; ``quiet`` leaves only errors on stderr.
    """
    if clean or not site.succeeded.exists():
        shutil.rmtree(site.root, ignore_errors=True)
    site.succeeded.unlink(missing_ok=True)
    command = [sys.executable, "-m", "sphinx", *SPHINX_OPTIONS, *(STRICT if strict else ())]
    command += ["--jobs", str(jobs()), *(["--quiet"] if quiet else []), *options]
    command += [str(docs), str(site.html)]
    subprocess.run(
        command,
        check=True,
        cwd=ROOT,
        env=environment(**(env or {})),
        stderr=subprocess.DEVNULL if quiet else None,
    )
    site.succeeded.write_text(json.dumps({"html": str(site.html)}))


@contextlib.contextmanager
def warm_kernels() -> Iterator[dict[str, str]]:
    """A warm process ready for the duration of the block; yields the environment that makes
    builds use it rather than start their own."""
    sys.path.insert(0, str(DOCS / "_ext"))
    from warmkernel.process import running

    with running(environment()) as folder:
        yield {WARM_KERNELS: str(folder)}


def serve(options: Sequence[str]) -> None:
    """Rebuild and reload the site in the browser whenever a page or the package changes."""
    site = Site()
    command = ["sphinx-autobuild", str(DOCS), str(site.html), "--jobs", str(jobs())]
    command += ["--watch", str(ROOT / "src"), "--ignore", str(site.root), *options]
    # One warm process for the whole session: a rebuild after an edit then executes the page
    # without waiting for torch to import.
    with warm_kernels() as warm, contextlib.suppress(KeyboardInterrupt):
        subprocess.run(command, check=True, cwd=ROOT, env=environment(**warm))


def main(arguments: Sequence[str]) -> None:
    if arguments[:1] == ["serve"]:
        serve(arguments[1:])
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=BUILD, help="default: build/")
    parser.add_argument("--clean", action="store_true", help="build every page from scratch")
    known, sphinx_options = parser.parse_known_args(arguments)
    site = Site(known.output.resolve())
    try:
        build(site, sphinx_options, clean=known.clean)
    except subprocess.CalledProcessError as error:
        sys.exit(error.returncode)
    print(f"The site is in {site.html / 'index.html'}")


if __name__ == "__main__":
    main(sys.argv[1:])
