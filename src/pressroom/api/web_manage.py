"""What users of a wiki expect besides reading and editing (DECISIONS.md): a page's
history (list, view an old version, restore it), deleting a page, the space trash
(restore, purge) and changing one's own password. Same services and grants as the REST
API."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Query, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlalchemy import select

from pressroom.api.deps import DbDep, IdentityDep, SettingsDep
from pressroom.api.web_support import HtmlPageRoute, check_csrf, page_viewer, render
from pressroom.auth.directory import UserChange, update_user
from pressroom.auth.identity import Identity, space_grants_of
from pressroom.auth.models import User
from pressroom.auth.passwords import verify_password
from pressroom.content.attachments import remove_files_on_commit
from pressroom.content.documents import (
    DocumentChange,
    delete_document,
    get_content,
    update_document,
    versions_of,
)
from pressroom.content.models import DOCUMENT_TYPES, Content
from pressroom.content.reading import preview
from pressroom.content.spaces import find_space
from pressroom.errors import InvalidInput, NotAuthenticated, NotFound
from pressroom.ids import MAX_CONTENT_ID

router = APIRouter(route_class=HtmlPageRoute, include_in_schema=False, tags=["web"])

PageId = Annotated[int, Query(ge=1, lt=MAX_CONTENT_ID)]
FormPageId = Annotated[int, Form(ge=1, lt=MAX_CONTENT_ID)]
FormText = Annotated[str, Form(max_length=1024)]
MAX_TRASH = 500


# -- history ---------------------------------------------------------------------------


@router.get("/pages/viewpreviousversions.action", response_class=HTMLResponse)
def page_history(request: Request, pageId: PageId, db: DbDep, identity: IdentityDep) -> Response:  # noqa: N803
    viewer = page_viewer(request, identity, Response())
    with db.read() as session:
        content = get_content(session, identity, pageId)
        versions = list(reversed(versions_of(session, content)))
        grants = space_grants_of(session, identity, content.space_id)
        return render(
            request,
            "history.html",
            viewer,
            content=content,
            space=content.space,
            versions=versions,
            may_edit="edit" in grants and content.type in DOCUMENT_TYPES,
        )


@router.get("/pages/viewpageversion.action", response_class=HTMLResponse)
def old_version(
    request: Request,
    pageId: PageId,  # noqa: N803
    version: Annotated[int, Query(ge=1)],
    db: DbDep,
    identity: IdentityDep,
    settings: SettingsDep,
) -> Response:
    viewer = page_viewer(request, identity, Response())
    with db.read() as session:
        content = get_content(session, identity, pageId)
        found = [v for v in versions_of(session, content) if v.number == version]
        if not found or content.type not in DOCUMENT_TYPES:
            raise NotFound(f"Page {pageId} has no version {version}.")
        body = preview(
            session,
            identity,
            found[0].body,
            content.space.key,
            content.id,
            settings.attachments_dir,
        )
        grants = space_grants_of(session, identity, content.space_id)
        return render(
            request,
            "version.html",
            viewer,
            content=content,
            space=content.space,
            old=found[0],
            body_html=body,
            may_edit="edit" in grants,
        )


@router.post("/pages/revertpage.action")
def restore_version(
    request: Request,
    db: DbDep,
    identity: IdentityDep,
    pageId: FormPageId,  # noqa: N803
    version: Annotated[int, Form(ge=1)],
    atl_token: FormText = "",
) -> Response:
    """A new version with the old version's title and content, as Confluence restores."""
    check_csrf(request, db, identity, atl_token)
    with db.write() as session:
        content = get_content(session, identity, pageId)
        found = [v for v in versions_of(session, content) if v.number == version]
        if not found:
            raise NotFound(f"Page {pageId} has no version {version}.")
        change = DocumentChange(
            version_number=content.version + 1,
            title=found[0].title,
            body=found[0].body,
            parent_id=content.parent_id,
            message=f"Restored version {version}",
        )
        update_document(session, identity, pageId, change)
    return RedirectResponse(f"/pages/viewpage.action?pageId={pageId}", status_code=303)


# -- delete and the trash --------------------------------------------------------------


