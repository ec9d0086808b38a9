"""What produced the outputs: the torch and NumPy versions, shown in every page's footer.

The versions are read from the installed distributions, not by importing torch, so that a
rebuild with nothing to execute stays fast. They, and a digest of the lossguide sources, are
registered as config values that invalidate the environment: when any of them changes, every
page is executed again, because every output may have changed with it.
"""

from __future__ import annotations

import hashlib
from importlib.metadata import version
from pathlib import Path

from sphinx.application import Sphinx

PACKAGE_SOURCES = Path(__file__).parents[2] / "src" / "lossguide"


def _digest(folder: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*.py")):
        digest.update(path.relative_to(folder).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def setup(app: Sphinx) -> dict[str, object]:
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
