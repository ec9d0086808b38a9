"""Write docs/_static/fonts/lossguide-math.woff2, the math font of the site's formulas.

Browsers lay out MathML with the OpenType MATH table of the formula's font: the size of a
display sum, where its limits go, how far a fraction bar sits from the numerator. Without a
math font, sums stay text-sized and limits slide to the side. The font is Latin Modern Math
(GUST Font License), the OpenType version of the TeX fonts that MathJax and KaTeX imitate, cut
down to what the site's formulas can use: Latin letters upright and in the italic that MathML
gives single-letter identifiers, capital Greek upright and small Greek in italic, as TeX sets
them, calligraphic and blackboard capitals, digits, operators, relations, arrows, delimiters
and accents, each with its script-size variants (the ssty feature) and the larger sizes in the
MATH table. Bold, fraktur, sans-serif and monospace alphabets are left out: no formula uses
them, and a browser draws a missing character from another font. 717 KB of OpenType become 115
KB of WOFF2.

The GUST Font License asks that a changed font be renamed, so the subset is "Lossguide Math".

Run it after changing the character set below, with fontTools and brotli installed (neither
is needed to build the site), on the font Debian ships in fonts-lmodern::

    python tools/make_math_font.py \
        /usr/share/texmf/fonts/opentype/public/lm-math/latinmodern-math.otf
"""

# The character set is written in the characters themselves, which look like ASCII letters.
# ruff: noqa: RUF001

from __future__ import annotations

import argparse
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTFont

FONT = Path(__file__).parents[1] / "docs" / "_static" / "fonts" / "lossguide-math.woff2"
FAMILY = "Lossguide Math"
POSTSCRIPT_NAME = "LossguideMath-Regular"


def _chars(text: str) -> list[int]:
    return [ord(char) for char in text]


def _span(first: int, last: int) -> list[int]:
    return list(range(first, last + 1))


CODE_POINTS = sorted(
    {
        *_span(0x20, 0x7E),  # ASCII: upright letters and digits, \text, punctuation
        *_chars("\u00a0¨¬¯°±´·×÷"),
        *_chars("ˆˇ˘˙˚˜"),  # accents over a symbol: \hat, \check, \breve, \dot, \tilde
        *_span(0x300, 0x30C),  # their combining forms
        *_chars("\u20d6\u20d7\u20e1"),  # \overleftarrow, \vec, \overleftrightarrow
        *_span(0x391, 0x3A9),  # capital Greek, upright as TeX sets it
        *_chars("ϑϕϖϰϱϴϵ"),  # \vartheta, \phi, \varpi, \varkappa, \varrho, \epsilon
        *_chars("‖†‡•…′″‴‵‶‷⁗"),
        *_span(0x2061, 0x2064),  # invisible function application, times, separator, plus
        *_chars("ℓℏ℘∂∇ℵ"),
        *_chars("ℬℰℱℋℐℒℳℛ"),  # the calligraphic capitals outside the alphabet block
        *_chars("ℂℍℕℙℚℝℤ"),  # and the blackboard ones
        *_chars("ℎ"),  # italic h, which is missing from the italic alphabet block
        *_span(0x2190, 0x2199),
        *_chars("↦↩↪↼↽↾↿⇀⇁⇂⇃⇄⇐⇑⇒⇓⇔⇕"),
        *_span(0x27F5, 0x27FE),  # long arrows
        *_chars(
            "∀∃∄∅∆∈∉∋∌∏∐∑−∓∔∕∖∗∘∙√∛∜∝∞∠∣∤∥∦∧∨∩∪∫∬∭∮∴∵∶∷∼∽≀≁≃≄≅≈≉≍≐≔≕≜≠≡≢≤≥≦≧≪≫"
            "≮≯≰≱≲≳≺≻≼≽⊂⊃⊄⊅⊆⊇⊈⊉⊊⊋⊎⊏⊐⊑⊒⊓⊔⊕⊖⊗⊘⊙⊚⊛⊝⊞⊟⊠⊡⊢⊣⊤⊥⊧⊨⊲⊳⊴⊵⊸⋀⋁⋂⋃⋄⋅⋆⋈⋉⋊⋮⋯⋰⋱"
        ),
        *_chars("⨀⨁⨂⨄⨆⨯⩽⩾⪯⪰"),
        *_chars("⌈⌉⌊⌋⟦⟧⟨⟩"),  # ceilings, floors, brackets
        *_span(0x1D434, 0x1D467),  # mathematical italic A-z: <mi>x</mi> is drawn with these
        *_span(0x1D6FC, 0x1D71B),  # italic small Greek, with italic ∂ and ∇ (capitals stay upright)
        *_span(0x1D49C, 0x1D4B5),  # calligraphic capitals, \mathcal
        *_span(0x1D538, 0x1D551),  # blackboard capitals, \mathbb
        *_chars("𝟙"),  # the indicator function's blackboard 1
    }
)


def _rename(font: TTFont) -> None:
    """Name the subset as the licence asks, and say where it comes from."""
    names = font["name"]
    # Family, unique ID, full name, PostScript name, typographic family.
    renamed = {
        1: FAMILY,
        3: POSTSCRIPT_NAME,
        4: f"{FAMILY} Regular",
        6: POSTSCRIPT_NAME,
        16: FAMILY,
    }
    for record in list(names.names):
        if record.nameID in renamed:
            record.string = renamed[record.nameID]
    names.setName(
        "A subset of Latin Modern Math 1.959 by B. Jackowski, P. Strzelczyk and P. Pianowski,"
        " renamed as the GUST Font License asks of changed versions.",
        10,
        3,
        1,
        0x409,
    )
    cff = font["CFF "].cff
    cff.fontNames = [POSTSCRIPT_NAME]
    top = cff.topDictIndex[0]
    top.FullName = f"{FAMILY} Regular"
    top.FamilyName = FAMILY


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", type=Path, help="latinmodern-math.otf")
    source = parser.parse_args().source

    options = subset.Options()
    options.flavor = "woff2"
    # ssty: the glyphs drawn for scripts and scripts of scripts; dtls: dotless i and j under
    # accents. The MATH table is kept, and with it the larger sizes of every kept glyph.
    options.layout_features = ["ssty", "dtls"]
    options.name_IDs = ["*"]
    options.notdef_outline = True
    # Keep the date the font was made, so that running this twice writes the same file.
    font = TTFont(source, recalcTimestamp=False)
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=CODE_POINTS)
    subsetter.subset(font)
    _rename(font)
    font.flavor = "woff2"
    FONT.parent.mkdir(parents=True, exist_ok=True)
    font.save(FONT)
    print(f"{FONT}: {len(font.getGlyphOrder())} glyphs, {FONT.stat().st_size / 1024:.1f} KB")


if __name__ == "__main__":
    main()
