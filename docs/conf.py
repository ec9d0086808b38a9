"""Sphinx configuration for the lossguide site."""

import gc
import os
import sys
from importlib import metadata
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).parent / "_ext"))

project = "lossguide"
author = "the lossguide authors"
copyright = "2026, the lossguide authors"
# The addresses of the repository and of the published site, from pyproject.toml's
# [project.urls] as the installed package records them.
project_urls = dict(
    entry.split(", ", 1) for entry in metadata.metadata("lossguide").get_all("Project-URL")
)

extensions = [
    "warmkernel",  # local, first: its process imports torch while the others load
    "myst_nb",
    "notfound.extension",
    "sphinx.ext.autodoc",
    "sphinx.ext.intersphinx",
    "sphinx.ext.napoleon",
    "sphinx_copybutton",
    "sphinx_sitemap",
    # local, in _ext/
    "accessibility",
    "apidocs",
    "buildinfo",
    "error_entries",
    "kernelconfig",
    "loss_tables",
    "mathml",
    "notebooks",  # the notebook downloads, each with a cell that installs what it needs
    "opengraph_nocards",  # sphinxext.opengraph, loaded without matplotlib
    "outputpaths",
    "wheel",  # the lossguide wheel, built with the site and served from its packages/
    "wrapping",
]

nitpicky = True
exclude_patterns = [
    "_build",
    "_inventories",
    "jupyter_execute",
    ".jupyter_cache",
    "**.ipynb_checkpoints",
]
templates_path = ["_templates"]

myst_enable_extensions = ["colon_fence", "dollarmath"]
myst_heading_anchors = 3

# Every page runs on every build that reads it. Not "cache": its one SQLite file races under -j
# (https://github.com/sphinx-doc/sphinx/issues/12481; jupyter-cache 1.0's db.py creates its
# tables unguarded; https://github.com/executablebooks/jupyter-cache/issues/37 is related).
# _ext/warmkernel/ makes that cheap: each page's kernel forks from a process that has
# already imported torch.
nb_execution_mode = "force"
nb_execution_timeout = 120
nb_execution_show_tb = True
# A stray warning in a cell fails the build (-W); a cell that means to show one opts in with
# `mystnb: {output_stderr: show}`, and the tests check that it does warn.
nb_output_stderr = "warn"
nb_merge_streams = True
nb_ipywidgets_js = {}  # never load require.js or widget scripts from a CDN

# Read from files in the repository, never fetched: the site builds offline.
# docs/_inventories/make_inventories.py writes them, trimmed to what a loss guide links to.
torch_release = ".".join(metadata.version("torch").split(".")[:2])
intersphinx_mapping = {
    "python": ("https://docs.python.org/3/", "_inventories/python.inv"),
    "numpy": ("https://numpy.org/doc/stable/", "_inventories/numpy.inv"),
    "torch": (f"https://docs.pytorch.org/docs/{torch_release}/", "_inventories/torch.inv"),
    "matplotlib": ("https://matplotlib.org/stable/", "_inventories/matplotlib.inv"),
}

autodoc_default_options = {"members": True}
# The API page needs lossguide's docstrings, not torch: importing it would cost the build 3 s.
autodoc_mock_imports = ["torch"]
autodoc_typehints = "none"  # the docstrings give the types, in words a reader knows
napoleon_preprocess_types = True
napoleon_type_aliases = {
    "array_like": ":term:`numpy:array_like`",
    "callable": ":term:`python:callable`",
    "np.ndarray": "numpy.ndarray",
}
autodoc_member_order = "bysource"

html_theme = "furo"
tagline = "PyTorch\u2019s loss functions, explained"
html_title = f"{project}: {tagline}"
html_context = {"tagline": tagline}  # under the name in the sidebar, see _templates/
html_theme_options = {
    # furo's "view" and "edit" buttons link to each page's source on GitHub.
    "source_repository": project_urls["Source"],
    "source_branch": "main",
    "source_directory": "docs/",
    "footer_icons": [
        {
            "name": "Source on GitHub",
            "url": project_urls["Source"],
            "html": Path(__file__).with_name("_templates").joinpath("github.svg").read_text(),
            "class": "",
        }
    ],
}
html_math_renderer = "mathml"  # see _ext/mathml.py: no MathJax, no CDN
html_static_path = ["_static"]
html_css_files = ["lossguide.css"]
html_js_files = [("lossguide.js", {"defer": "defer"})]
# Both rewritten on every build, even with nothing changed; api.md lists it all.
html_use_index = False
html_domain_indices = False
html_last_updated_fmt = "%Y-%m-%d"  # of SOURCE_DATE_EPOCH, see _ext/buildinfo.py
# Read the Docs sets the address it serves the site at; sitemap, OpenGraph and the 404 page
# need an absolute one.
html_baseurl = os.environ.get("READTHEDOCS_CANONICAL_URL", project_urls["Documentation"])
sitemap_url_scheme = "{link}"
sitemap_excludes = ["404.html", "search.html", "genindex.html"]
ogp_site_url = html_baseurl
ogp_social_cards = {"enable": False}  # cards are drawn with a font fetched at build time
notfound_urls_prefix = urlsplit(html_baseurl).path

# Copy the code of a cell, never its output.
copybutton_selector = "div:not(.output) > div.highlight pre"
copybutton_exclude = ".linenos, .gp, .go"


def setup(app):
    # At exit Python garbage-collects everything the build made, which took 0.9 s of every
    # build; the process ends with the build, so the collector may skip it all.
    app.connect("build-finished", lambda app, exception: gc.freeze())
