"""Scroll Versions and Scroll Translations REST, as public clients read it, plus
Pressroom's own write endpoints.

Read (the shapes clients use; K15t calls these endpoints unofficial):
``/rest/scroll-versions/1.0/versions|variant|attribute|config/{spaceKey}``,
``/rest/scroll-versions/1.0/translation/{pageId}``,
``/rest/scroll-versions/1.0/page/{spaceKey}/{pageId}/{versionId}`` and
``/rest/scroll-translations/1.0/languages/{spaceKey}``; ``/latest/`` in place of ``/1.0/``
reaches the same. Every other method and path here is Pressroom's own.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Path
from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictInt, StrictStr
from sqlalchemy.orm import Session
from starlette.types import ASGIApp, Receive, Scope, Send

from pressroom.api.deps import DbDep, IdentityDep
from pressroom.auth.identity import Identity
from pressroom.auth.space_access import require_grant
from pressroom.content.documents import get_content
from pressroom.content.models import Content, Space
from pressroom.content.spaces import find_space
from pressroom.content.translations import (
    Language,
    add_language,
    checked_key,
    list_languages,
    page_translations,
    put_translation,
)
from pressroom.content.variants import (
    AttributeView,
    VariantView,
    create_attribute,
    create_variant,
    list_attributes,
    list_variants,
    set_page_values,
)
from pressroom.content.version_models import DocVersion
from pressroom.content.versions import (
    VersionFields,
    create_version,
    edit_page_in_version,
    find_version,
    list_versions,
    page_in_version,
    update_version,
    update_versioning,
    versioning_of,
)
from pressroom.errors import InvalidInput

VERSIONS = "/rest/scroll-versions/1.0"
TRANSLATIONS = "/rest/scroll-translations/1.0"
router = APIRouter(tags=["versions"])

SpaceKey = Annotated[str, Path(min_length=1, max_length=255)]
VersionId = Annotated[str, Path(min_length=1, max_length=64)]
PageId = Annotated[int, Path(ge=1, le=10**17)]
LanguageKey = Annotated[str, Path(min_length=2, max_length=32)]
MAX_BODY = 5 * 1024 * 1024


class LatestAlias:
    """``/rest/scroll-versions/latest/…`` and ``/rest/scroll-translations/latest/…``
    answer as ``/1.0/`` does."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            path: str = scope["path"]
            for product in ("/rest/scroll-versions/", "/rest/scroll-translations/"):
                if path.startswith(product + "latest/"):
                    scope = {**scope, "path": product + "1.0/" + path[len(product) + 7 :]}
                    scope.pop("raw_path", None)
        await self.app(scope, receive, send)


# --- shapes -----------------------------------------------------------------------------


def version_json(version: DocVersion, current_id: int | None) -> dict[str, Any]:
    released = version.release_date
    millis = (
        int(dt.datetime.combine(released, dt.time(), dt.UTC).timestamp() * 1000)
        if released
        else None
    )
    preceding = version.preceding_version_id
    return {
        "id": str(version.id),
        "name": version.name,
        "description": version.description,
        "releaseDate": released.isoformat() if released else None,
        "releaseDateMillis": millis,
        "precedingVersionId": str(preceding) if preceding is not None else None,
        "archived": version.archived,
        "color": version.color,
        "runtimeAccessible": version.runtime_accessible,
        "current": version.id == current_id,
    }


def attribute_json(attribute: AttributeView) -> dict[str, Any]:
    return {
        "id": str(attribute.id),
        "name": attribute.name,
        "values": [{"id": str(vid), "name": name} for vid, name in attribute.values],
    }


def variant_json(variant: VariantView) -> dict[str, Any]:
    return {
        "id": str(variant.id),
        "name": variant.name,
        "description": variant.description,
        "attributes": [
            {"attributeId": str(a), "valueIds": [str(v) for v in sorted(ids)]}
            for a, ids in sorted(variant.values.items())
        ],
    }


def language_json(language: Language) -> dict[str, Any]:
    return {"key": language.key, "displayName": language.display_name, "default": language.default}


def config_json(session: Session, space: Space) -> dict[str, Any]:
    state = versioning_of(session, space)
    current = state.current_version_id
    return {
        "spaceKey": space.key,
        "enableVersionManagement": state.versions_enabled,
        "enableVariants": state.variants_enabled,
        "enableTranslation": state.translations_enabled,
        "workflowType": "none",
        "currentVersionId": str(current) if current is not None else None,
        "defaultLanguage": state.default_language,
    }


# --- access -----------------------------------------------------------------------------


