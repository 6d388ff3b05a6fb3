"""Content ids as they arrive from outside: ASCII digits only, within range."""

from __future__ import annotations

MAX_CONTENT_ID = 2**62


def parse_content_id(text: str) -> int | None:
    """The id ``text`` names, or None. ``str.isdigit`` alone would accept "³" or "٣"."""
    text = text.strip()
    if not (text.isascii() and text.isdigit()) or len(text) > 19:
        return None
    value = int(text)
    return value if 0 < value < MAX_CONTENT_ID else None
