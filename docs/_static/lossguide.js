// A code block, output or formula wider than the page scrolls sideways; a keyboard user can
// only scroll it once it can take focus (axe: scrollable-region-focusable). data-scrolls marks
// it for the CSS, which draws shadows at its edges: only there, since text over a gradient is
// text whose contrast no checker can measure.
function focusScrollables() {
  for (const element of document.querySelectorAll("article *")) {
    const overflow = getComputedStyle(element).overflowX;
    const scrolls = (overflow === "auto" || overflow === "scroll") && element.scrollWidth > element.clientWidth;
    element.toggleAttribute("data-scrolls", scrolls);
    if (scrolls && !element.hasAttribute("tabindex")) {
      element.tabIndex = 0;
      element.dataset.scrollFocus = "";
    } else if (!scrolls && "scrollFocus" in element.dataset) {
      element.removeAttribute("tabindex");
      delete element.dataset.scrollFocus;
    }
  }
}
document.addEventListener("DOMContentLoaded", focusScrollables);
window.addEventListener("resize", focusScrollables);
// Formulas widen when their font arrives, which may be after the page is read (math.css).
document.fonts.addEventListener("loadingdone", focusScrollables);