def _space(session: Session, identity: Identity, key: str, grant: str = "view") -> Space:
    space = find_space(session, identity, key)
    if grant != "view":
        require_grant(
            session, identity, space, grant, "manage its versions, variants and languages"
        )
    return space


def _page(session: Session, identity: Identity, page_id: int, grant: str = "view") -> Content:
    page = get_content(session, identity, page_id)
    if page.type not in ("page", "blogpost"):
        raise InvalidInput("pageId must be the id of a page or blog post.")
    if grant != "view":
        require_grant(session, identity, page.space, grant, "edit pages")
    return page


def _page_in_space(
    session: Session, identity: Identity, key: str, page_id: int, grant: str
) -> Content:
    page = _page(session, identity, page_id, grant)
    if page.space.key != key:
        raise InvalidInput(f"Page {page_id} is not in space {key}.")
    return page


# --- reads ------------------------------------------------------------------------------


@router.get(VERSIONS + "/versions/{space_key}")
def get_versions(space_key: SpaceKey, db: DbDep, identity: IdentityDep) -> list[dict[str, Any]]:
    """The space's versions (Scroll Versions' shape; ``current`` is Pressroom's)."""
    with db.read() as session:
        space = _space(session, identity, space_key)
        current = versioning_of(session, space).current_version_id
        return [version_json(v, current) for v in list_versions(session, space)]


@router.get(VERSIONS + "/variant/{space_key}")
def get_variants(space_key: SpaceKey, db: DbDep, identity: IdentityDep) -> list[dict[str, Any]]:
    with db.read() as session:
        space = _space(session, identity, space_key)
        return [variant_json(v) for v in list_variants(session, space)]


@router.get(VERSIONS + "/attribute/{space_key}")
def get_attributes(space_key: SpaceKey, db: DbDep, identity: IdentityDep) -> list[dict[str, Any]]:
    with db.read() as session:
        space = _space(session, identity, space_key)
        return [attribute_json(a) for a in list_attributes(session, space)]


@router.get(VERSIONS + "/config/{space_key}")
def get_config(space_key: SpaceKey, db: DbDep, identity: IdentityDep) -> dict[str, Any]:
    with db.read() as session:
        return config_json(session, _space(session, identity, space_key))


@router.get(VERSIONS + "/translation/{page_id}")
def get_translations(page_id: PageId, db: DbDep, identity: IdentityDep) -> list[dict[str, Any]]:
    """The languages the page is in: the default (the page itself), then its translations."""
    with db.read() as session:
        page = _page(session, identity, page_id)
        languages = {lang.key: lang for lang in list_languages(session, page.space)}
        default = next(lang for lang in languages.values() if lang.default)
        items = [{"language": language_json(default), "title": page.title, "pageId": str(page.id)}]
        for row in page_translations(session, page):
            language = languages.get(row.language_key)
            if language is None or language.default:
                continue
            items.append(
                {"language": language_json(language), "title": row.title, "pageId": str(page.id)}
            )
        return items


@router.get(VERSIONS + "/page/{space_key}/{page_id}/{version_id}")
def get_page_in_version(
    space_key: SpaceKey, page_id: PageId, version_id: VersionId, db: DbDep, identity: IdentityDep
) -> dict[str, Any]:
    """What the page holds in the version; ``fallback`` when it is inherited."""
    with db.read() as session:
        page = _page_in_space(session, identity, space_key, page_id, "view")
        version = find_version(session, page.space, version_id)
        return _page_version_json(session, page, version)


def _page_version_json(session: Session, page: Content, version: DocVersion) -> dict[str, Any]:
    found = page_in_version(session, page, version)
    source = found.source_version_id
    names = {v.id: v.name for v in list_versions(session, page.space)}
    state = "inherited" if found.fallback else found.state
    return {
        "pageId": str(page.id),
        "spaceKey": page.space.key,
        "versionId": str(version.id),
        "versionName": version.name,
        "exists": found.exists,
        "state": state if found.exists else "absent",
        "fallback": found.fallback,
        "sourceVersionId": str(source) if source is not None else None,
        "sourceVersionName": names.get(source) if source is not None else None,
        "title": found.title,
        "body": {"storage": {"value": found.body, "representation": "storage"}},
    }


@router.get(TRANSLATIONS + "/languages/{space_key}")
def get_languages(space_key: SpaceKey, db: DbDep, identity: IdentityDep) -> list[dict[str, Any]]:
    """The space's languages, the default first."""
    with db.read() as session:
        space = _space(session, identity, space_key)
        return [language_json(lang) for lang in list_languages(session, space)]


