"""The values a Word template's placeholders can show (API.md, "Word template
placeholders"), and Java ``SimpleDateFormat`` patterns for its dates."""

from __future__ import annotations

import calendar
import datetime as dt
import functools
import importlib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Final

from pressroom.export import ast


@dataclass(frozen=True, slots=True)
class Person:
    full_name: str = ""
    name: str = ""
    email: str = ""


IncludeRenderer = Callable[[str], "list[ast.Block] | None"]


@dataclass(slots=True)
class TemplateContext:
    """What ``$scroll.*`` and Jinja placeholders resolve to for one export.

    ``render_include`` turns ``SPACEKEY:Title`` or a page id into that page's blocks
    (None: no such page). ``export_date`` None means "now" at export time.
    """

    title: str = ""
    page_id: str = ""
    page_url: str = ""
    tiny_url: str = ""
    page_version: int | None = None
    page_labels: list[str] = field(default_factory=list)
    creator: Person | None = None
    modifier: Person | None = None
    exporter: Person | None = None
    creation_date: dt.datetime | None = None
    modification_date: dt.datetime | None = None
    export_date: dt.datetime | None = None
    locale: str = "en"
    space_key: str = ""
    space_name: str = ""
    space_url: str = ""
    template_name: str = ""
    page_properties: dict[str, str] = field(default_factory=dict)
    version_name: str | None = None
    variant_name: str | None = None
    language_name: str | None = None
    render_include: IncludeRenderer | None = None


DEFAULT_DATE_PATTERN: Final = "d MMMM yyyy"


def default_date_pattern(locale: str) -> str:
    """The pattern of a date placeholder without one: ``d MMMM yyyy`` in English, else
    the locale's long date (CLDR: ``d. MMMM y`` in German, ``y年M月d日`` in Japanese)."""
    if (locale or "en").replace("_", "-").split("-")[0].lower() == "en" or _babel_dates() is None:
        return DEFAULT_DATE_PATTERN
    try:
        return str(_babel_locale(locale).date_formats["long"].pattern)
    except (KeyError, AttributeError):
        return DEFAULT_DATE_PATTERN


_PATTERN_TOKEN = re.compile(r"'(?:[^']|'')*'|([A-Za-z])\1*|.", re.S)


def format_java_date(
    moment: dt.datetime | dt.date, pattern: str = DEFAULT_DATE_PATTERN, locale: str = "en"
) -> str:
    """Format ``moment`` with a Java ``SimpleDateFormat`` pattern such as
    ``yyyy-MM-dd HH:mm`` or ``EEEE, d MMMM yyyy``, with month and day names in
    ``locale`` (BCP 47) when Babel is installed, else in English."""
    localised = _babel_format(moment, pattern, locale)
    if localised is not None:
        return localised
    if not isinstance(moment, dt.datetime):
        moment = dt.datetime.combine(moment, dt.time())
    out: list[str] = []
    for match in _PATTERN_TOKEN.finditer(pattern):
        token = match.group(0)
        if token.startswith("'"):
            out.append(token[1:-1].replace("''", "'") if len(token) > 2 else "'")
        elif match.group(1):
            out.append(_date_field(moment, token[0], len(token)))
        else:
            out.append(token)
    return "".join(out)


def _babel_format(moment: dt.datetime | dt.date, pattern: str, locale: str) -> str | None:
    """Babel's CLDR patterns read Java's the same way, except ``u`` (day of week)."""
    dates = _babel_dates()
    if dates is None or "u" in _PATTERN_TOKEN.sub(_unquoted_letters, pattern):
        return None
    try:
        if not isinstance(moment, dt.datetime):
            return str(dates.format_date(moment, pattern, locale=_babel_locale(locale)))
        return str(dates.format_datetime(moment, pattern, locale=_babel_locale(locale)))
    except (ValueError, LookupError, AttributeError, TypeError):
        return None


def _unquoted_letters(match: re.Match[str]) -> str:
    return "" if match.group(0).startswith("'") else match.group(0)


@functools.cache
def _babel_dates() -> Any:
    try:
        return importlib.import_module("babel.dates")
    except ImportError:
        return None


@functools.cache
def _babel_locale(locale: str) -> Any:
    core = importlib.import_module("babel.core")
    try:
        return core.Locale.parse(locale.replace("-", "_") or "en")
    except (ValueError, LookupError, TypeError):
        return core.Locale.parse("en")


def _date_field(moment: dt.datetime, letter: str, width: int) -> str:
    if letter == "y":
        return f"{moment.year % 100:02d}" if width == 2 else f"{moment.year:0{width}d}"
    if letter in "ML":
        if width >= 4:
            return calendar.month_name[moment.month]
        if width == 3:
            return calendar.month_abbr[moment.month]
        return f"{moment.month:0{width}d}"
    if letter == "E":
        return (calendar.day_name if width >= 4 else calendar.day_abbr)[moment.weekday()]
    if letter == "a":
        return "AM" if moment.hour < 12 else "PM"
    numbers = {
        "d": moment.day,
        "H": moment.hour,
        "k": moment.hour or 24,
        "K": moment.hour % 12,
        "h": moment.hour % 12 or 12,
        "m": moment.minute,
        "s": moment.second,
        "S": moment.microsecond // 1000,
        "D": moment.timetuple().tm_yday,
        "u": moment.isoweekday(),
    }
    if letter in numbers:
        return f"{numbers[letter]:0{width}d}"
    if letter in "zZX":
        return moment.strftime("%Z" if letter == "z" else "%z")
    return letter * width
