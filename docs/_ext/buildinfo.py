"""What produced the outputs: the torch and NumPy versions, shown in every page's footer.

The versions are read from the installed distributions, not by importing torch, so that a
rebuild with nothing to execute stays fast. They, and a digest of the lossguide sources, are
registered as config values that invalidate the environment: when any of them changes, every
page is executed again, because every output may have changed with it.

The "Last updated" date in the footer is SOURCE_DATE_EPOCH's, as Sphinx reads it; when the
variable is not set, it is set here to the time of the last commit, so that two builds of the
same commit show the same date. `git log -1` also works in a shallow clone; without git or a
repository, Sphinx falls back to the time of the build.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
from importlib.metadata import version
from importlib.util import find_spec
from pathlib import Path

from sphinx.application import Sphinx

# The lossguide that the pages import (found, not imported): src/lossguide, installed editable.
PACKAGE_SOURCES = Path(find_spec("lossguide").origin).parent


def _digest(folder: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*.py")):
        digest.update(path.relative_to(folder).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _last_commit_time() -> str | None:
    try:
        out = subprocess.run(
            ["git", "log", "-1", "--format=%ct"],
            cwd=PACKAGE_SOURCES,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return None
    return out or None


def setup(app: Sphinx) -> dict[str, object]:
    if "SOURCE_DATE_EPOCH" not in os.environ and (commit_time := _last_commit_time()):
        os.environ["SOURCE_DATE_EPOCH"] = commit_time
    # Pages that did not change are rewritten when the date does, so they all show one date.
    app.add_config_value("lossguide_date", os.environ.get("SOURCE_DATE_EPOCH"), "html", str)
    versions = {"torch": version("torch"), "numpy": version("numpy")}
    app.add_config_value("lossguide_versions", versions, "env", dict)
    app.add_config_value("lossguide_sources_digest", _digest(PACKAGE_SOURCES), "env", str)
    app.connect(
        "html-page-context",
        lambda app, pagename, templatename, context, doctree: context.update(
            torch_version=versions["torch"], numpy_version=versions["numpy"]
        ),
    )
    return {"parallel_read_safe": True, "parallel_write_safe": True}
