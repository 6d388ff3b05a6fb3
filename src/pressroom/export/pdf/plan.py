"""The planning pass: document-wide names decided before any markup is written.

Every bookmark (page titles, headings, anchors) gets one Typst label ``<pr-N>``; the
first definition of a name wins, later ones get none, so no label occurs twice and
no link points to a label that does not exist. A ``toc`` macro scoped to a page ends
at the next heading on the page's level or above.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from pressroom.export import ast

MAX_HEADING_LEVEL = 9  # as in Word: deeper headings become bold paragraphs


@dataclass(slots=True)
class LabelPlan:
    labels: dict[str, str] = field(default_factory=dict)  # bookmark name -> label
    heading_labels: dict[int, str] = field(default_factory=dict)  # id(heading) -> label
    anchor_labels: dict[int, str] = field(default_factory=dict)  # id(anchor) -> label
    section_ends: dict[str, str | None] = field(default_factory=dict)  # label -> end label
    count: int = 0

    def new_label(self) -> str:
        self.count += 1
        return f"pr-{self.count}"

    def target(self, bookmark: str) -> str | None:
        return self.labels.get(bookmark)


def plan_labels(blocks: list[ast.Block]) -> LabelPlan:
    plan = LabelPlan()
    headings: list[tuple[int, str]] = []
    texts: Iterator[ast.Heading | ast.Paragraph] = ast.walk_blocks(
        blocks, (ast.Heading, ast.Paragraph)
    )
    for block in texts:
        if isinstance(block, ast.Heading):
            label = plan.new_label()
            plan.heading_labels[id(block)] = label
            headings.append((block.level, label))
            for name in block.bookmarks:
                plan.labels.setdefault(name, label)
        for node in ast.walk_inlines(block.children):
            if isinstance(node, ast.Anchor) and node.name not in plan.labels:
                label = plan.new_label()
                plan.anchor_labels[id(node)] = label
                plan.labels[node.name] = label
    _plan_section_ends(plan, headings)
    return plan


def _plan_section_ends(plan: LabelPlan, headings: list[tuple[int, str]]) -> None:
    """For each heading: the label of the next heading at its level or above."""
    open_sections: list[tuple[int, str]] = []
    for level, label in headings:
        while open_sections and open_sections[-1][0] >= level:
            plan.section_ends[open_sections.pop()[1]] = label
        open_sections.append((level, label))
    for _, label in open_sections:
        plan.section_ends[label] = None
