"""Which characters of an export no installed font can draw.

Typst draws such characters as empty boxes without a word; the export reports them
in its log instead. Fonts are read (their character maps only) on first need and
remembered for the life of the process; most documents are covered by the first few.
"""

from __future__ import annotations

import threading
import unicodedata
from collections.abc import Iterable
from pathlib import Path
from typing import Final

from fontTools.ttLib import TTCollection, TTFont, TTLibError

FONT_DIRS: Final = (
    Path("/usr/share/fonts"),
    Path("/usr/local/share/fonts"),
    Path.home() / ".fonts",
)
FONT_SUFFIXES: Final = (".ttf", ".otf", ".ttc", ".otc")
FIRST: Final = ("Liberation", "DejaVu", "NotoSansCJK", "NotoColorEmoji", "NotoSans-")
_IGNORED_CATEGORIES: Final = frozenset({"Cc", "Cf", "Zs", "Zl", "Zp", "Mn", "Co", "Cs"})

_lock = threading.Lock()
_maps: dict[Path, frozenset[int]] = {}


def uncovered(text_chars: Iterable[str], extra_fonts: Iterable[Path] = ()) -> list[str]:
    """The characters of ``text_chars`` that no font has, in code point order."""
    wanted = {
        ord(c)
        for c in set(text_chars)
        if ord(c) >= 0x250 and unicodedata.category(c) not in _IGNORED_CATEGORIES
    }
    if not wanted:
        return []
    with _lock:
        for path in [*extra_fonts, *_font_files()]:
            wanted -= _codepoints(path)
            if not wanted:
                return []
    return [chr(c) for c in sorted(wanted)]


def _font_files() -> list[Path]:
    found = [
        path
        for folder in FONT_DIRS
        if folder.is_dir()
        for path in folder.rglob("*")
        if path.suffix.lower() in FONT_SUFFIXES
    ]
    return sorted(found, key=lambda p: (not p.name.startswith(FIRST), p.name))


def _codepoints(path: Path) -> frozenset[int]:
    if path not in _maps:
        _maps[path] = _read_cmap(path)
    return _maps[path]


def _read_cmap(path: Path) -> frozenset[int]:
    try:
        if path.suffix.lower() in (".ttc", ".otc"):
            collection = TTCollection(str(path), lazy=True)
            fonts = list(collection.fonts[:1])
        else:
            fonts = [TTFont(str(path), lazy=True, fontNumber=0)]
        points: set[int] = set()
        for font in fonts:
            points.update((font.getBestCmap() or {}).keys())
        return frozenset(points)
    except (TTLibError, OSError, KeyError, AssertionError, ValueError):
        return frozenset()
