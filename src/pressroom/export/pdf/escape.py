"""The one escaping function of the PDF writer: every text taken from content (page
text, titles, code, link addresses, alt texts, file names) reaches Typst only as a
string literal made here, so content is data and never Typst code.

In markup a literal is written ``#"…";``: the semicolon ends the embedded expression,
so text that follows (``.len()``, ``(x)``, ``[y]``) can never continue it.
"""

from __future__ import annotations

from typing import Final

_ESCAPES: Final = {
    **{code: f"\\u{{{code:x}}}" for code in (*range(0x20), 0x7F)},
    ord("\\"): "\\\\",
    ord('"'): '\\"',
    ord("\n"): "\\n",
    ord("\t"): "\\t",
}


def typst_string(text: str) -> str:
    """``text`` as a Typst string literal, quotes included."""
    return f'"{text.translate(_ESCAPES)}"'


def markup_text(text: str) -> str:
    """``text`` placed in markup: a string literal that ends its own expression."""
    return f"#{typst_string(text)};"
