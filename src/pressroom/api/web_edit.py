"""Creating and editing pages in the browser: title, parent, storage-format source with a
live preview through the HTML writer, and labels. The same services and version checks
as the REST API: a stale edit is refused with a clear message and the user's text stays
in the form."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import APIRouter, File, Form, Query, Request, Response, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlalchemy import select
from sqlalchemy.orm import Session

from pressroom.api.deps import DbDep, IdentityDep, SettingsDep
from pressroom.api.limits import BROWSER_UPLOAD
from pressroom.api.web_support import HtmlPageRoute, Viewer, check_csrf, page_viewer, render
from pressroom.auth.identity import Identity
from pressroom.auth.space_access import require_grant
from pressroom.content.attachments import check_may_attach, receive_file, save_attachment
from pressroom.content.documents import (
    DocumentChange,
    create_document,
    delete_document,
    get_content,
    update_document,
)
from pressroom.content.labels import LabelName, add_labels, remove_label
from pressroom.content.models import Content, Space
from pressroom.content.reading import preview
from pressroom.content.spaces import find_space
from pressroom.errors import Conflict, InvalidInput, NotAuthenticated, NotFound, PressroomError
from pressroom.ids import MAX_CONTENT_ID

router = APIRouter(route_class=HtmlPageRoute, include_in_schema=False, tags=["web"])

PageId = Annotated[int, Query(ge=1, lt=MAX_CONTENT_ID)]
FormText = Annotated[str, Form(max_length=1024)]
# As the REST API's body limit allows: the middleware refuses larger bodies first.
StorageText = Annotated[str, Form(max_length=5_000_000)]
MAX_PARENTS = 1000


@dataclass(slots=True)
class Draft:
    """What the form shows: the user's text, kept as typed whatever happens."""

    space_key: str
    title: str = ""
    body: str = "<p></p>"
    parent_id: int | None = None
    page_id: int | None = None
    version: int = 0
    message: str = ""


def _parents(session: Session, space: Space, page_id: int | None) -> list[tuple[int, str]]:
    rows = session.execute(
        select(Content.id, Content.title)
        .where(
            Content.space_id == space.id,
            Content.type == "page",
            Content.status == "current",
        )
        .order_by(Content.title)
        .limit(MAX_PARENTS)
    ).all()
    return [(row.id, row.title) for row in rows if row.id != page_id]


def _form(
    request: Request,
    db_session: Session,
    viewer: Viewer,
    space: Space,
    draft: Draft,
    status_code: int = 200,
    problem: str | None = None,
) -> HTMLResponse:
    return render(
        request,
        "edit.html",
        viewer,
        status_code,
        draft=draft,
        space=space,
        parents=_parents(db_session, space, draft.page_id),
        problem=problem,
    )


def _require_edit(session: Session, identity: Identity, space: Space, action: str) -> None:
    if identity.anonymous:
        raise NotAuthenticated(f"Log in to {action}.")
    require_grant(session, identity, space, "edit", action)


@router.get("/pages/createpage.action", response_class=HTMLResponse)
def create_page_form(
    request: Request,
    db: DbDep,
    identity: IdentityDep,
    spaceKey: Annotated[str, Query(max_length=255)],  # noqa: N803
    parentId: Annotated[int | None, Query(ge=1, lt=MAX_CONTENT_ID)] = None,  # noqa: N803
) -> Response:
    viewer = page_viewer(request, identity, Response())
    with db.read() as session:
        space = find_space(session, identity, spaceKey)
        _require_edit(session, identity, space, "create pages")
        return _form(request, session, viewer, space, Draft(space.key, parent_id=parentId))


