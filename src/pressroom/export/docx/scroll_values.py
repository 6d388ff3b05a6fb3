"""What each ``$scroll.*`` name means, for the Scroll syntax and for Jinja."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any, Final

from pressroom.export.docx.template_context import (
    Person,
    TemplateContext,
    default_date_pattern,
    format_java_date,
)
from pressroom.export.strings import page_x_of_y_parts, strings_for

_PEOPLE: Final = ("creator", "modifier", "exporter")
_DATES: Final = {
    "creationdate": "creation_date",
    "modificationdate": "modification_date",
    "exportdate": "export_date",
}


class ScrollValues:
    def __init__(self, context: TemplateContext) -> None:
        self._context = context
        self._export_date = context.export_date or dt.datetime.now(dt.UTC)
        self._simple: dict[str, Callable[[], str | None]] = {
            "title": lambda: context.title,
            "pageid": lambda: context.page_id,
            "pageurl": lambda: context.page_url,
            "tinyurl": lambda: context.tiny_url,
            "version": lambda: _str(context.page_version),
            "pagelabels": lambda: ", ".join(context.page_labels),
            "space.key": lambda: context.space_key,
            "space.name": lambda: context.space_name,
            "space.url": lambda: context.space_url,
            "template.name": lambda: context.template_name,
            "version.name": lambda: context.version_name,
            "versionname": lambda: context.version_name,
            "variant.name": lambda: context.variant_name,
            "variantname": lambda: context.variant_name,
            "language": lambda: context.language_name,
            "language.name": lambda: context.language_name,
            "locale": lambda: context.locale,
        }

    def resolve(self, key: str, argument: str) -> tuple[bool, str | None]:
        """(known placeholder?, its value or None when it has none)."""
        if key in self._simple:
            return True, self._simple[key]() or None
        head, _, attribute = key.partition(".")
        if head in _PEOPLE:
            return self._person(head, attribute)
        if key in _DATES:
            moment = self._date(key)
            pattern = argument or default_date_pattern(self._context.locale)
            return True, None if moment is None else format_java_date(
                moment, pattern, self._context.locale
            )
        if key == "pageproperty":
            return True, self._context.page_properties.get(argument)
        if key == "custom":
            return self._custom(argument)
        return False, None

    def _person(self, role: str, attribute: str) -> tuple[bool, str | None]:
        person: Person | None = getattr(self._context, role)
        fields = {"": "full_name", "fullname": "full_name", "name": "name", "email": "email"}
        if attribute not in fields:
            return False, None
        return True, (getattr(person, fields[attribute]) or None) if person else None

    def _date(self, key: str) -> dt.datetime | None:
        if key == "exportdate":
            return self._export_date
        value: dt.datetime | None = getattr(self._context, _DATES[key])
        return value

    def _custom(self, argument: str) -> tuple[bool, str | None]:
        """Scroll's ``$scroll.custom.(app-key, name)`` for versions, variants, languages."""
        name = argument.rsplit(",", 1)[-1].strip().lower()
        for word, value in (
            ("version", self._context.version_name),
            ("variant", self._context.variant_name),
            ("language", self._context.language_name),
        ):
            if word in name:
                return True, value or None
        return False, None

    def jinja_variables(self) -> dict[str, Any]:
        """Names for ``{{ ... }}``: flat (``title``, ``exportdate``) and under ``scroll``."""
        context = self._context
        people = {role: PersonView(getattr(context, role)) for role in _PEOPLE}
        flat: dict[str, Any] = {
            "title": context.title,
            "pageid": context.page_id,
            "pageurl": context.page_url,
            "tinyurl": context.tiny_url,
            "version": context.page_version,
            "pagelabels": list(context.page_labels),
            "space": {
                "key": context.space_key,
                "name": context.space_name,
                "url": context.space_url,
            },
            "template": {"name": context.template_name},
            "pageproperties": dict(context.page_properties),
            "version_name": context.version_name,
            "variant_name": context.variant_name,
            "language": context.language_name,
            "locale": context.locale,
            "strings": _strings(context.locale),
            "creationdate": context.creation_date,
            "modificationdate": context.modification_date,
            "exportdate": self._export_date,
            **people,
        }
        return {**flat, "scroll": dict(flat)}


class PersonView:
    """A person as Jinja shows it: ``{{ creator }}`` is the full name,
    ``{{ creator.email }}`` and the rest as in Scroll's syntax."""

    def __init__(self, person: Person | None) -> None:
        person = person or Person()
        self.fullName = person.full_name
        self.name = person.name
        self.email = person.email

    def __str__(self) -> str:
        return self.fullName


def _strings(locale: str) -> dict[str, str]:
    """The built-in strings (``{{ strings.contents }}``), with "Page {page} of {pages}"
    also in three parts around its fields: ``page_before``, ``page_between``,
    ``page_after``."""
    strings = strings_for(locale)
    before, between, after = page_x_of_y_parts(strings)
    return {**strings, "page_before": before, "page_between": between, "page_after": after}


def _str(value: object) -> str | None:
    return None if value is None else str(value)
