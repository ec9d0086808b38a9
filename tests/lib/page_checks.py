"""What the browser checks measure in a page, as functions of an open tab.

Each function returns what it found wrong, one readable line per problem, so that a test can
assert the list is empty, and tests/website/browser/test_checks.py can show the same function
catching a planted defect.
"""

from __future__ import annotations

import re

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page

# A short description of an element: its tag, id and classes, where it is (the nearest
# section's id) and the start of its text. Shared by the scripts below.
DESCRIBE = """
const describe = (element) => {
  let name = element.tagName.toLowerCase();
  if (element.id) name += "#" + element.id;
  for (const cls of element.classList) if (cls !== "notranslate") name += "." + cls;
  const parent = element.parentElement;
  if (parent && parent.tagName !== "ARTICLE") {
    let up = parent.tagName.toLowerCase();
    for (const cls of parent.classList) if (cls !== "notranslate") up += "." + cls;
    name = up + " > " + name;
  }
  const section = element.closest("section[id]");
  const text = (element.textContent || "").trim().replace(/\\s+/g, " ").slice(0, 40);
  return name + (section ? " in #" + section.id : "") + (text ? ` "${text}"` : "");
};
"""

OVERFLOW = (
    """() => {"""
    + DESCRIBE
    + """
  // Every element in the article whose content is wider than its box, but the two that may
  // scroll sideways: a cell's input code and a display formula.
  const wide = [...document.querySelectorAll("article *")].filter(
    (element) =>
      element.scrollWidth > element.clientWidth + 1 &&
      !element.matches("div.cell_input pre, div.math-block"),
  );
  // An element that overflows only because a descendant does would repeat its message.
  const innermost = wide.filter(
    (element) => !wide.some((other) => other !== element && element.contains(other)),
  );
  const around = wide.filter((element) => !innermost.includes(element));
  const short = (element) =>
    element.tagName.toLowerCase() +
    (element.id ? "#" + element.id : element.classList.length ? "." + element.classList[0] : "");
  // Those two may scroll, but must show it: lossguide.js marks them, and the CSS draws
  // shadows at their edges.
  const mayScroll = "article div.cell_input pre, article div.math-block";
  const unmarked = [...document.querySelectorAll(mayScroll)]
    .filter(
      (element) =>
        element.scrollWidth > element.clientWidth + 1 &&
        (!element.hasAttribute("data-scrolls") ||
          getComputedStyle(element).backgroundImage === "none"),
    )
    .map(describe);
  const root = document.documentElement;
  return {
    unmarked,
    elements: innermost.map((element) => {
      // What sticks out furthest past the box's right edge, when it is not the element's own text.
      const edge = element.getBoundingClientRect().left + element.clientLeft + element.clientWidth;
      let culprit = null, most = 1;
      for (const inner of element.querySelectorAll("*")) {
        const past = inner.getBoundingClientRect().right - edge;
        if (past > most) [culprit, most] = [inner, past];
      }
      return {
        element: describe(element),
        content: element.scrollWidth,
        box: element.clientWidth,
        culprit: culprit ? `${describe(culprit)} reaches ${Math.round(most)} px past it` : null,
      };
    }),
    around: around.map(
      (element) => `${short(element)} ${element.scrollWidth}/${element.clientWidth}`,
    ),
    page: root.scrollWidth,
    viewport: root.clientWidth,
  };
}"""
)