@router.post("/pages/createpage.action", response_class=HTMLResponse)
def create_page(
    request: Request,
    db: DbDep,
    identity: IdentityDep,
    spaceKey: Annotated[str, Form(max_length=255)],  # noqa: N803
    title: Annotated[str, Form(max_length=1024)] = "",
    body: StorageText = "",
    parentId: Annotated[str, Form(max_length=20)] = "",  # noqa: N803
    atl_token: FormText = "",
) -> Response:
    check_csrf(request, db, identity, atl_token)
    draft = Draft(spaceKey, title, body, _parent(parentId))
    try:
        with db.write() as session:
            page = create_document(
                session,
                identity,
                content_type="page",
                space_key=spaceKey,
                title=title,
                body=body,
                parent_id=draft.parent_id,
            )
            page_id = page.id
    except (InvalidInput, Conflict) as exc:
        return _refused(request, db, identity, draft, exc)
    return RedirectResponse(f"/pages/viewpage.action?pageId={page_id}", status_code=303)


@router.get("/pages/editpage.action", response_class=HTMLResponse)
def edit_page_form(
    request: Request,
    pageId: PageId,  # noqa: N803
    db: DbDep,
    identity: IdentityDep,
) -> Response:
    viewer = page_viewer(request, identity, Response())
    with db.read() as session:
        content = get_content(session, identity, pageId)
        _require_edit(session, identity, content.space, "edit pages")
        draft = Draft(
            content.space.key,
            content.title,
            content.body,
            content.parent_id,
            content.id,
            content.version,
        )
        return _form(request, session, viewer, content.space, draft)


@router.post("/pages/editpage.action", response_class=HTMLResponse)
def edit_page(
    request: Request,
    db: DbDep,
    identity: IdentityDep,
    pageId: Annotated[int, Form(ge=1, lt=MAX_CONTENT_ID)],  # noqa: N803
    version: Annotated[int, Form(ge=1)],
    title: Annotated[str, Form(max_length=1024)] = "",
    body: StorageText = "",
    parentId: Annotated[str, Form(max_length=20)] = "",  # noqa: N803
    message: Annotated[str, Form(max_length=1024)] = "",
    atl_token: FormText = "",
) -> Response:
    check_csrf(request, db, identity, atl_token)
    with db.read() as session:
        space_key = get_content(session, identity, pageId).space.key
    draft = Draft(space_key, title, body, _parent(parentId), pageId, version, message)
    change = DocumentChange(
        version_number=version + 1,
        title=title,
        body=body,
        parent_id=draft.parent_id,
        message=message,
    )
    try:
        with db.write() as session:
            update_document(session, identity, pageId, change)
    except (InvalidInput, Conflict) as exc:
        return _refused(request, db, identity, draft, exc)
    return RedirectResponse(f"/pages/viewpage.action?pageId={pageId}", status_code=303)


def _parent(value: str) -> int | None:
    value = value.strip()
    if not value:
        return None
    if not value.isdigit() or not 0 < int(value) < MAX_CONTENT_ID:
        raise InvalidInput("Choose the parent page from the list.")
    return int(value)


def _refused(
    request: Request, db: DbDep, identity: Identity, draft: Draft, exc: PressroomError
) -> HTMLResponse:
    """The form again with the user's text and what to do; for a stale edit, based on
    the version now saved so that saving again replaces it knowingly."""
    viewer = page_viewer(request, identity, Response())
    with db.read() as session:
        space = find_space(session, identity, draft.space_key)
        if isinstance(exc, Conflict) and draft.page_id is not None:
            current = get_content(session, identity, draft.page_id)
            problem = (
                f"Someone else saved version {current.version} of this page while you were "
                "editing. Your text is kept below: compare it with the saved page (opens in a "
                "new tab) and save again to replace that version with yours."
            )
            draft.version = current.version
            return _form(request, session, viewer, space, draft, 409, problem)
        status_code = 409 if isinstance(exc, Conflict) else 400
        return _form(request, session, viewer, space, draft, status_code, exc.message)


