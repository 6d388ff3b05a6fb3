"""Built-in strings of exported documents ("Contents", "Page 3 of 9" …), by language.

One table for every writer. English only for now: a language missing here, or a
string missing in it, falls back to English.
"""

from __future__ import annotations

from typing import Final

ENGLISH: Final = {
    "contents": "Contents",
    "index": "Index",
    "page_x_of_y": "Page {page} of {pages}",
    "see_page": " (see page {page})",
    "figure": "Figure",
    "table": "Table",
    "exported_by": "Exported by",
    "export_date": "Export date",
    "version": "Version",
    "space": "Space",
    "image_missing": "Image not available",
    "remote_image": "Image",
}

TRANSLATIONS: Final[dict[str, dict[str, str]]] = {"en": ENGLISH}


def strings_for(locale: str | None) -> dict[str, str]:
    """The strings for a BCP 47 ``locale`` (``de-CH`` → ``de`` → English)."""
    language = (locale or "en").replace("_", "-").split("-")[0].lower()
    return {**ENGLISH, **TRANSLATIONS.get(language, {})}
