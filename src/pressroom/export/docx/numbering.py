"""List numbering: one abstract definition per list kind (9 levels each) and a new
``w:num`` per list, so every list restarts at its own start value."""

from __future__ import annotations

import copy
from typing import Final, NamedTuple

from lxml import etree

from pressroom.export.docx.body import IdRange
from pressroom.export.docx.oxml import W_VAL, Element, qn, sub

MAX_LEVEL: Final = 8  # ilvl is 0..8
LEVEL_INDENT: Final = 425  # twips per nesting level
HANGING: Final = 360

_BULLETS: Final = ("\u2022", "\u25e6", "\u25aa")
_NUMBER_FORMATS: Final = ("decimal", "lowerLetter", "lowerRoman")

_ABSTRACT = qn("w:abstractNum")
_NUM = qn("w:num")
_ABSTRACT_ID = qn("w:abstractNumId")
_NUM_ID = qn("w:numId")


class PlannedList(NamedTuple):
    """One list as a chunk wrote it: its numId and how it numbers."""

    num_id: int
    ordered: bool
    ilvl: int
    start: int


class ListIds:
    """The numIds one chunk hands out, each list recorded for :class:`ListNumbering`."""

    def __init__(self, ids: IdRange) -> None:
        self._ids = ids
        self.lists: list[PlannedList] = []

    def new_list(self, *, ordered: bool, ilvl: int, start: int = 1) -> int:
        """A fresh numId for one list whose items sit at ``ilvl``."""
        num_id = self._ids.take()
        self.lists.append(PlannedList(num_id, ordered, ilvl, start))
        return num_id


def level_indent(ilvl: int) -> int:
    """Left indent of the text of list level ``ilvl`` (0-based)."""
    return LEVEL_INDENT * (min(ilvl, MAX_LEVEL) + 1)


class ListNumbering:
    """Adds list definitions to ``numbering.xml``: the two abstract definitions and
    one ``w:num`` per list the chunks wrote."""

    def __init__(
        self,
        numbering: Element,
        *,
        bullet_abstract: str | None = None,
        ordered_abstract: str | None = None,
    ) -> None:
        self._numbering = numbering
        self._cleanup = numbering.find(qn("w:numIdMacAtCleanup"))
        abstract_ids = [int(a.get(_ABSTRACT_ID) or 0) for a in numbering.iter(_ABSTRACT)]
        num_ids = [int(n.get(_NUM_ID) or 0) for n in numbering.iter(_NUM)]
        self._next_abstract = max(abstract_ids, default=-1) + 1
        self._next_num = max(num_ids, default=0) + 1
        self._bullet = bullet_abstract or self._add_abstract(ordered=False)
        self._nums: dict[tuple[bool, int, int], Element] = {}
        self._ordered = ordered_abstract or self._add_abstract(ordered=True)

    @property
    def first_free_id(self) -> int:
        """The first numId the template does not use: the plan hands out ids from here."""
        return self._next_num

    def add(self, planned: PlannedList) -> None:
        """The ``w:num`` of one list a chunk wrote, under the numId the plan gave it."""
        key = (planned.ordered, min(planned.ilvl, MAX_LEVEL), planned.start)
        template = self._nums.get(key)
        if template is None:
            template = self._nums[key] = self._num_template(*key)
        num = copy.copy(template)
        num.set(_NUM_ID, str(planned.num_id))
        if self._cleanup is not None:  # must stay the last child
            self._cleanup.addprevious(num)
        else:
            self._numbering.append(num)

    def _num_template(self, ordered: bool, ilvl: int, start: int) -> Element:
        """A ``w:num`` without its numId: a list costs one copy of it."""
        num = etree.Element(_NUM)
        sub(num, "w:abstractNumId", self._ordered if ordered else self._bullet)
        override = sub(num, "w:lvlOverride", ilvl=str(ilvl))
        sub(override, "w:startOverride", str(start))
        return num

    def _add_abstract(self, *, ordered: bool) -> str:
        abstract_id = str(self._next_abstract)
        self._next_abstract += 1
        abstract = etree.Element(_ABSTRACT)
        abstract.set(_ABSTRACT_ID, abstract_id)
        sub(abstract, "w:multiLevelType", "hybridMultilevel")
        for ilvl in range(MAX_LEVEL + 1):
            _add_level(abstract, ilvl, ordered=ordered)
        first_num = self._numbering.find(_NUM)
        follower = first_num if first_num is not None else self._cleanup
        if follower is not None:
            follower.addprevious(abstract)
        else:
            self._numbering.append(abstract)
        return abstract_id


def _add_level(abstract: Element, ilvl: int, *, ordered: bool) -> None:
    lvl = sub(abstract, "w:lvl", ilvl=str(ilvl))
    sub(lvl, "w:start", "1")
    if ordered:
        sub(lvl, "w:numFmt", _NUMBER_FORMATS[ilvl % len(_NUMBER_FORMATS)])
        sub(lvl, "w:lvlText", f"%{ilvl + 1}.")
    else:
        sub(lvl, "w:numFmt", "bullet")
        sub(lvl, "w:lvlText", _BULLETS[ilvl % len(_BULLETS)])
    sub(lvl, "w:lvlJc", "left")
    ppr = sub(lvl, "w:pPr")
    sub(ppr, "w:ind", left=str(level_indent(ilvl)), hanging=str(HANGING))


def abstract_of_style(styles: Element, numbering: Element, style_id: str | None) -> str | None:
    """The abstractNumId a template's list style numbers with, if it has one, so
    lists keep the bullets and indents the template's author chose."""
    if style_id is None:
        return None
    for style in styles.iter(qn("w:style")):
        if style.get(qn("w:styleId")) != style_id:
            continue
        num_id_el = style.find(f"{qn('w:pPr')}/{qn('w:numPr')}/{qn('w:numId')}")
        if num_id_el is None:
            return None
        for num in numbering.iter(_NUM):
            if num.get(_NUM_ID) == num_id_el.get(W_VAL):
                abstract = num.find(_ABSTRACT_ID)
                return None if abstract is None else abstract.get(W_VAL)
    return None
