"""The first cell of a notebook download: it installs what the page needs, where it is missing.

A reader opens a downloaded page in their own Jupyter, JupyterLab or Colab, where lossguide is
not installed and torch, NumPy or matplotlib may not be. The cell installs, into the kernel's
own environment (``sys.executable -m pip``, as ``%pip`` does):

- lossguide at the version that built the page, unless that version is installed: from the
  package index or from the site, which serves the wheel (wheel.py). One pip command with
  ``--find-links`` looks in both at once, so the same cell works before the package is
  published, and after, should the site move;
- torch, NumPy and matplotlib, each only if the page uses it and it cannot be imported, at the
  release the page ran with, so that the notebook prints what the page shows. An installed
  torch is left alone (a Colab's build, a CUDA build), unless it is older than lossguide's
  own requirement allows, and the cell says so when it is not the release the page ran
  with.

Where everything is there, it does nothing and prints nothing. It runs pip in a child process
and prints pip's output as it comes, rather than ``%pip``: an IPython magic inside a
conditional is hard to read, and ``%pip`` does not fail the cell when pip fails, so the
reader would meet the failure as a ModuleNotFoundError further down. The cell's code runs in
a function, so that no name of its own is left in the reader's namespace.

``LOSSGUIDE_PACKAGES`` in the kernel's environment replaces the site's address: a mirror, or a
local build's ``build/html/packages/``; the tests point it at the built site served on
localhost, so that they run this very cell.
"""

from __future__ import annotations

import ast
import json
import textwrap
from collections.abc import Iterable, Mapping

from IPython.core.inputtransformer2 import TransformerManager

# The distributions a page may need, by the module it imports.
DISTRIBUTIONS = ("lossguide", "torch", "numpy", "matplotlib")
# lossguide.plots imports matplotlib only when it draws, so lossguide's requirements do not
# name it.
ALSO_NEEDS = {"lossguide.plots": "matplotlib"}

HEADER = """\
{comment}
def _install_what_this_page_needs():
    import importlib.metadata
    import importlib.util
    import os
    import site
    import subprocess
    import sys

"""
RELEASES = """\
    releases = {releases}
    missing = [
        f"{{name}}=={{release}}"
        for name, release in releases.items()
        if importlib.util.find_spec(name) is None
    ]
    command = [sys.executable, "-m", "pip", "install"]
"""
LOSSGUIDE = """\
    try:
        installed = importlib.metadata.version("lossguide")
    except importlib.metadata.PackageNotFoundError:
        installed = None
    if installed != "{version}":
        missing.append("lossguide=={version}")
    # The site's page of lossguide wheels. LOSSGUIDE_PACKAGES, if set, is another copy of it:
    # a mirror, or a local build of the site.
    packages = os.environ.get(
        "LOSSGUIDE_PACKAGES", "{find_links}"
    )
    command += ["--find-links", packages]
"""
INSTALL = """\
    if missing:
        output = dict(stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        with subprocess.Popen([*command, *missing], **output) as pip:
            for line in pip.stdout:  # pip's output, as it comes
                print(line, end="")
        if pip.returncode:
            raise RuntimeError(f"pip could not install {' '.join(missing)}: see its output")
        # Where the environment is not writable, pip installs into the user's folder, which
        # is not on sys.path if it did not exist when Python started.
        if site.ENABLE_USER_SITE and os.path.isdir(site.getusersitepackages()):
            site.addsitedir(site.getusersitepackages())
        importlib.invalidate_caches()
"""
TORCH_NOTE = """\
    torch = importlib.metadata.version("torch").split("+")[0]
    if torch != "{torch}":
        print(f"This page ran with torch {torch}; with torch {{torch}}, outputs may differ.")
"""
FOOTER = """

_install_what_this_page_needs()
del _install_what_this_page_needs"""
NAMES = {"lossguide": "lossguide", "torch": "torch", "numpy": "NumPy", "matplotlib": "matplotlib"}


def imported_modules(sources: Iterable[str]) -> set[str]:
    """Every module the code imports, by its full name (``lossguide.plots``)."""
    modules: set[str] = set()
    transform = TransformerManager().transform_cell  # magics and ! lines into Python
    for source in sources:
        for node in ast.walk(ast.parse(transform(source))):
            if isinstance(node, ast.Import):
                modules.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                modules.add(node.module)
                # from lossguide import plots
                modules.update(f"{node.module}.{alias.name}" for alias in node.names)
    return modules


def needs(modules: set[str], lossguide_requires: Iterable[str]) -> list[str]:
    """The distributions among DISTRIBUTIONS that code importing ``modules`` needs."""
    needed = {module.split(".")[0] for module in modules} & set(DISTRIBUTIONS)
    needed |= {also for module, also in ALSO_NEEDS.items() if module in modules}
    if "lossguide" in needed:
        needed |= set(lossguide_requires) & set(DISTRIBUTIONS)
    return [name for name in DISTRIBUTIONS if name in needed]


def source(
    version: str, find_links: str, needed: Iterable[str], releases: Mapping[str, str]
) -> str | None:
    """The install cell for a page that needs ``needed``; None if it needs none of them.

    ``releases`` are the releases the page ran with, e.g. ``{"torch": "2.13.0"}``; lossguide's
    is ``version``, and ``find_links`` the site's address of its wheel.
    """
    needed = list(needed)
    if not needed:
        return None
    pinned = {name: releases[name] for name in needed if name != "lossguide"}
    comment = "Installs what this notebook needs, where it is missing: "
    comment += (
        f"{_describe(needed, version, pinned)}. Where everything is installed, it does nothing."
    )
    if "lossguide" in needed:
        comment += " pip takes lossguide from the package index, or from the site, which"
        comment += " serves the wheel the site was built with."
    return "".join(
        [
            HEADER.format(comment=_comment(comment)),
            RELEASES.format(releases=json.dumps(pinned)),
            LOSSGUIDE.format(version=version, find_links=find_links)
            if "lossguide" in needed
            else "",
            INSTALL,
            TORCH_NOTE.format(torch=pinned["torch"]) if "torch" in pinned else "",
            FOOTER,
        ]
    )


def _comment(text: str) -> str:
    lines = textwrap.wrap(text, 90, break_on_hyphens=False, break_long_words=False)
    return "\n".join(f"# {line}" for line in lines)


def _describe(needed: list[str], version: str, pinned: Mapping[str, str]) -> str:
    """``lossguide 0.1.0, which ran this page, and torch 2.13.0 and NumPy 2.4.6, the releases
    it ran with``."""
    releases = [f"{NAMES[name]} {release}" for name, release in pinned.items()]
    listed = ", ".join(releases[:-1]) + " and " + releases[-1] if len(releases) > 1 else ""
    listed = listed or "".join(releases)
    if listed:
        listed += ", the releases it ran with" if len(releases) > 1 else ", the release it ran with"
    if "lossguide" not in needed:
        return listed
    return f"lossguide {version}, which ran this page" + (f", and {listed}" if listed else "")
