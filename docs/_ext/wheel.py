"""Build the lossguide wheel with the site, and serve it from the site's ``packages/`` folder.

A reader who downloads a page as a notebook needs the lossguide that ran it, and no package
index has that yet. So every build makes the wheel of the lossguide the pages import and
puts it in the HTML output, with a page of links that pip's ``--find-links`` reads:

    packages/index.html
    packages/lossguide-0.1.0-py3-none-any.whl

The page, ``<html_baseurl>packages/``, is the stable address: a wheel's file name must carry
its version for pip to accept it, so no fixed name can stand for the current wheel, while
``pip install lossguide==0.1.0 --find-links <html_baseurl>packages/`` finds it on the site
and, once it is published, on the package index. The page gives each wheel's SHA-256, which
pip checks.

The wheel is built by hatchling's own PEP 517 hook in the build's environment (the docs
dependency group has hatchling): no isolated build environment, so nothing is fetched. With
the same SOURCE_DATE_EPOCH (buildinfo.py sets it to the last commit's time) two builds make
the same bytes: hatchling builds reproducibly by default, with every file's date that epoch
and its mode normalised.

``notebooks.py`` names the wheel in the install cell of every notebook download. On a page,
``{lossguide-install}`` (a directive) shows the pip command, and ``{lossguide-wheel}`` (a
role) links to the wheel by its file name.
"""

from __future__ import annotations

import email.parser
import hashlib
import html
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

from docutils import nodes
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from sphinx.application import Sphinx
from sphinx.errors import ExtensionError
from sphinx.util.docutils import SphinxDirective, SphinxRole

from buildinfo import PACKAGE_SOURCES

FOLDER = "packages"
# The checkout the pages import lossguide from (src/lossguide, installed editable), which the
# wheel is built from.
PROJECT = PACKAGE_SOURCES.parents[1]


@dataclass(frozen=True)
class Package:
    """The wheel this build serves."""

    wheel: str  # its file name, e.g. lossguide-0.1.0-py3-none-any.whl
    version: str
    find_links: str  # the absolute address of packages/, for pip --find-links
    requires: tuple[str, ...]  # the names of the distributions it requires, e.g. torch

    @property
    def url(self) -> str:
        return self.find_links + self.wheel


def package(app: Sphinx) -> Package:
    """The wheel this build made (in builder-inited, before any page is read or written)."""
    return app.env.lossguide_package


def _build_wheel(folder: Path) -> Path:
    if not (PROJECT / "pyproject.toml").exists():
        raise ExtensionError(
            f"the pages import lossguide from {PACKAGE_SOURCES}, which is not in a source "
            "checkout: install the checkout being built (pip install --editable .)"
        )
    # A child process: a PEP 517 hook runs in the project's folder.
    hook = "import sys; from hatchling.build import build_wheel; print(build_wheel(sys.argv[1]))"
    try:
        result = subprocess.run(
            [sys.executable, "-c", hook, str(folder)],
            cwd=PROJECT,
            capture_output=True,
            text=True,
            check=True,
        )
    except subprocess.CalledProcessError as error:
        raise ExtensionError(f"building the lossguide wheel failed:\n{error.stderr}") from error
    return folder / result.stdout.strip().splitlines()[-1]


def _write_if_changed(path: Path, content: bytes) -> None:
    """Leave an unchanged file alone, so that its date tells when it last changed."""
    if not path.exists() or path.read_bytes() != content:
        path.write_bytes(content)


def _links_page(wheel: str, digest: str, version: str) -> str:
    name = html.escape(wheel)
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n'
        f'<head><meta charset="utf-8"><title>lossguide {version}: wheel</title></head>\n'
        "<body>\n"
        f"<h1>lossguide {version}</h1>\n"
        "<p>The wheel of the lossguide package that built this site. Install it with "
        f"<code>pip install lossguide=={version} --find-links</code> and the address of this "
        "page.</p>\n"
        f'<p><a href="{name}#sha256={digest}">{name}</a></p>\n'
        "</body>\n"
        "</html>\n"
    )


def _serve(app: Sphinx) -> None:
    if app.builder.format != "html":
        return
    with tempfile.TemporaryDirectory() as temporary:
        built = _build_wheel(Path(temporary))
        content = built.read_bytes()
        requires = _requirements(built)
    version = built.name.split("-")[1]
    folder = Path(app.outdir, FOLDER)
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("lossguide-*.whl"):  # an incremental build's earlier versions
        if old.name != built.name:
            old.unlink()
    _write_if_changed(folder / built.name, content)
    page = _links_page(built.name, hashlib.sha256(content).hexdigest(), version)
    _write_if_changed(folder / "index.html", page.encode())
    base = app.config.html_baseurl.rstrip("/") + "/"
    app.env.lossguide_package = Package(built.name, version, f"{base}{FOLDER}/", requires)


def _requirements(wheel: Path) -> tuple[str, ...]:
    """The distributions the wheel requires, extras left out: the wheel's own word, where the
    installed lossguide's metadata may be older than the checkout."""
    with zipfile.ZipFile(wheel) as archive:
        name = next(name for name in archive.namelist() if name.endswith(".dist-info/METADATA"))
        metadata = email.parser.BytesParser().parsebytes(archive.read(name))
    requirements = [Requirement(line) for line in metadata.get_all("Requires-Dist") or []]
    return tuple(
        sorted(
            {
                canonicalize_name(requirement.name)
                for requirement in requirements
                if not (requirement.marker and "extra" in str(requirement.marker))
            }
        )
    )


def _relative(env, target: str) -> str:
    """``target``, a path in the HTML output, relative to the page being read."""
    return "../" * env.docname.count("/") + target


class InstallCommand(SphinxDirective):
    """The pip command that installs the lossguide this site was built with."""

    def run(self) -> list[nodes.Node]:
        # The version is pyproject.toml's: a page showing it is read again when that changes.
        self.env.note_dependency(str(PROJECT / "pyproject.toml"))
        served = self.env.lossguide_package
        command = f"pip install lossguide=={served.version} --find-links {served.find_links}"
        block = nodes.literal_block(command, command, language="console")
        return [block]


class WheelLink(SphinxRole):
    """A link to the wheel with its file name as the text, which changes with the version.
    The role's own text is not shown: write ``{lossguide-wheel}`wheel```."""

    def run(self) -> tuple[list[nodes.Node], list[nodes.system_message]]:
        self.env.note_dependency(str(PROJECT / "pyproject.toml"))
        wheel = self.env.lossguide_package.wheel
        link = nodes.reference("", "", refuri=_relative(self.env, f"{FOLDER}/{wheel}"))
        link += nodes.literal(wheel, wheel)
        return [link], []


def setup(app: Sphinx) -> dict[str, object]:
    # buildinfo sets SOURCE_DATE_EPOCH, which dates the wheel's files, in its setup. Where it
    # cannot (no git), hatchling dates them to its own fixed epoch: the wheel is still the
    # same on every build.
    app.setup_extension("buildinfo")
    app.connect("builder-inited", _serve)
    app.add_directive("lossguide-install", InstallCommand)
    app.add_role("lossguide-wheel", WheelLink())
    return {"parallel_read_safe": True, "parallel_write_safe": True}
