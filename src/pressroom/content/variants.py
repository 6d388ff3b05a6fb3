"""Attributes, their values, variants, and the attribute values pages carry.

A variant selects values per attribute; an attribute it names no value of is not
restricted. A page is in a variant unless, for some attribute, the page carries values
of it and the variant selects none of them (pages without values are in every variant).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from pressroom.content.conditions import Selection
from pressroom.content.models import Content, Space
from pressroom.content.version_models import (
    AttributeValue,
    Variant,
    VariantAttribute,
    page_attribute_values,
    variant_values,
)
from pressroom.content.versions import add_unique
from pressroom.errors import InvalidInput, NotFound

MAX_VALUES = 200


@dataclass(frozen=True, slots=True)
class AttributeView:
    id: int
    name: str
    values: tuple[tuple[int, str], ...]  # (value id, name)


@dataclass(frozen=True, slots=True)
class VariantView:
    id: int
    name: str
    description: str
    values: Mapping[int, frozenset[int]]  # attribute id -> selected value ids
    selection: Selection  # attribute name -> selected value names (casefolded)

    def includes(self, page_values: Mapping[int, frozenset[int]]) -> bool:
        """Whether a page carrying ``page_values`` (attribute id -> value ids) is in it."""
        for attribute_id, carried in page_values.items():
            selected = self.values.get(attribute_id)
            if selected is not None and not selected & carried:
                return False
        return True


def list_attributes(session: Session, space: Space) -> list[AttributeView]:
    attributes = session.scalars(
        select(VariantAttribute)
        .where(VariantAttribute.space_id == space.id)
        .order_by(VariantAttribute.id)
    ).all()
    values: defaultdict[int, list[tuple[int, str]]] = defaultdict(list)
    rows = session.execute(
        select(AttributeValue.attribute_id, AttributeValue.id, AttributeValue.name)
        .where(AttributeValue.attribute_id.in_([a.id for a in attributes]))
        .order_by(AttributeValue.id)
    )
    for attribute_id, value_id, name in rows:
        values[attribute_id].append((value_id, name))
    return [AttributeView(a.id, a.name, tuple(values[a.id])) for a in attributes]


def create_attribute(
    session: Session, space: Space, name: str, value_names: Sequence[str]
) -> AttributeView:
    names = list(dict.fromkeys(v.strip() for v in value_names if v.strip()))
    if not name.strip() or not names or len(names) > MAX_VALUES:
        raise InvalidInput(f"An attribute needs a name and 1 to {MAX_VALUES} distinct value names.")
    attribute = VariantAttribute(space_id=space.id, name=name.strip())
    add_unique(session, attribute, f"Space {space.key} has an attribute {name} already.")
    for value in names:
        session.add(AttributeValue(attribute_id=attribute.id, name=value))
    session.flush()
    return next(a for a in list_attributes(session, space) if a.id == attribute.id)


def list_variants(session: Session, space: Space) -> list[VariantView]:
    attributes = {a.id: a for a in list_attributes(session, space)}
    value_names = {vid: (a, name) for a in attributes.values() for vid, name in a.values}
    variants = session.scalars(
        select(Variant).where(Variant.space_id == space.id).order_by(Variant.id)
    ).all()
    chosen: defaultdict[int, defaultdict[int, set[int]]] = defaultdict(lambda: defaultdict(set))
    rows = session.execute(
        select(variant_values.c.variant_id, variant_values.c.value_id).where(
            variant_values.c.variant_id.in_([v.id for v in variants])
        )
    )
    for variant_id, value_id in rows:
        if value_id in value_names:
            chosen[variant_id][value_names[value_id][0].id].add(value_id)
    views = []
    for variant in variants:
        values = {a: frozenset(ids) for a, ids in chosen[variant.id].items()}
        selection = {
            attributes[a].name.casefold(): frozenset(value_names[v][1].casefold() for v in ids)
            for a, ids in values.items()
        }
        views.append(VariantView(variant.id, variant.name, variant.description, values, selection))
    return views


def create_variant(
    session: Session,
    space: Space,
    name: str,
    description: str,
    selections: Iterable[tuple[int, Sequence[int]]],
) -> VariantView:
    if not name.strip():
        raise InvalidInput("name is required: the variant's name, e.g. Cloud.")
    attributes = {a.id: {vid for vid, _ in a.values} for a in list_attributes(session, space)}
    value_ids: list[int] = []
    for attribute_id, ids in selections:
        if attribute_id not in attributes:
            raise InvalidInput(
                f"attributeId {attribute_id} is not an attribute of space {space.key}; see "
                f"/rest/scroll-versions/1.0/attribute/{space.key}."
            )
        unknown = [i for i in ids if i not in attributes[attribute_id]]
        if unknown or not ids:
            raise InvalidInput(
                f"valueIds of attribute {attribute_id} must be 1 or more of its value ids "
                f"(unknown: {unknown})."
            )
        value_ids.extend(ids)
    variant = Variant(space_id=space.id, name=name.strip(), description=description)
    add_unique(session, variant, f"Space {space.key} has a variant named {name} already.")
    if value_ids:
        session.execute(
            insert(variant_values),
            [{"variant_id": variant.id, "value_id": v} for v in dict.fromkeys(value_ids)],
        )
    return next(v for v in list_variants(session, space) if v.id == variant.id)


def find_variant(session: Session, space: Space, variant_id: str) -> VariantView:
    for variant in list_variants(session, space):
        if str(variant.id) == variant_id.strip():
            return variant
    raise NotFound(f"Space {space.key} has no variant with id {variant_id}.")


def page_values(session: Session, page_ids: Sequence[int]) -> dict[int, dict[int, frozenset[int]]]:
    """Each page's attribute values: page id -> attribute id -> value ids."""
    found: defaultdict[int, defaultdict[int, set[int]]] = defaultdict(lambda: defaultdict(set))
    if page_ids:
        rows = session.execute(
            select(
                page_attribute_values.c.content_id, AttributeValue.attribute_id, AttributeValue.id
            )
            .join(AttributeValue, AttributeValue.id == page_attribute_values.c.value_id)
            .where(page_attribute_values.c.content_id.in_(page_ids))
        )
        for page_id, attribute_id, value_id in rows:
            found[page_id][attribute_id].add(value_id)
    return {p: {a: frozenset(v) for a, v in by.items()} for p, by in found.items()}


def set_page_values(session: Session, page: Content, value_ids: Sequence[int]) -> None:
    """Replace the page's attribute values (ids of its space's attribute values)."""
    known = {
        vid for attribute in list_attributes(session, page.space) for vid, _ in attribute.values
    }
    unknown = sorted(set(value_ids) - known)
    if unknown:
        raise InvalidInput(
            f"valueIds {unknown} are not attribute values of space {page.space.key}; see "
            f"/rest/scroll-versions/1.0/attribute/{page.space.key}."
        )
    session.execute(
        delete(page_attribute_values).where(page_attribute_values.c.content_id == page.id)
    )
    if value_ids:
        session.execute(
            insert(page_attribute_values),
            [{"content_id": page.id, "value_id": v} for v in dict.fromkeys(value_ids)],
        )
