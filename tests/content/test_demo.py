"""The DEMO space: idempotent seeding, its page tree, and coverage of the storage format."""

from __future__ import annotations

import html.entities
import re
from collections.abc import Iterator
from itertools import pairwise

import pytest
from lxml import etree
from PIL import Image
from sqlalchemy import func, select

from pressroom.bootstrap import bootstrap
from pressroom.config import Settings
from pressroom.content import demo
from pressroom.content.attachments import add_attachment
from pressroom.content.demo import seed_demo
from pressroom.content.models import Content, ContentVersion, Space
from pressroom.content.storage_check import check_storage
from pressroom.db import Database

AC = "http://atlassian.com/content"
RI = "http://atlassian.com/resource/identifier"
PREFIXES = {AC: "ac", RI: "ri"}

ELEMENTS = {
    *("h1", "h2", "h3", "h4", "h5", "h6", "p"),
    *("strong", "em", "u", "s", "del", "sup", "sub", "code", "span", "small", "big"),
    *("br", "hr", "blockquote", "pre", "ul", "ol", "li", "a", "time"),
    *("table", "colgroup", "col", "thead", "tbody", "tr", "th", "td"),
    *("ac:task-list", "ac:task", "ac:task-status", "ac:task-body"),
    *("ac:link", "ac:plain-text-link-body", "ac:link-body", "ac:image", "ac:emoticon"),
    *("ac:layout", "ac:layout-section", "ac:layout-cell"),
    *("ri:page", "ri:blog-post", "ri:attachment", "ri:user", "ri:url"),
}

MACROS = {
    *("code", "noformat", "info", "note", "tip", "warning", "panel", "expand", "toc"),
    *("anchor", "status", "excerpt", "excerpt-include", "include", "children", "jira"),
    *("section", "column"),
    *("scroll-ignore", "scroll-ignore-inline", "scroll-only", "scroll-only-inline"),
    *("scroll-pdf-ignore", "scroll-pdf-only", "scroll-pagebreak", "scroll-landscape"),
    *("scroll-portrait", "scroll-title", "scroll-pagetitle", "scroll-indexterm"),
    *("scroll-bookmark", "scroll-tablelayout"),
}


@pytest.fixture
def seeded(settings: Settings, db: Database) -> Database:
    bootstrap(settings, db)
    seed_demo(settings, db)
    return db


def snapshot(db: Database) -> list[tuple[object, ...]]:
    with db.read() as session:
        rows = session.scalars(select(Content).order_by(Content.id)).all()
        versions = session.scalar(select(func.count()).select_from(ContentVersion))
        spaces = session.scalar(select(func.count()).select_from(Space))
        return [
            (spaces, versions),
            *(
                (
                    row.id,
                    row.type,
                    row.title,
                    row.parent_id,
                    row.position,
                    row.version,
                    row.body,
                    row.file_size,
                    row.created_at,
                    tuple(label.name for label in row.labels),
                )
                for row in rows
            ),
        ]


def documents(db: Database, content_type: str) -> list[Content]:
    with db.read() as session:
        statement = select(Content).where(Content.type == content_type).order_by(Content.id)
        return list(session.scalars(statement))


def parse(body: str) -> etree._Element:
    def numeric(match: re.Match[str]) -> str:
        name = match.group(1)
        if name in ("amp", "lt", "gt", "quot", "apos"):
            return match.group(0)
        return f"&#{html.entities.name2codepoint[name]};"

    text = re.sub(r"&([A-Za-z][A-Za-z0-9]*);", numeric, body)
    wrapped = f'<root xmlns:ac="{AC}" xmlns:ri="{RI}">{text}</root>'
    return etree.fromstring(wrapped.encode("utf-8"))


def name_of(element: etree._Element) -> str:
    qualified = etree.QName(element)
    prefix = PREFIXES.get(qualified.namespace or "")
    return f"{prefix}:{qualified.localname}" if prefix else qualified.localname


def macros(root: etree._Element) -> Iterator[etree._Element]:
    yield from root.iter(f"{{{AC}}}structured-macro")