@router.post("/pages/preview.action", response_class=HTMLResponse)
def preview_page(
    request: Request,
    db: DbDep,
    identity: IdentityDep,
    settings: SettingsDep,
    spaceKey: Annotated[str, Form(max_length=255)],  # noqa: N803
    body: StorageText = "",
    pageId: Annotated[str, Form(max_length=20)] = "",  # noqa: N803
    atl_token: FormText = "",
) -> Response:
    """The live preview: the draft through the HTML writer, as a fragment."""
    check_csrf(request, db, identity, atl_token)
    if identity.anonymous:
        raise NotAuthenticated("Log in to preview pages.")
    page_id = _parent(pageId)
    try:
        with db.read() as session:
            fragment = preview(session, identity, body, spaceKey, page_id, settings.attachments_dir)
    except InvalidInput as exc:
        return render(request, "preview.html", Viewer(identity, ""), 200, problem=exc.message)
    return render(request, "preview.html", Viewer(identity, ""), 200, fragment=fragment)


@router.post("/pages/addlabel.action")
def add_label(
    request: Request,
    db: DbDep,
    identity: IdentityDep,
    pageId: Annotated[int, Form(ge=1, lt=MAX_CONTENT_ID)],  # noqa: N803
    name: Annotated[str, Form(max_length=255)] = "",
    atl_token: FormText = "",
) -> Response:
    check_csrf(request, db, identity, atl_token)
    with db.write() as session:
        add_labels(session, identity, pageId, [LabelName.checked("global", name)])
    return RedirectResponse(f"/pages/viewpage.action?pageId={pageId}#labels", status_code=303)


@router.post("/pages/removelabel.action")
def remove_label_page(
    request: Request,
    db: DbDep,
    identity: IdentityDep,
    pageId: Annotated[int, Form(ge=1, lt=MAX_CONTENT_ID)],  # noqa: N803
    name: Annotated[str, Form(max_length=255)] = "",
    atl_token: FormText = "",
) -> Response:
    check_csrf(request, db, identity, atl_token)
    with db.write() as session:
        remove_label(session, identity, pageId, name)
    return RedirectResponse(f"/pages/viewpage.action?pageId={pageId}#labels", status_code=303)


@router.post("/pages/attachfile.action", openapi_extra={BROWSER_UPLOAD: True})
def attach_file(
    request: Request,
    db: DbDep,
    identity: IdentityDep,
    settings: SettingsDep,
    pageId: Annotated[int, Form(ge=1, lt=MAX_CONTENT_ID)],  # noqa: N803
    file: Annotated[UploadFile, File()],
    comment: Annotated[str, Form(max_length=1024)] = "",
    atl_token: FormText = "",
) -> Response:
    """Upload a file to the page; a name the page already has becomes its new version."""
    check_csrf(request, db, identity, atl_token)
    with db.read() as session:
        check_may_attach(session, identity, pageId)
    incoming = receive_file(settings, file.filename, file.file, file.content_type)
    try:
        with db.write() as session:
            save_attachment(session, identity, settings, pageId, incoming, comment)
    finally:
        incoming.discard()
    return RedirectResponse(f"/pages/viewpage.action?pageId={pageId}#attachments", status_code=303)


@router.post("/pages/removeattachment.action")
def remove_attachment(
    request: Request,
    db: DbDep,
    identity: IdentityDep,
    pageId: Annotated[int, Form(ge=1, lt=MAX_CONTENT_ID)],  # noqa: N803
    attachmentId: Annotated[int, Form(ge=1, lt=MAX_CONTENT_ID)],  # noqa: N803
    atl_token: FormText = "",
) -> Response:
    """The attachment to the space trash (the REST API's DELETE: the 'delete' grant)."""
    check_csrf(request, db, identity, atl_token)
    with db.write() as session:
        attachment = get_content(session, identity, attachmentId)
        if attachment.type != "attachment" or attachment.parent_id != pageId:
            raise NotFound(f"Page {pageId} has no attachment {attachmentId}.")
        delete_document(session, identity, attachmentId)
    return RedirectResponse(f"/pages/viewpage.action?pageId={pageId}#attachments", status_code=303)
