"""Search: run a CQL query over the content the caller may view."""

from __future__ import annotations

import re
from dataclasses import dataclass

import lxml.html
from lxml.etree import ParserError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from pressroom.auth.identity import Identity, visible_space_ids
from pressroom.content.cql import compile_order, compile_where, parse_cql
from pressroom.content.models import Content

EXCERPT_LENGTH = 200
# Enough of a body to fill an excerpt; parsing all of a huge page for 200 characters is waste.
EXCERPT_SOURCE_LENGTH = 20_000


@dataclass(frozen=True, slots=True)
class SearchPage:
    items: list[Content]
    total: int


def search_content(
    session: Session, identity: Identity, cql: str, start: int, limit: int
) -> SearchPage:
    """Current content matching ``cql`` in spaces the caller may view, one page of it."""
    query = parse_cql(cql)
    statement = select(Content).where(Content.status == "current", compile_where(query))
    visible = visible_space_ids(session, identity)
    if visible is not None:
        statement = statement.where(Content.space_id.in_(visible))
    total = session.scalar(select(func.count()).select_from(statement.subquery())) or 0
    page = statement.order_by(*compile_order(query)).offset(start).limit(limit)
    return SearchPage(list(session.scalars(page)), total)


def excerpt_of(content: Content) -> str:
    """The start of the body as plain text, whitespace collapsed."""
    if content.type == "attachment":
        return content.comment[:EXCERPT_LENGTH]
    body = content.body[:EXCERPT_SOURCE_LENGTH]
    if not body.strip():
        return ""
    try:
        # The HTML parser tolerates storage format's undeclared ac:/ri: prefixes and
        # never fetches anything.
        text = lxml.html.fragment_fromstring(body, create_parent="div").text_content()
    except (ParserError, ValueError):
        return ""
    plain = re.sub(r"\s+", " ", text).strip()
    if len(plain) <= EXCERPT_LENGTH:
        return plain
    return plain[:EXCERPT_LENGTH].rsplit(" ", 1)[0] + "…"