def parameter(macro: etree._Element, name: str) -> str | None:
    for child in macro.findall(f"{{{AC}}}parameter"):
        if child.get(f"{{{AC}}}name") == name:
            return (child.text or "").strip()
    return None


def list_depth(element: etree._Element) -> int:
    nested = [list_depth(child) for child in element.iter("ul", "ol") if child is not element]
    return 1 + max(nested, default=0) if element.tag in ("ul", "ol") else max(nested, default=0)


@pytest.fixture
def bodies(seeded: Database) -> list[etree._Element]:
    return [parse(row.body) for row in documents(seeded, "page") + documents(seeded, "blogpost")]


def test_seeding_twice_changes_nothing(settings: Settings, seeded: Database) -> None:
    before = snapshot(seeded)

    seed_demo(settings, seeded)

    assert snapshot(seeded) == before


def test_the_space_is_public_and_its_homepage_is_the_manual(seeded: Database) -> None:
    with seeded.read() as session:
        space = session.scalar(select(Space).where(Space.key == "DEMO"))
        assert space is not None
        assert space.homepage is not None
        assert space.homepage.title == "Anchorage Documentation"
        granted = {(p.subject_type, p.permission) for p in space.permissions}
    assert ("anonymous", "view") in granted


def test_page_tree_is_deep_with_blog_posts(seeded: Database) -> None:
    pages = documents(seeded, "page")
    by_id = {page.id: page for page in pages}

    def depth(page: Content) -> int:
        return 1 if page.parent_id is None else 1 + depth(by_id[page.parent_id])

    assert len(pages) >= 10
    assert max(depth(page) for page in pages) >= 4
    assert len(documents(seeded, "blogpost")) >= 1
    roots = [page.title for page in pages if page.parent_id is None and page.space.key == "DEMO"]
    assert roots == ["Anchorage Documentation", "Support Contacts"]


def test_every_body_is_well_formed_storage(seeded: Database) -> None:
    for content in documents(seeded, "page") + documents(seeded, "blogpost"):
        check_storage(content.body)


def test_bodies_use_every_element_of_the_coverage_list(bodies: list[etree._Element]) -> None:
    used = {name_of(element) for root in bodies for element in root.iter(etree.Element)}

    assert ELEMENTS - used == set()


def test_bodies_use_every_macro_of_the_coverage_list(bodies: list[etree._Element]) -> None:
    used = {macro.get(f"{{{AC}}}name") for root in bodies for macro in macros(root)}

    assert MACROS - used == set()
    assert used - MACROS >= {"ui-tabs", "recently-updated"}  # unknown: with and without body


def test_macro_parameters_vary(bodies: list[etree._Element]) -> None:
    calls = [macro for root in bodies for macro in macros(root)]

    def values(name: str, key: str) -> set[str | None]:
        return {parameter(m, key) for m in calls if m.get(f"{{{AC}}}name") == name}

    assert values("code", "language") >= {"python", "java", "bash", "json", "sql"}
    assert "true" in values("code", "linenumbers")
    assert len(values("code", "title") - {None}) >= 5
    assert len(values("status", "colour") - {None}) >= 4
    assert values("scroll-only", "exporter") >= {"word", "pdf"}
    assert values("scroll-only-inline", "exporter") >= {"word", "pdf"}
    assert len(values("scroll-indexterm", "subentry") - {None}) >= 3
    assert values("panel", "bgColor") - {None}
    assert values("panel", "title") - {None}


def test_layouts_tables_images_and_lists_exercise_their_attributes(
    bodies: list[etree._Element],
) -> None:
    elements = [element for root in bodies for element in root.iter(etree.Element)]

    def attribute_values(tag: str, attribute: str) -> set[str]:
        return {e.get(attribute, "") for e in elements if name_of(e) == tag} - {""}

    assert attribute_values("ac:layout-section", f"{{{AC}}}type") >= {
        "two_equal",
        "three_with_sidebars",
    }
    assert attribute_values("td", "colspan") and attribute_values("th", "rowspan")
    assert attribute_values("td", "data-highlight-colour")
    assert any(e.find(".//table") is not None for e in elements if e.tag == "td")
    assert len(attribute_values("ac:image", f"{{{AC}}}width")) >= 4
    assert attribute_values("ac:image", f"{{{AC}}}height")
    assert attribute_values("ac:image", f"{{{AC}}}align") >= {"left", "center", "right"}
    assert attribute_values("ac:image", f"{{{AC}}}alt")
    assert attribute_values("ri:user", f"{{{RI}}}username") == {"admin"}
    styles = " ".join(attribute_values("p", "style"))
    assert "text-align: center" in styles and "text-align: right" in styles
    assert "margin-left" in styles
    assert max(list_depth(root) for root in bodies) >= 9
    assert any(list_depth(root) >= 4 for root in bodies if root.find(".//ol") is not None)


