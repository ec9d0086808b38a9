"""The checks of checks.py and test_contrast.py catch the defects they are for: each is run on a
page made with those defects, beside the same things done right, and must tell them apart."""

from __future__ import annotations

import re

import pytest

from lib.browsing import DESKTOP, PHONE, Look
from lib.page_checks import (
    alt_problem,
    clipped_formulas,
    contrast_problems,
    image_problems,
    overflow_problems,
)

GOOD_ALT = "MSELoss and L1Loss against the residual, and their gradients"


@pytest.mark.parametrize(
    "alt",
    [None, "", "  ", "image", "Figure", "plot of the figure", "<Figure size 800x300 with 2 Axes>",
     "loss.png", "../_images/loss.png", "3f2a9c0d1e4b5a6c7d8e9f00", "output_12_0"],
)  # fmt: skip
def test_alt_text_that_does_not_say_what_an_image_shows(alt):
    assert alt_problem(alt)


@pytest.mark.parametrize(
    "alt",
    [
        GOOD_ALT,
        "Sigmoid of the logit, and its gradient",
        "Hinge loss against the margin",
        "The hinge's gradient is a constant -2/3 up to z = 1",
    ],
)
def test_alt_text_that_does(alt):
    assert alt_problem(alt) is None


PLANT_IMAGES = """async (alt) => {
  // A 1600x600 and a 400x150 picture, drawn here; an SVG; and a file that does not exist.
  const draw = async (width, height) => {
    const canvas = document.createElement("canvas");
    [canvas.width, canvas.height] = [width, height];
    canvas.getContext("2d").fillRect(0, 0, width / 2, height / 2);
    return URL.createObjectURL(await new Promise((done) => canvas.toBlob(done)));
  };
  const svg = "data:image/svg+xml," + encodeURIComponent(
    '<svg xmlns="http://www.w3.org/2000/svg" width="400" height="150">' +
      '<rect width="9" height="9"/></svg>');
  const planted = {
    sharp: [await draw(1600, 600), alt],
    vector: [svg, alt],
    blurred: [await draw(400, 150), alt],
    missing: ["_images/no-such-figure.png", alt],
    unlabelled: [await draw(1600, 600), null],
    named: [await draw(1600, 600), "loss_and_gradient.png"],
  };
  const output = document.querySelector("article .cell_output");
  for (const [src, text] of Object.values(planted)) {
    const image = document.createElement("img");
    image.src = src;
    if (text !== null) image.alt = text;
    image.style.width = "700px";
    output.append(image);
  }
  return Object.fromEntries(Object.entries(planted).map(([name, [src]]) => [name, src]));
}"""


def test_image_check_catches_broken_blurred_and_unlabelled_figures(view):
    tab = view("basics/regression.html", Look(*DESKTOP))
    assert image_problems(tab) == [], "the page must start without image problems"
    planted = tab.evaluate(PLANT_IMAGES, GOOD_ALT)
    problems = image_problems(tab)

    def about(name: str) -> list[str]:
        return [problem for problem in problems if problem.startswith(planted[name][:80])]

    assert about("sharp") == []
    assert about("vector") == []
    assert [problem.split(": ", 1)[1] for problem in about("blurred")] == [
        "400 px wide, shown 700 px wide: blurred on a high-DPI screen (needs about 2x, or SVG)"
    ]
    assert [problem.split(": ", 1)[1] for problem in about("missing")] == ["did not load"]
    assert [problem.split(": ", 1)[1] for problem in about("unlabelled")] == ["no alt attribute"]
    assert len(about("named")) == 1
    assert "file name" in about("named")[0]
    assert len(problems) == 4


LAYOUT = """
<style>
  body { margin: 0; font: 16px sans-serif; }
  article { width: 300px; }
  pre, .math-block, .table-wrapper { overflow-x: auto; }
  [data-scrolls] { background: linear-gradient(to right, grey, transparent) left / 1rem no-repeat; }
</style>
<article>
  <section id="input"><div class="cell_input"><pre %(mark)s>%(long)s</pre></div></section>
  <section id="formula">
    <div class="math-block" %(mark)s>
      <math display="block" style="width: 500px"><mi>%(long)s</mi></math>
    </div>
  </section>
  <section id="output"><div class="cell_output"><pre>%(long)s</pre></div></section>
  <section id="table">
    <div class="table-wrapper">
      <table><tr><td style="white-space: nowrap">%(long)s</td></tr></table>
    </div>
  </section>
  %(wide)s
</article>
"""
LONG = "tensor([0.2413, 0.5536, 1.6421, 0.6947, 0.2413, 0.5536, 1.6421, 0.6947])"


