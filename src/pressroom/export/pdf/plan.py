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
    for node in walk(blocks):
        if isinstance(node, ast.Heading):
            label = plan.new_label()
            plan.heading_labels[id(node)] = label
            headings.append((node.level, label))
            for name in node.bookmarks:
                plan.labels.setdefault(name, label)
        elif isinstance(node, ast.Anchor) and node.name not in plan.labels:
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


def walk(blocks: list[ast.Block]) -> Iterator[ast.Block | ast.Inline]:
    """Every block and inline in document order."""
    pending: list[ast.Block | ast.Inline] = list(reversed(blocks))
    while pending:
        node = pending.pop()
        yield node
        pending.extend(reversed(children_of(node)))


def children_of(node: ast.Block | ast.Inline) -> list[ast.Block | ast.Inline]:
    match node:
        case ast.Heading(children=inlines) | ast.Paragraph(children=inlines):
            return list(inlines)
        case ast.Styled(children=inlines) | ast.Colored(children=inlines):
            return list(inlines)
        case ast.Link(children=inlines):
            return list(inlines)
        case ast.ListBlock(items=items):
            return [b for item in items for b in item.blocks]
        case ast.TaskList(items=tasks):
            return [b for task in tasks for b in task.blocks]
        case ast.Table(rows=rows):
            return [b for row in rows for cell in row.cells for b in cell.blocks]
        case ast.Columns(columns=columns):
            return [b for column in columns for b in column.blocks]
    blocks = getattr(node, "blocks", None)
    return list(blocks) if isinstance(blocks, list) else []