def test_headings_skip_levels_and_a_page_starts_with_h3(seeded: Database) -> None:
    headings = re.compile(r"<h([1-6])")
    levels = [
        [int(level) for level in headings.findall(page.body)] for page in documents(seeded, "page")
    ]

    assert any(page and page[0] == 3 for page in levels)
    assert any(b - a >= 2 for page in levels for a, b in pairwise(page))


def test_links_reach_pages_outside_the_tree_and_existing_content(
    seeded: Database, bodies: list[etree._Element]
) -> None:
    titles = {c.title for c in documents(seeded, "page") + documents(seeded, "blogpost")}
    linked = {
        element.get(f"{{{RI}}}content-title")
        for root in bodies
        for element in root.iter(f"{{{RI}}}page", f"{{{RI}}}blog-post")
    }

    assert linked <= titles
    assert "Support Contacts" in linked
    anchors = {
        link.get(f"{{{AC}}}anchor") for root in bodies for link in root.iter(f"{{{AC}}}link")
    } - {None}
    named = {parameter(m, "") for root in bodies for m in macros(root)} - {None}
    assert anchors and anchors <= named | {"k8s-known-issues"}


def test_attachments_are_png_and_jpeg_of_different_sizes(
    settings: Settings, seeded: Database
) -> None:
    attachments = documents(seeded, "attachment")
    sizes: dict[str, tuple[int, int]] = {}
    for attachment in attachments:
        if not (attachment.media_type or "").startswith("image/"):
            continue
        assert attachment.file_key is not None
        with Image.open(settings.attachments_dir / attachment.file_key) as image:
            assert Image.MIME[image.format or ""] == attachment.media_type
            sizes[attachment.title] = image.size

    assert {a.media_type for a in attachments} >= {"image/png", "image/jpeg"}
    assert sizes["anchorage-architecture.png"] == (1600, 900)
    assert sizes["console-repositories.jpg"] == (640, 400)
    assert sizes["anchorage-icon.png"] == (64, 64)
    width, height = sizes["replication-timeline.png"]
    assert height >= 4 * width
    assert len(set(sizes.values())) == len(sizes)


def test_images_refer_to_attachments_that_exist(
    seeded: Database, bodies: list[etree._Element]
) -> None:
    stored = {a.title for a in documents(seeded, "attachment")}
    referenced = {
        element.get(f"{{{RI}}}filename")
        for root in bodies
        for element in root.iter(f"{{{RI}}}attachment")
    }

    assert referenced <= stored


def test_pages_carry_labels(seeded: Database) -> None:
    with seeded.read() as session:
        labelled = session.scalars(
            select(Content).where(Content.title == "Installing on Kubernetes")
        ).one()
        names = {label.name for label in labelled.labels}

    assert names == {"installation", "kubernetes"}


def test_a_failed_seeding_leaves_nothing_behind(
    settings: Settings, db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    bootstrap(settings, db)
    calls: list[str] = []

    def add_then_fail(*args: object, **kwargs: object) -> Content:
        calls.append("add")
        if len(calls) == 3:
            raise OSError("disk full")
        return add_attachment(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(demo, "add_attachment", add_then_fail)

    with pytest.raises(OSError, match="disk full"):
        seed_demo(settings, db)

    with db.read() as session:
        assert session.scalar(select(func.count()).select_from(Content)) == 0
        assert session.scalar(select(func.count()).select_from(Space)) == 0
    assert [p for p in settings.attachments_dir.rglob("*") if p.is_file()] == []
