"""How long the site takes to build, and how heavy its pages are.

Run by `nox -s bench` in the docs virtualenv. Every build goes through tools/sitebuild.py, so
with the options, environment and jobs of every other build. Times, in a separate build folder
(build/bench):

- a clean build, executing every page, and right after it the same with stock kernels
  (LOSSGUIDE_STOCK_KERNELS=1: each page in the python3 kernel ipykernel installs, not one forked
  from docs/_ext/warmkernel/'s warm process), with the ratio of the two; the executed
  notebooks of the two builds must hold the same outputs (tests/website/kernel/test_parity.py is the
  test of that; this is a second look, at every page);
- a clean build of the site with every executed page in it twice, as a site of 30 and more
  executed pages would be (the copies' duplicate labels warn, so this one build does not fail
  on warnings);
- a rebuild with nothing changed;
- a rebuild after appending a line to one page, which must execute that page alone;
- the same with a warm process already running, as `nox -s serve` keeps one for its session
  (docs/_ext/warmkernel/): the page's kernel then does not wait for torch to import.

Then the median weight of a page: its HTML and the CSS, JavaScript and images it loads, in
the bytes a browser downloads (gzip, as Read the Docs serves them; HTTP Archive's page weight
also counts bytes transferred), and as stored. Stored, the stylesheets of furo, Pygments and
myst-nb and the scripts of Sphinx, furo and the copy button come to 155 KB before any HTML.
The load average is printed with each time: on a machine shared with other work the times say
little unless it is low.
"""

from __future__ import annotations

import gzip
import json
import os
import re
import shutil
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parents[1] / "tools"))
import sitebuild

DOCS = sitebuild.DOCS
BENCH = sitebuild.Site(sitebuild.BUILD / "bench")
HTML = BENCH.html
EXECUTED = BENCH.executed
STOCK = sitebuild.Site(BENCH.root / "stock")
DOUBLED = BENCH.root / "doubled"
EDITED_PAGE = DOCS / "basics" / "regression.md"
# (name, goal in seconds)
ONE_PAGE, ONE_PAGE_SERVE = "rebuild, one page edited", "the same, as in nox -s serve"
CLEAN_BUILD, STOCK_BUILD = "clean build", "clean build, stock kernels"
DOUBLED_BUILD = "clean build, pages twice"
GOALS = {
    CLEAN_BUILD: 45.0,
    DOUBLED_BUILD: 45.0,
    "rebuild, nothing changed": 2.0,
    ONE_PAGE: 4.0,
    ONE_PAGE_SERVE: 4.0,
}
# Issue 10: warm kernels are worth it at no more than 0.4 of the stock kernels' time, and a
# page weighs under 150 KB sent, images included.
RATIO_GOAL = 0.4
WEIGHT_GOAL_KB = 150.0
ASSET = re.compile(r'<(?:link[^>]*rel="stylesheet"[^>]*href|script[^>]*src|img[^>]*src)="([^"]+)"')


def timed_build(
    site: sitebuild.Site = BENCH, docs: Path = DOCS, strict: bool = True, **env: str
) -> float:
    """Seconds to build ``docs`` into ``site``: incrementally if a build is there."""
    start = time.perf_counter()
    sitebuild.build(site, docs=docs, strict=strict, env=env, quiet=True)
    return time.perf_counter() - start


def executed_notebooks(folder: Path = EXECUTED) -> dict[Path, int]:
    return {path: path.stat().st_mtime_ns for path in folder.rglob("*.ipynb")}


def doubled_docs() -> Path:
    """A copy of docs/ in which each executed page has a twin, page-again.md."""
    docs = DOUBLED.with_name("doubled-docs")
    shutil.copytree(DOCS, docs)
    for page in list(docs.rglob("*.md")):
        if "\nkernelspec:" in page.read_text(encoding="utf-8"):
            shutil.copy(page, page.with_stem(f"{page.stem}-again"))
    return docs


def outputs(executed: Path) -> dict[str, list]:
    """Every code cell's outputs in each executed notebook, with each run of pieces of one
    stream joined: where a kernel cuts printed output into messages depends on timing."""
    pages = {}
    for path in sorted(executed.rglob("*.ipynb")):
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        pages[path.relative_to(executed).as_posix()] = [
            _joined(cell["outputs"]) for cell in cells if cell["cell_type"] == "code"
        ]
    return pages


def _joined(cell_outputs: list[dict]) -> list[dict]:
    joined: list[dict] = []
    for output in cell_outputs:
        output = dict(output)
        if output["output_type"] == "stream":
            output["text"] = "".join(output["text"])  # a string, or a list of its lines
            if joined and joined[-1].get("name") == output["name"]:
                joined[-1]["text"] += output["text"]
                continue
        joined.append(output)
    return joined