# --- Pressroom's own writes -------------------------------------------------------------


class ConfigIn(BaseModel):
    model_config = ConfigDict(extra="ignore")

    enableVersionManagement: StrictBool | None = None  # noqa: N815
    enableVariants: StrictBool | None = None  # noqa: N815
    enableTranslation: StrictBool | None = None  # noqa: N815
    currentVersionId: StrictStr | StrictInt | None = None  # noqa: N815
    defaultLanguage: StrictStr | None = Field(default=None, max_length=32)  # noqa: N815


@router.put(VERSIONS + "/config/{space_key}")
def put_config(
    space_key: SpaceKey, body: ConfigIn, db: DbDep, identity: IdentityDep
) -> dict[str, Any]:
    """Pressroom's own: switch the features on or off, set the current version and the
    default language (space admin)."""
    changes: dict[str, object] = {}
    for wire, column in (
        ("enableVersionManagement", "versions_enabled"),
        ("enableVariants", "variants_enabled"),
        ("enableTranslation", "translations_enabled"),
    ):
        if getattr(body, wire) is not None:
            changes[column] = getattr(body, wire)
    if body.defaultLanguage is not None:
        changes["default_language"] = checked_key(body.defaultLanguage, "defaultLanguage")
    with db.write() as session:
        space = _space(session, identity, space_key, "admin")
        if "currentVersionId" in body.model_fields_set:
            current = body.currentVersionId
            changes["current_version_id"] = (
                None if current in (None, "") else find_version(session, space, str(current)).id
            )
        update_versioning(session, space, changes)
        return config_json(session, space)


class VersionIn(BaseModel):
    model_config = ConfigDict(extra="ignore")

    name: StrictStr | None = Field(default=None, max_length=255)
    description: StrictStr | None = Field(default=None, max_length=10_000)
    releaseDate: dt.date | None = None  # noqa: N815
    precedingVersionId: StrictStr | StrictInt | None = None  # noqa: N815
    color: StrictStr | None = Field(default=None, max_length=32)
    runtimeAccessible: StrictBool | None = None  # noqa: N815
    archived: StrictBool | None = None

    def fields(self, session: Session, space: Space) -> VersionFields:
        preceding = self.precedingVersionId
        return VersionFields(
            name=self.name,
            description=self.description,
            release_date=self.releaseDate,
            preceding_version_id=(
                None if preceding in (None, "") else find_version(session, space, str(preceding)).id
            ),
            color=self.color,
            runtime_accessible=self.runtimeAccessible,
            archived=self.archived,
        )


@router.post(VERSIONS + "/versions/{space_key}", status_code=201)
def post_version(
    space_key: SpaceKey, body: VersionIn, db: DbDep, identity: IdentityDep
) -> dict[str, Any]:
    """Pressroom's own: a new version, after ``precedingVersionId`` if given (space admin)."""
    with db.write() as session:
        space = _space(session, identity, space_key, "admin")
        version = create_version(session, space, body.fields(session, space))
        return version_json(version, versioning_of(session, space).current_version_id)


@router.put(VERSIONS + "/versions/{space_key}/{version_id}")
def put_version(
    space_key: SpaceKey, version_id: VersionId, body: VersionIn, db: DbDep, identity: IdentityDep
) -> dict[str, Any]:
    """Pressroom's own: rename, re-chain, archive (``archived: true``) or restore a version
    (space admin)."""
    with db.write() as session:
        space = _space(session, identity, space_key, "admin")
        fields = body.fields(session, space)
        preceding_set = "precedingVersionId" in body.model_fields_set
        version = update_version(session, space, version_id, fields, preceding_set)
        return version_json(version, versioning_of(session, space).current_version_id)


class PageVersionIn(BaseModel):
    model_config = ConfigDict(extra="ignore")

    state: StrictStr = "changed"
    title: StrictStr | None = Field(default=None, min_length=1, max_length=255)
    body: StrictStr | None = Field(default=None, max_length=MAX_BODY)


@router.put(VERSIONS + "/page/{space_key}/{page_id}/{version_id}")
def put_page_in_version(
    space_key: SpaceKey,
    page_id: PageId,
    version_id: VersionId,
    body: PageVersionIn,
    db: DbDep,
    identity: IdentityDep,
) -> dict[str, Any]:
    """Pressroom's own: the page's content in one version (``state``: ``changed``, ``new``
    for a page that first appears there, ``removed``); needs 'edit'."""
    with db.write() as session:
        page = _page_in_space(session, identity, space_key, page_id, "edit")
        version = find_version(session, page.space, version_id)
        edit_page_in_version(
            session,
            page,
            version,
            state=body.state,
            title=body.title,
            body=body.body,
            modifier_id=identity.user_id,
        )
        return _page_version_json(session, page, version)


