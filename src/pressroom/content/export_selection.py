"""Which content an export takes: its version, variant and language, and each page as it
is in them.

:func:`choose` turns the export parameters ``versionId``, ``variantId`` and
``languageKey`` into an :class:`ExportSelection` of the root page's space (an unknown id
is a 400 naming the parameter and where the valid ids are); :class:`PageResolver` gives
each page's title and storage in that selection, or None where the page is not in it,
and notes every fallback for the export's log. Pages of other spaces (included, linked)
are taken as they are.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from pressroom.content.conditions import Selection, filter_storage
from pressroom.content.models import Content, Space
from pressroom.content.translations import (
    Language,
    list_languages,
    match_language,
    translations_of,
)
from pressroom.content.variants import VariantView, list_variants, page_values
from pressroom.content.versions import (
    Edit,
    default_version,
    lineage,
    list_versions,
    page_edits,
    preceding_map,
    resolve_page,
)
from pressroom.errors import InvalidInput

DEFAULT_VERSION_WORDS = frozenset({"", "current"})
ALL_VARIANTS_WORDS = frozenset({"", "all"})


@dataclass(frozen=True, slots=True)
class VersionRef:
    id: int
    name: str


@dataclass(frozen=True, slots=True)
class ExportSelection:
    space_id: int
    space_key: str
    version: VersionRef | None = None
    chain: tuple[int, ...] = ()
    version_names: dict[int, str] = field(default_factory=dict)
    variant: VariantView | None = None
    language: Language | None = None  # None or the default: the pages' own language
    default_language: Language | None = None

    @property
    def translating(self) -> bool:
        return self.language is not None and not self.language.default

    def describe(self) -> str:
        """One line for the export's log."""
        version = (
            f"version {self.version.name} (id {self.version.id})"
            if self.version
            else ("the pages' own content (the space has no versions)")
        )
        variant = (
            f"variant {self.variant.name} (id {self.variant.id})"
            if self.variant
            else "all variants"
        )
        language = self.language or self.default_language
        shown = f"language {language.key} ({language.display_name})" if language else "language —"
        return f"Exported {version}, {variant}, {shown}."


def choose(
    session: Session,
    space: Space,
    version_id: str | None,
    variant_id: str | None,
    language_key: str | None,
) -> ExportSelection:
    versions = list_versions(session, space)
    version = None
    if (version_id or "").strip().lower() in DEFAULT_VERSION_WORDS:
        chosen = default_version(session, space)
        version = VersionRef(chosen.id, chosen.name) if chosen else None
    else:
        found = next((v for v in versions if str(v.id) == str(version_id).strip()), None)
        if found is None:
            raise InvalidInput(
                f"versionId {version_id} is not a version of space {space.key}; the valid ids "
                f"are at /rest/scroll-versions/1.0/versions/{space.key} (or use 'current')."
            )
        version = VersionRef(found.id, found.name)
    chain = tuple(lineage(version.id, preceding_map(session, space.id))) if version else ()
    languages = list_languages(session, space)
    return ExportSelection(
        space_id=space.id,
        space_key=space.key,
        version=version,
        chain=chain,
        version_names={v.id: v.name for v in versions},
        variant=_variant(session, space, variant_id),
        language=_language(languages, space, language_key),
        default_language=next((lang for lang in languages if lang.default), None),
    )


def _variant(session: Session, space: Space, variant_id: str | None) -> VariantView | None:
    if (variant_id or "").strip().lower() in ALL_VARIANTS_WORDS:
        return None
    for variant in list_variants(session, space):
        if str(variant.id) == str(variant_id).strip():
            return variant
    raise InvalidInput(
        f"variantId {variant_id} is not a variant of space {space.key}; the valid ids are at "
        f"/rest/scroll-versions/1.0/variant/{space.key} (or use 'all')."
    )


def _language(languages: list[Language], space: Space, key: str | None) -> Language | None:
    if not (key or "").strip():
        return None
    found = match_language(languages, key or "")
    if found is None:
        raise InvalidInput(
            f"languageKey {key} is not a language of space {space.key}; the valid keys are at "
            f"/rest/scroll-translations/1.0/languages/{space.key}."
        )
    return found


@dataclass(frozen=True, slots=True)
class ResolvedPage:
    title: str
    storage: str


class PageResolver:
    """Pages as they are in one :class:`ExportSelection`; ``notes`` lists every fallback."""

    def __init__(
        self, session: Session, selection: ExportSelection, filter_conditions: bool = True
    ) -> None:
        self._session = session
        self._selection = selection
        self._filter_conditions = filter_conditions
        self.notes: list[str] = [selection.describe()]

    def resolve(self, rows: Sequence[Content]) -> dict[int, ResolvedPage | None]:
        selection = self._selection
        own = [row.id for row in rows if row.space_id == selection.space_id]
        edits = page_edits(self._session, own) if selection.chain else {}
        values = page_values(self._session, own) if selection.variant else {}
        translations = (
            self._translations(own) if selection.translating and selection.language else {}
        )
        resolved: dict[int, ResolvedPage | None] = {}
        for row in rows:
            if row.space_id != selection.space_id:
                resolved[row.id] = ResolvedPage(row.title, self._filtered(row, row.body, None))
                continue
            resolved[row.id] = self._page(row, edits.get(row.id, {}), values, translations)
        return resolved

    def _translations(self, page_ids: list[int]) -> dict[int, tuple[str, str]]:
        assert self._selection.language is not None
        rows = translations_of(self._session, page_ids, self._selection.language.key)
        return {page_id: (row.title, row.body) for page_id, row in rows.items()}

    def _page(
        self,
        row: Content,
        edits: dict[int, Edit],
        values: dict[int, dict[int, frozenset[int]]],
        translations: dict[int, tuple[str, str]],
    ) -> ResolvedPage | None:
        selection = self._selection
        title, body = row.title, row.body
        if selection.chain:
            found = resolve_page(selection.chain, edits, row.title, row.body)
            if not found.exists:
                self.notes.append(
                    f"{row.title}: not in {self._version()}; left out with its subtree"
                )
                return None
            title, body = found.title, found.body
            if found.fallback and found.source_version_id is not None:
                source = selection.version_names.get(found.source_version_id, "?")
                self.notes.append(f"{row.title}: inherited from version {source}")
        if selection.variant and not selection.variant.includes(values.get(row.id, {})):
            self.notes.append(
                f"{row.title}: its attributes exclude variant {selection.variant.name}; "
                "left out with its subtree"
            )
            return None
        if selection.translating and selection.language:
            translated = translations.get(row.id)
            if translated is None:
                default = selection.default_language
                shown = f"{default.key}" if default else "the default language"
                self.notes.append(
                    f"{row.title}: no {selection.language.display_name} "
                    f"({selection.language.key}) translation; exported in {shown} instead"
                )
            else:
                title, body = translated
        variant = selection.variant.selection if selection.variant else None
        return ResolvedPage(title, self._filtered(row, body, variant))

    def _version(self) -> str:
        version = self._selection.version
        return f"version {version.name}" if version else "the version"

    def _filtered(self, row: Content, body: str, variant: Selection | None) -> str:
        if not self._filter_conditions:
            return body
        storage, warnings = filter_storage(body, variant)
        self.notes.extend(f"{row.title}: {warning}" for warning in warnings)
        return storage