CLIPPED_FORMULAS = (
    """() => {"""
    + DESCRIBE
    + """
  const found = [];
  for (const math of document.querySelectorAll("article math")) {
    // The formula's extent: its own box and every box drawn inside it.
    const boxes = [math, ...math.querySelectorAll("*")]
      .map((element) => element.getBoundingClientRect())
      .filter((box) => box.width > 0 && box.height > 0);
    if (!boxes.length) continue;
    const top = Math.min(...boxes.map((box) => box.top));
    const bottom = Math.max(...boxes.map((box) => box.bottom));
    // Any ancestor that does not let its content show past its edges vertically (hidden,
    // clip, auto, scroll) must hold all of it.
    for (let box = math.parentElement; box && box !== document.body; box = box.parentElement) {
      if (getComputedStyle(box).overflowY === "visible") continue;
      const edge = box.getBoundingClientRect().top + box.clientTop;
      const cutTop = edge - top, cutBottom = bottom - (edge + box.clientHeight);
      if (cutTop > 1 || cutBottom > 1) {
        found.push(
          `${describe(math)}: ${describe(box)} (overflow-y ${getComputedStyle(box).overflowY})` +
            ` cuts ${cutTop.toFixed(1)} px off its top` +
            ` and ${cutBottom.toFixed(1)} px off its bottom`,
        );
        break;
      }
    }
  }
  // A display formula's box that clips or scrolls (overflow-x: auto makes overflow-y auto)
  // must be as high as the formula, or part of it is hidden.
  for (const block of document.querySelectorAll("article .math-block")) {
    const clips = getComputedStyle(block).overflowY !== "visible";
    if (clips && block.scrollHeight > block.clientHeight + 1) {
      found.push(
        `${describe(block)}: content ${block.scrollHeight} px high` +
          ` in a box of ${block.clientHeight} px`,
      );
    }
  }
  return found;
}"""
)

IMAGES = """async () => {
  const images = [...document.querySelectorAll("img")];
  for (const image of images) {
    // A lazy image loads once it nears the viewport: bring it there and wait for it.
    image.scrollIntoView();
    if (!image.complete) {
      await new Promise((done) => {
        image.addEventListener("load", done, { once: true });
        image.addEventListener("error", done, { once: true });
        setTimeout(done, 5000);
      });
    }
  }
  window.scrollTo(0, 0);
  return images.map((image) => ({
    src: image.getAttribute("src") || "",
    current: image.currentSrc || image.src,
    alt: image.getAttribute("alt"),
    complete: image.complete,
    natural: image.naturalWidth,
    rendered: image.getBoundingClientRect().width,
    output: Boolean(image.closest(".cell_output")),
    section: image.closest("section[id]")?.id || "",
  }));
}"""

# Words that say only that there is a picture, or repeat matplotlib's repr of a figure.
GENERIC_WORDS = {
    "a", "an", "and", "axes", "axis", "chart", "diagram", "fig", "figure", "graph", "image",
    "img", "illustration", "matplotlib", "of", "output", "photo", "picture", "plot", "png",
    "screenshot", "size", "svg", "the", "untitled", "with",
}  # fmt: skip
IMAGE_FILE = re.compile(r"\.(png|jpe?g|gif|svg|webp|bmp|tiff?)\b", re.IGNORECASE)
HASH = re.compile(r"\b[0-9a-f]{12,}\b", re.IGNORECASE)


def alt_problem(alt: str | None) -> str | None:
    """Why ``alt`` does not say what an image shows, or None when it may."""
    if alt is None:
        return "no alt attribute"
    text = alt.strip()
    if not text:
        return "empty alt text"
    # A path has no spaces; a description may say "-2/3".
    if IMAGE_FILE.search(text) or ("/" in text and " " not in text):
        return f"alt text is a file name: {alt!r}"
    if HASH.search(text):
        return f"alt text is a hash: {alt!r}"
    words = re.findall(r"[^\W\d_]+", text.lower())
    meaningful = [word for word in words if word not in GENERIC_WORDS]
    if len(words) < 3 or len(meaningful) < 2:
        return f"alt text does not say what the image shows: {alt!r}"
    return None


def image_problems(tab: Page) -> list[str]:
    """Every image that did not load, has no useful alt text, or (an output figure) would be
    blurred on a screen of two device pixels per CSS pixel."""
    problems = []
    for image in tab.evaluate(IMAGES):
        name = (image["src"][:80] or "(no src)") + (
            f" in #{image['section']}" if image["section"] else ""
        )
        if not image["complete"] or image["natural"] == 0:
            problems.append(f"{name}: did not load")
        reason = alt_problem(image["alt"])
        if reason:
            problems.append(f"{name}: {reason}")
        vector = image["current"].lower().startswith("data:image/svg") or re.search(
            r"\.svg(\?|#|$)", image["current"], re.IGNORECASE
        )
        blurred = 0 < image["natural"] < 1.9 * image["rendered"]
        if image["output"] and blurred and not vector:
            problems.append(
                f"{name}: {image['natural']} px wide, shown {image['rendered']:.0f} px wide:"
                " blurred on a high-DPI screen (needs about 2x, or SVG)"
            )
    return problems