class AttributeIn(BaseModel):
    model_config = ConfigDict(extra="ignore")

    name: StrictStr = Field(min_length=1, max_length=255)
    values: list[StrictStr] = Field(min_length=1, max_length=200)


@router.post(VERSIONS + "/attribute/{space_key}", status_code=201)
def post_attribute(
    space_key: SpaceKey, body: AttributeIn, db: DbDep, identity: IdentityDep
) -> dict[str, Any]:
    """Pressroom's own: an attribute and its values by name (space admin)."""
    with db.write() as session:
        space = _space(session, identity, space_key, "admin")
        return attribute_json(create_attribute(session, space, body.name, body.values))


class SelectionIn(BaseModel):
    model_config = ConfigDict(extra="ignore")

    attributeId: StrictStr | StrictInt  # noqa: N815
    valueIds: list[StrictStr | StrictInt] = Field(min_length=1, max_length=200)  # noqa: N815


class VariantIn(BaseModel):
    model_config = ConfigDict(extra="ignore")

    name: StrictStr = Field(min_length=1, max_length=255)
    description: StrictStr = Field(default="", max_length=10_000)
    attributes: list[SelectionIn] = Field(default_factory=list, max_length=100)


@router.post(VERSIONS + "/variant/{space_key}", status_code=201)
def post_variant(
    space_key: SpaceKey, body: VariantIn, db: DbDep, identity: IdentityDep
) -> dict[str, Any]:
    """Pressroom's own: a variant selecting attribute values (space admin)."""
    selections = [
        (_id(item.attributeId, "attributeId"), [_id(v, "valueIds") for v in item.valueIds])
        for item in body.attributes
    ]
    with db.write() as session:
        space = _space(session, identity, space_key, "admin")
        return variant_json(create_variant(session, space, body.name, body.description, selections))


class PageValuesIn(BaseModel):
    model_config = ConfigDict(extra="ignore")

    valueIds: list[StrictStr | StrictInt] = Field(max_length=200)  # noqa: N815


@router.put(VERSIONS + "/page-attributes/{page_id}")
def put_page_attributes(
    page_id: PageId, body: PageValuesIn, db: DbDep, identity: IdentityDep
) -> dict[str, Any]:
    """Pressroom's own: the attribute values the page carries (replaces them); 'edit'."""
    ids = [_id(v, "valueIds") for v in body.valueIds]
    with db.write() as session:
        page = _page(session, identity, page_id, "edit")
        set_page_values(session, page, ids)
        return {"pageId": str(page.id), "valueIds": [str(v) for v in dict.fromkeys(ids)]}


class LanguageIn(BaseModel):
    model_config = ConfigDict(extra="ignore")

    key: StrictStr = Field(min_length=2, max_length=32)
    displayName: StrictStr | None = Field(default=None, max_length=255)  # noqa: N815


@router.post(TRANSLATIONS + "/languages/{space_key}", status_code=201)
def post_language(
    space_key: SpaceKey, body: LanguageIn, db: DbDep, identity: IdentityDep
) -> dict[str, Any]:
    """Pressroom's own: add a language to the space (space admin)."""
    with db.write() as session:
        space = _space(session, identity, space_key, "admin")
        return language_json(add_language(session, space, body.key, body.displayName))


class TranslationIn(BaseModel):
    model_config = ConfigDict(extra="ignore")

    title: StrictStr = Field(min_length=1, max_length=255)
    body: StrictStr = Field(default="", max_length=MAX_BODY)


@router.put(VERSIONS + "/translation/{page_id}/{language_key}")
def put_page_translation(
    page_id: PageId,
    language_key: LanguageKey,
    body: TranslationIn,
    db: DbDep,
    identity: IdentityDep,
) -> dict[str, Any]:
    """Pressroom's own: the page's translation into one of its space's languages; 'edit'."""
    with db.write() as session:
        page = _page(session, identity, page_id, "edit")
        row = put_translation(session, page, language_key, body.title, body.body, identity.user_id)
        return {
            "pageId": str(page.id),
            "languageKey": row.language_key,
            "title": row.title,
            "revision": row.revision,
            "body": {"storage": {"value": row.body, "representation": "storage"}},
        }


def _id(value: str | int, field: str) -> int:
    text = str(value).strip()
    if not text.isdigit() or len(text) > 17:
        raise InvalidInput(f"{field} must hold numeric ids.")
    return int(text)