def page_weight(page: Path, compress: bool) -> int:
    """Bytes of the page's HTML and of each local stylesheet, script and image it loads: as
    stored, or gzipped as a web server sends them (Read the Docs compresses HTML, CSS, JS and
    SVG; PNG gains nothing)."""
    html = page.read_text(encoding="utf-8")
    files = [page, *{page.parent / href.split("?")[0] for href in ASSET.findall(html)}]
    contents = [path.read_bytes() for path in files if path.exists()]
    return sum(len(gzip.compress(data, 6) if compress else data) for data in contents)


def main() -> None:
    results: list[tuple[str, float, float, str]] = []

    def measure(name: str, **env: str) -> None:
        load = os.getloadavg()[0]
        results.append((name, timed_build(**env), load, ""))

    def measure_one_page_edit(name: str, **env: str) -> None:
        before = executed_notebooks()
        original, stat = EDITED_PAGE.read_bytes(), EDITED_PAGE.stat()
        try:
            EDITED_PAGE.write_bytes(original + b"\nA line added by benchmarks/build.py.\n")
            measure(name, **env)
        finally:
            EDITED_PAGE.write_bytes(original)
            os.utime(EDITED_PAGE, ns=(stat.st_atime_ns, stat.st_mtime_ns))
        rerun = sorted(
            path.relative_to(EXECUTED).as_posix()
            for path, mtime in executed_notebooks().items()
            if before.get(path) != mtime
        )
        results[-1] = (*results[-1][:3], f"executed again: {', '.join(rerun) or 'none'}")

    shutil.rmtree(BENCH.root, ignore_errors=True)
    measure(CLEAN_BUILD)
    results[-1] = (*results[-1][:3], f"{len(executed_notebooks())} pages executed")
    # Right after the warm build, so that the two see as alike a machine as can be had.
    load = os.getloadavg()[0]
    seconds = timed_build(STOCK, LOSSGUIDE_STOCK_KERNELS="1")
    warm_outputs, stock_outputs = outputs(EXECUTED), outputs(STOCK.executed)
    differ = sorted(
        page
        for page in warm_outputs.keys() | stock_outputs.keys()
        if warm_outputs.get(page) != stock_outputs.get(page)
    )
    ratio = results[-1][1] / seconds
    note = f"warm/stock {ratio:.2f} (goal {RATIO_GOAL}); outputs " + (
        f"DIFFER in {', '.join(differ)}" if differ else f"identical in {len(warm_outputs)} pages"
    )
    results.append((STOCK_BUILD, seconds, load, note))
    measure("rebuild, nothing changed")
    measure_one_page_edit(ONE_PAGE)
    with sitebuild.warm_kernels() as warm:
        measure_one_page_edit(ONE_PAGE_SERVE, **warm)
    # Last: the load it leaves behind would weigh on the short builds.
    load = os.getloadavg()[0]
    doubled = sitebuild.Site(DOUBLED)
    seconds = timed_build(doubled, doubled_docs(), strict=False)
    executed = len(executed_notebooks(doubled.executed))
    results.append((DOUBLED_BUILD, seconds, load, f"{executed} pages executed"))

    print(f"Build times on {os.cpu_count()} cores, {sitebuild.jobs()} jobs", end=" ")
    print("(load average at the start of each build)\n")
    print(f"| {'build':<28} | {'seconds':>7} | {'goal':>5} | {'load':>5} | notes")
    print(f"| {'-' * 28} | {'-' * 7} | {'-' * 5} | {'-' * 5} | -----")
    for name, seconds, load, note in results:
        goal = f"{GOALS[name]:5.0f}" if name in GOALS else f"{'-':>5}"
        print(f"| {name:<28} | {seconds:7.1f} | {goal} | {load:5.2f} | {note}")

    pages = [page for page in HTML.rglob("*.html") if not page.name.startswith("_")]
    print(f"\nPage weight (HTML + CSS + JS + images) over {len(pages)} pages; goal: ", end="")
    print(f"{WEIGHT_GOAL_KB:.0f} KB sent\n")
    for compress, label in ((True, "sent, gzip"), (False, "as stored")):
        weights = {page: page_weight(page, compress) / 1024 for page in pages}
        heaviest = max(weights, key=weights.get)
        print(
            f"- {label}: median {statistics.median(weights.values()):.1f} KB, "
            f"heaviest {weights[heaviest]:.1f} KB ({heaviest.relative_to(HTML)})"
        )
    if differ:
        sys.exit(f"\nWarm and stock kernels gave different outputs in: {', '.join(differ)}")


if __name__ == "__main__":
    main()