# matplotlib's repr of a figure: what a cell shows when its figure was not drawn as a picture.
FIGURE_REPR = re.compile(r"<Figure size [\d.]+x[\d.]+ with \d+ Axes>")


def figures_shown_as_text(tab: Page) -> list[str]:
    texts = tab.locator("article .cell_output").all_inner_texts()
    return [match for text in texts for match in FIGURE_REPR.findall(text)]


def overflow_problems(tab: Page) -> list[str]:
    """Every element in the article whose content is wider than its box (but a cell's input
    code and a display formula, which must show that they scroll), and the page scrolling
    sideways."""
    found = tab.evaluate(OVERFLOW)
    problems = [
        f"{item['element']}: content {item['content']} px wide in a box of {item['box']} px"
        + (f"; {item['culprit']}" if item["culprit"] else "")
        for item in found["elements"]
    ]
    problems += [
        f"{element}: scrolls sideways without the shadows that show it does"
        for element in found["unmarked"]
    ]
    if found["around"]:
        problems.append("and, around those, (content/box px): " + ", ".join(found["around"]))
    if found["page"] > found["viewport"]:
        problems.append(
            f"the page scrolls sideways: {found['page']} px wide in a {found['viewport']} px window"
        )
    return problems


def clipped_formulas(tab: Page) -> list[str]:
    return tab.evaluate(CLIPPED_FORMULAS)


# Text contrast, measured by axe-core (tests/website/browser/test_contrast.py says how).
AXE = Axe()
CONTRAST = {
    "runOnly": {"type": "rule", "values": ["color-contrast"]},
    "resultTypes": ["violations", "incomplete"],
}
# Incomplete because there is nothing to measure: a symbol, or one or two characters.
UNMEASURABLE = {"nonBmp", "shortTextContent", "pseudoContent"}
WRAP_CODE = "pre { white-space: pre-wrap !important; overflow-wrap: anywhere !important; }"
# Every property that changes a colour drawn or which contrast ratio applies (large text
# needs less), hashed: equal for two looks only if axe would see the same colours.
COLOURS = """() => {
  const properties = ["color", "background-color", "background-image", "opacity", "filter",
    "mix-blend-mode", "text-shadow", "visibility", "font-size", "font-weight"];
  const styles = [...document.querySelectorAll("body *")].map((element) => {
    const style = getComputedStyle(element);
    return properties.map((name) => style.getPropertyValue(name)).join(";");
  });
  // Two 32-bit FNV-1a hashes with different seeds: crypto.subtle needs a secure origin.
  const text = styles.join("\\n");
  let [one, two] = [0x811c9dc5, 0x01000193 ^ 0x5bd1e995];
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    one = Math.imul(one ^ code, 0x01000193);
    two = Math.imul(two ^ code, 0x5bd1e995);
  }
  return `${styles.length}:${(one >>> 0).toString(16)}:${(two >>> 0).toString(16)}`;
}"""
_measured: dict[tuple[str, str], list[str]] = {}


def contrast_problems(tab: Page) -> list[str]:
    """What axe's color-contrast rule finds wrong in the open page, or cannot measure."""
    # Before the measurement moves anything: the table of contents marks the section in view.
    key = (tab.url, tab.evaluate(COLOURS))
    if key not in _measured:
        tab.add_style_tag(content=WRAP_CODE)
        height = tab.evaluate("document.documentElement.scrollHeight")
        tab.set_viewport_size({"width": tab.viewport_size["width"], "height": height})
        results = AXE.run(tab, options=CONTRAST).response
        problems = []
        for kind in ("violations", "incomplete"):
            for rule in results[kind]:
                for node in rule["nodes"]:
                    data = (node["any"] or [{}])[0].get("data") or {}
                    if kind == "incomplete" and data.get("messageKey") in UNMEASURABLE:
                        continue
                    problems.append(_describe(kind, node, data))
        _measured[key] = problems
    return _measured[key]


def _describe(kind: str, node: dict, data: dict) -> str:
    target = " ".join(str(part) for part in node["target"])
    if kind == "violations":
        return (
            f"{target}: contrast {data.get('contrastRatio')} ({data.get('fgColor')} on"
            f" {data.get('bgColor')}), needs {data.get('expectedContrastRatio')}"
        )
    return f"{target}: not measured ({data.get('messageKey')}): {node['html'][:80]}"
