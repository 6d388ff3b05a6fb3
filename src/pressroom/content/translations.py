"""A space's languages and its pages' translations (Scroll Translations).

Language keys are written as Scroll Translations writes them (``en``, ``de_DE``,
``ko_KR``). A requested key finds the exact language, then language and country, then
the language alone (``de_DE_formal`` → ``de_DE`` → ``de``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from pressroom.clock import utcnow
from pressroom.content.models import Content, Space
from pressroom.content.storage_check import check_storage
from pressroom.content.version_models import PageTranslation, SpaceLanguage
from pressroom.content.versions import add_unique, ensure_versioning, versioning_of
from pressroom.errors import InvalidInput

LANGUAGE_KEY: Final = re.compile(r"[A-Za-z]{2,3}(?:[_-][A-Za-z0-9]{2,8}){0,3}")


@dataclass(frozen=True, slots=True)
class Language:
    key: str
    display_name: str
    default: bool


def normalized_key(key: str) -> str:
    """``de-de`` → ``de_DE``: language lower case, country upper case, ``_`` between."""
    parts = key.strip().replace("-", "_").split("_")
    shown = [parts[0].lower()]
    shown += [p.upper() if len(p) == 2 else p for p in parts[1:]]
    return "_".join(shown)


def checked_key(key: str, field: str = "key") -> str:
    if not LANGUAGE_KEY.fullmatch(key.strip()):
        raise InvalidInput(f"{field} must be a language key such as en, de_DE or ko_KR.")
    return normalized_key(key)


def list_languages(session: Session, space: Space) -> list[Language]:
    """The space's languages, the default first (it is listed even when not added)."""
    default = versioning_of(session, space).default_language
    rows = session.scalars(
        select(SpaceLanguage).where(SpaceLanguage.space_id == space.id).order_by(SpaceLanguage.id)
    ).all()
    languages = [Language(r.key, r.display_name, r.key == default) for r in rows]
    if not any(language.default for language in languages):
        languages.insert(0, Language(default, display_name(default), True))
    return sorted(languages, key=lambda language: not language.default)


def add_language(session: Session, space: Space, key: str, name: str | None) -> Language:
    key = checked_key(key)
    row = SpaceLanguage(space_id=space.id, key=key, display_name=(name or display_name(key))[:255])
    add_unique(session, row, f"Space {space.key} has the language {key} already.")
    default = versioning_of(session, space).default_language
    return Language(row.key, row.display_name, row.key == default)


def match_language(languages: Sequence[Language], requested: str) -> Language | None:
    """Exact key, then language and country, then language (see the module)."""
    by_key = {language.key.casefold(): language for language in languages}
    parts = normalized_key(requested).split("_")
    for length in range(len(parts), 0, -1):
        found = by_key.get("_".join(parts[:length]).casefold())
        if found is not None:
            return found
    return None


def translations_of(
    session: Session, page_ids: Sequence[int], key: str
) -> dict[int, PageTranslation]:
    if not page_ids:
        return {}
    rows = session.scalars(
        select(PageTranslation).where(
            PageTranslation.content_id.in_(page_ids), PageTranslation.language_key == key
        )
    )
    return {row.content_id: row for row in rows}


def page_translations(session: Session, page: Content) -> list[PageTranslation]:
    return list(
        session.scalars(
            select(PageTranslation)
            .where(PageTranslation.content_id == page.id)
            .order_by(PageTranslation.language_key)
        )
    )


def put_translation(
    session: Session,
    page: Content,
    key: str,
    title: str,
    body: str,
    modifier_id: int | None,
) -> PageTranslation:
    """Write the page's translation into one of its space's languages."""
    languages = list_languages(session, page.space)
    language = next(
        (lang for lang in languages if lang.key == checked_key(key, "languageKey")), None
    )
    if language is None:
        raise InvalidInput(
            f"languageKey {key} is not a language of space {page.space.key}; add it first "
            f"(POST /rest/scroll-translations/1.0/languages/{page.space.key})."
        )
    if language.default:
        raise InvalidInput(
            f"{key} is the default language of space {page.space.key}: edit the page itself."
        )
    if not title.strip():
        raise InvalidInput("title is required: the page's title in that language.")
    check_storage(body)
    ensure_versioning(session, page.space)
    values = {
        "title": title[:255],
        "body": body,
        "modifier_id": modifier_id,
        "modified_at": utcnow(),
    }
    changed = session.execute(
        update(PageTranslation)
        .where(PageTranslation.content_id == page.id, PageTranslation.language_key == language.key)
        .values(revision=PageTranslation.revision + 1, **values)
    ).rowcount  # type: ignore[attr-defined]
    if not changed:
        row = PageTranslation(content_id=page.id, language_key=language.key, revision=1, **values)
        add_unique(session, row, "The page was translated at the same time; try again.")
    found = translations_of(session, [page.id], language.key)[page.id]
    session.refresh(found)
    return found


def display_name(key: str) -> str:
    """``de_DE`` → ``German (Germany)``, in English (Babel's names), else the key."""
    try:
        from babel import Locale

        return str(Locale.parse(key).get_display_name("en") or key)
    except (ValueError, LookupError, TypeError):
        return key
