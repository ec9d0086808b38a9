"""The IPython configuration of every kernel that runs a page, warm or stock.

docs/_ext/kernelconfig.py copies this file into the default profile of an IPython folder it
makes for the build, and points IPYTHONDIR at that folder: the pages stay plain notebooks, and
every kernel reads the same configuration as it starts. Changing it executes every page again.
"""

c = get_config()  # noqa: F821

# Figures as SVG: sharp at any zoom and on high-DPI screens, and light. The site's 14 figures
# measured 33-50 KB each as SVG, 6-10 KB gzipped as a web server sends them, against 65-122 KB
# as PNG at twice the resolution ("retina"), which gzip cannot shrink: the heaviest page, with 4
# figures, weighed 75 KB sent instead of 314 KB.
c.InlineBackend.figure_formats = {"svg"}
# The same bytes on every build: the ids of clip paths and glyphs hash this salt, not a random
# one, and the SVG names no date.
c.InlineBackend.rc = {"svg.hashsalt": "lossguide"}
c.InlineBackend.print_figure_kwargs = {"bbox_inches": "tight", "metadata": {"Date": None}}
