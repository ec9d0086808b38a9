"""Sphinx configuration for the lossguide site."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent / "_ext"))

project = "lossguide"
author = "the lossguide authors"
copyright = "2026, the lossguide authors"

extensions = [
    "myst_nb",
    "sphinx_copybutton",
    # local, in _ext/
    "buildinfo",
    "loss_tables",
    "mathml",
]

nitpicky = True
exclude_patterns = ["_build", "jupyter_execute", ".jupyter_cache", "**.ipynb_checkpoints"]
templates_path = ["_templates"]

myst_enable_extensions = ["colon_fence", "dollarmath"]
myst_heading_anchors = 3

# Every page runs on every build that reads it. Not "cache": its one SQLite file races under -j.
nb_execution_mode = "force"
nb_execution_timeout = 120
nb_execution_show_tb = True
# A stray warning in a cell fails the build (-W); a cell that means to show one opts in with
# `mystnb: {output_stderr: show}`, and the tests check that it does warn.
nb_output_stderr = "warn"
nb_merge_streams = True

html_theme = "furo"
html_title = "lossguide"
html_math_renderer = "mathml"  # see _ext/mathml.py: no MathJax, no CDN
html_static_path = ["_static"]
html_css_files = ["lossguide.css"]

# Copy the code of a cell, never its output.
copybutton_selector = "div:not(.output) > div.highlight pre"
copybutton_exclude = ".linenos, .gp, .go"
