"""An export's locale (BCP 47) and time zone (IANA): which ones are valid, and dates in
them. The locale picks the built-in strings (``export/strings.py``), date names and the
document's language; with none asked for, the server's default applies, else English."""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from typing import Final

BCP47: Final = re.compile(r"^[A-Za-z]{2,8}([-_][A-Za-z0-9]{1,8})*$")
_ZONE_NAME: Final = re.compile(r"^[A-Za-z][A-Za-z0-9_+\-]*(/[A-Za-z0-9_+\-]+){0,3}$")


def is_locale(tag: str) -> bool:
    return bool(BCP47.match(tag))


def export_locale(requested: str | None, server_default: str | None) -> str:
    """The locale an export uses: the requested one, else the server's, else ``en``;
    written with hyphens (``de_DE`` → ``de-DE``)."""
    for tag in (requested, server_default):
        if tag and is_locale(tag.strip()):
            return tag.strip().replace("_", "-")
    return "en"


def is_time_zone(name: str) -> bool:
    """Whether ``name`` is an IANA time zone the server knows (``Europe/Berlin``, ``UTC``)."""
    if not _ZONE_NAME.match(name):
        return False
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
        return False
    return True


def in_zone(moment: dt.datetime | None, zone: str | None) -> dt.datetime | None:
    """``moment`` as wall-clock time in ``zone`` (UTC when it has no zone of its own)."""
    if moment is None or not zone or not is_time_zone(zone):
        return moment
    aware = moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)
    return aware.astimezone(zoneinfo.ZoneInfo(zone))
