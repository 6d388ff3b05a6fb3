"""Style lookup by name and merging the default template's styles into a user template.

Word refers to styles by id, people (and Scroll templates) by name. The writer asks
by name; :class:`StyleCatalog` answers with the template's id in one dict lookup.
"""

from __future__ import annotations

import copy
from typing import Final

from pressroom.export.docx.oxml import W_VAL, Element, qn

HEADING_LEVELS: Final = 9
LIST_LEVELS: Final = 8

# Every style the writer uses, as Scroll's templates name them.
SCROLL_STYLES: Final[tuple[str, ...]] = (
    *(f"Scroll Heading {n}" for n in range(1, HEADING_LEVELS + 1)),
    "Scroll Plain Text",
    "Scroll Inline Code",
    "Scroll Code",
    "Scroll Quote",
    "Scroll Caption",
    "Scroll List Bullet",
    *(f"Scroll List Bullet {n}" for n in range(2, LIST_LEVELS + 1)),
    "Scroll List Number",
    *(f"Scroll List Number {n}" for n in range(2, LIST_LEVELS + 1)),
    "Scroll Table Normal",
    "Scroll Info",
    "Scroll Note",
    "Scroll Tip",
    "Scroll Warning",
    "Scroll Panel",
    "Scroll Expand Macro Text",
    "Scroll Section Column",
    "Hyperlink",
    *(f"toc {n}" for n in range(1, HEADING_LEVELS + 1)),
)

_STYLE = qn("w:style")
_NAME = qn("w:name")
_STYLE_ID = qn("w:styleId")
_REFERENCES = (qn("w:basedOn"), qn("w:next"), qn("w:link"))


def style_name(style: Element) -> str | None:
    name = style.find(_NAME)
    return None if name is None else name.get(W_VAL)


def list_style_name(ordered: bool, depth: int) -> str:
    base = "Scroll List Number" if ordered else "Scroll List Bullet"
    level = min(max(depth, 1), LIST_LEVELS)
    return base if level == 1 else f"{base} {level}"


class StyleCatalog:
    """Name → style id for one ``styles.xml`` (names compare case-insensitively,
    as Word's built-in names do)."""

    def __init__(self, styles: Element) -> None:
        self._ids: dict[str, str] = {}
        for style in styles.iter(_STYLE):
            name = style_name(style)
            style_id = style.get(_STYLE_ID)
            if name and style_id:
                self._ids.setdefault(name.lower(), style_id)

    def id(self, name: str) -> str | None:
        return self._ids.get(name.lower())


def merge_missing_styles(
    target: Element, source: Element, names: tuple[str, ...] = SCROLL_STYLES
) -> list[str]:
    """Copy the styles called ``names`` (and the styles they are based on or linked
    to) from ``source`` into ``target`` where ``target`` lacks them by name.

    Styles the target defines win. Copied styles whose id the target already uses
    for another style get a fresh id. Returns the names copied.
    """
    target_names = {(style_name(s) or "").lower(): s for s in target.iter(_STYLE)}
    source_by_id = {s.get(_STYLE_ID): s for s in source.iter(_STYLE)}
    wanted = _styles_to_copy(source, names, target_names, source_by_id)
    renamed = _fresh_ids(wanted, {s.get(_STYLE_ID) for s in target.iter(_STYLE)})
    copied: list[str] = []
    for style in reversed(wanted):
        clone = copy.deepcopy(style)
        clone.set(_STYLE_ID, renamed[style.get(_STYLE_ID) or "Style"])
        for ref in _REFERENCES:
            ref_el = clone.find(ref)
            if ref_el is not None:
                old = ref_el.get(W_VAL) or ""
                target_id = renamed.get(old) or _target_id_for(old, source_by_id, target_names)
                ref_el.set(W_VAL, target_id)
        target.append(clone)
        copied.append(style_name(style) or "")
    return copied


def _styles_to_copy(
    source: Element,
    names: tuple[str, ...],
    target_names: dict[str, Element],
    source_by_id: dict[str | None, Element],
) -> list[Element]:
    """The source styles called ``names`` that the target lacks, and what they need."""
    source_by_name = {(style_name(s) or "").lower(): s for s in source.iter(_STYLE)}
    wanted: list[Element] = []
    pending = [source_by_name[n.lower()] for n in names if n.lower() in source_by_name]
    seen: set[int] = set()
    while pending:
        style = pending.pop()
        if id(style) in seen or (style_name(style) or "").lower() in target_names:
            continue
        seen.add(id(style))
        wanted.append(style)
        for ref in _REFERENCES:
            ref_el = style.find(ref)
            if ref_el is not None and ref_el.get(W_VAL) in source_by_id:
                pending.append(source_by_id[ref_el.get(W_VAL)])
    return wanted


def _fresh_ids(styles: list[Element], taken: set[str | None]) -> dict[str, str]:
    """Source id → an id free in the target (``ScrollCode`` → ``ScrollCode2``)."""
    renamed: dict[str, str] = {}
    for style in styles:
        old_id = style.get(_STYLE_ID) or "Style"
        new_id, n = old_id, 1
        while new_id in taken:
            n += 1
            new_id = f"{old_id}{n}"
        taken.add(new_id)
        renamed[old_id] = new_id
    return renamed


def _target_id_for(
    source_id: str, source_by_id: dict[str | None, Element], target_names: dict[str, Element]
) -> str:
    """The target's id for the style the source calls ``source_id`` (matched by name)."""
    source_style = source_by_id.get(source_id)
    if source_style is None:
        return source_id
    match = target_names.get((style_name(source_style) or "").lower())
    return (match.get(_STYLE_ID) if match is not None else None) or source_id