@router.post("/pages/removepage.action")
def remove_page(
    request: Request,
    db: DbDep,
    identity: IdentityDep,
    pageId: FormPageId,  # noqa: N803
    atl_token: FormText = "",
) -> Response:
    check_csrf(request, db, identity, atl_token)
    with db.write() as session:
        space_key = get_content(session, identity, pageId).space.key
        delete_document(session, identity, pageId)
    return RedirectResponse(f"/spaces/{space_key}/trash", status_code=303)


@router.get("/spaces/{space_key}/trash", response_class=HTMLResponse)
def space_trash(request: Request, space_key: str, db: DbDep, identity: IdentityDep) -> Response:
    viewer = page_viewer(request, identity, Response())
    with db.read() as session:
        space = find_space(session, identity, space_key)
        trashed = session.scalars(
            select(Content)
            .where(
                Content.space_id == space.id,
                Content.status == "trashed",
                Content.type.in_(DOCUMENT_TYPES),
            )
            .order_by(Content.modified_at.desc())
            .limit(MAX_TRASH)
        ).all()
        grants = space_grants_of(session, identity, space.id)
        return render(
            request,
            "trash.html",
            viewer,
            space=space,
            trashed=trashed,
            may_delete="delete" in grants,
        )


@router.post("/spaces/{space_key}/trash/{content_id:int}/restore")
def restore_from_trash(
    request: Request,
    space_key: str,
    content_id: int,
    db: DbDep,
    identity: IdentityDep,
    atl_token: FormText = "",
) -> Response:
    check_csrf(request, db, identity, atl_token)
    with db.write() as session:
        content = _trashed(session, identity, space_key, content_id)
        update_document(session, identity, content.id, DocumentChange(content.version + 1))
    return RedirectResponse(f"/pages/viewpage.action?pageId={content_id}", status_code=303)


@router.post("/spaces/{space_key}/trash/{content_id:int}/purge")
def purge_from_trash(
    request: Request,
    space_key: str,
    content_id: int,
    db: DbDep,
    identity: IdentityDep,
    settings: SettingsDep,
    atl_token: FormText = "",
) -> Response:
    check_csrf(request, db, identity, atl_token)
    with db.write() as session:
        content = _trashed(session, identity, space_key, content_id)
        remove_files_on_commit(session, settings, content.id)
        delete_document(session, identity, content.id, purge=True)
    return RedirectResponse(f"/spaces/{space_key}/trash", status_code=303)


def _trashed(session: object, identity: Identity, space_key: str, content_id: int) -> Content:
    content = get_content(session, identity, content_id, status="trashed")  # type: ignore[arg-type]
    if content.space.key != space_key:
        raise NotFound(f"Space {space_key} has no content {content_id} in its trash.")
    return content


# -- one's own password ----------------------------------------------------------------


@router.get("/profile/password", response_class=HTMLResponse)
def password_form(request: Request, db: DbDep, identity: IdentityDep) -> Response:
    if identity.anonymous:
        raise NotAuthenticated("Log in to change your password.")
    return render(request, "password.html", page_viewer(request, identity, Response()))


@router.post("/profile/password", response_class=HTMLResponse)
def change_password(
    request: Request,
    db: DbDep,
    identity: IdentityDep,
    current: FormText = "",
    new: FormText = "",
    repeated: FormText = "",
    atl_token: FormText = "",
) -> Response:
    """A new password ends every session of the user (the REST API's rule): log in again."""
    if identity.anonymous:
        raise NotAuthenticated("Log in to change your password.")
    check_csrf(request, db, identity, atl_token)
    viewer = page_viewer(request, identity, Response())
    try:
        if new != repeated:
            raise InvalidInput("The two new passwords differ; type the same password twice.")
        with db.write() as session:
            user = session.get(User, identity.user_id)
            assert user is not None
            if not verify_password(user.password_hash, current):
                raise InvalidInput("Your current password is not right.")
            update_user(session, user, UserChange(password=new))
    except InvalidInput as exc:
        return render(request, "password.html", viewer, 400, problem=exc.message)
    request.app.state.credential_cache.clear()
    return RedirectResponse("/login", status_code=303)