def test_overflow_check_allows_only_input_code_and_display_formulas_to_scroll(page):
    tab, _ = page
    tab.set_viewport_size({"width": PHONE[0], "height": PHONE[1]})
    tab.set_content(LAYOUT % {"long": LONG, "wide": "", "mark": "data-scrolls"})
    problems = overflow_problems(tab)
    assert len(problems) == 2, problems
    assert problems[0].startswith('div.cell_output > pre in #output "tensor(')
    assert problems[1].startswith('section > div.table-wrapper in #table "tensor(')
    for problem in problems:
        assert problem.split(": ", 1)[1].startswith("content ")
        assert "in a box of 300 px" in problem


def test_overflow_check_catches_scrolling_that_does_not_show(page):
    tab, _ = page
    tab.set_viewport_size({"width": PHONE[0], "height": PHONE[1]})
    tab.set_content(LAYOUT % {"long": LONG, "wide": "", "mark": ""})
    unmarked = [problem for problem in overflow_problems(tab) if "without the shadows" in problem]
    assert [problem.split(" in #")[0] for problem in unmarked] == [
        "div.cell_input > pre",
        "section > div.math-block",
    ], unmarked


def test_overflow_check_catches_the_page_scrolling_sideways(page):
    tab, _ = page
    tab.set_viewport_size({"width": PHONE[0], "height": PHONE[1]})
    wide = '<section id="wide"><p style="width: 500px">a paragraph set too wide</p></section>'
    tab.set_content(LAYOUT % {"long": "short", "wide": wide, "mark": ""})
    problems = overflow_problems(tab)
    assert problems[0].startswith('section#wide in #wide "a paragraph set too wide": content 500')
    assert problems[0].endswith('p in #wide "a paragraph set too wide" reaches 200 px past it')
    assert problems[-1] == (f"the page scrolls sideways: 500 px wide in a {PHONE[0]} px window")


FORMULAS = """
<style>body { margin: 0; font: 16px serif; } .math-block { display: flex; }</style>
<article>
  <section id="fits">
    <div class="math-block" style="overflow-x: auto; padding: 0.5em 0">%(formula)s</div>
  </section>
  <section id="block-cut">
    <div class="math-block" style="overflow: hidden; height: 20px">%(formula)s</div>
  </section>
  <section id="inline-cut">
    <p style="overflow: hidden; height: 10px">a fraction %(formula)s inline</p>
  </section>
  <section id="inline-fits"><p>a fraction %(formula)s inline</p></section>
</article>
"""
FRACTION = (
    "<math><mfrac><mrow><mi>a</mi><mo>+</mo><mi>b</mi></mrow>"
    "<msup><mi>c</mi><mn>2</mn></msup></mfrac></math>"
)


def test_formula_check_catches_cut_formulas(page):
    tab, _ = page
    tab.set_content(FORMULAS % {"formula": FRACTION})
    cut = clipped_formulas(tab)
    assert not [problem for problem in cut if "-fits" in problem or "#fits" in problem], cut
    inline = [problem for problem in cut if problem.startswith("p > math in #inline-cut")]
    assert len(inline) == 1, cut
    assert 'p in #inline-cut "a fraction a+bc2 inline" (overflow-y hidden) cuts' in inline[0]
    block = [problem for problem in cut if problem.startswith("section > div.math-block")]
    assert block == [
        f'section > div.math-block in #block-cut "a+bc2": content {height} px high in a box of'
        " 20 px"
        for height in [tab.evaluate("document.querySelector('#block-cut div').scrollHeight")]
    ]


CONTRAST = """
<style>body { font: 16px sans-serif; background: #fff; color: #000; }</style>
<main>
  <h1>Contrast</h1>
  <p id="good">Dark text on white, easy to read.</p>
  <p id="faint" style="color: #d0d0d0">Light grey text on white, as an unstyled traceback.</p>
  <p id="over-gradient" style="background: linear-gradient(#fff, #000)">Text on a gradient.</p>
  <pre id="scrolled" style="width: 200px; overflow: auto"><span>x = </span><span
    style="color: #e0e0e0">%(long)s</span></pre>
  <p id="symbol"><math><mo>∑</mo></math></p>
</main>
"""


def test_contrast_check_catches_faint_and_unmeasurable_text(page):
    tab, _ = page
    tab.set_content(CONTRAST % {"long": LONG})
    problems = contrast_problems(tab)
    assert [problem.split(":", 1)[0] for problem in problems] == [
        "#faint",
        "span",  # faint code in a block that scrolls sideways, measured all the same
        "#over-gradient",
    ], problems
    assert re.fullmatch(
        r"#faint: contrast 1\.5\d* \(#d0d0d0 on #ffffff\), needs 4\.5:1", problems[0]
    )
    assert "(#e0e0e0 on #ffffff)" in problems[1]
    assert problems[2].startswith("#over-gradient: not measured (bgGradient)")
