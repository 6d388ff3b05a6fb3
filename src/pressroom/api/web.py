"""The browser pages: dashboard, spaces, the page tree, the page view, Page Information,
the export dialog with its job page, templates with Template Information, and personal
access tokens. Server-rendered (web/templates), with the same services and permission
checks as the REST API; errors answer as HTML pages (api/web_support.py).

Paths follow Confluence where it has one (``/display/KEY``,
``/pages/viewpage.action?pageId=…``, ``/pages/viewinfo.action?pageId=…``), so that
links and bookmarks people bring with them keep working.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, Literal
from urllib.parse import quote

from fastapi import APIRouter, File, Form, Query, Request, Response, UploadFile
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse

from pressroom.api.deps import DbDep, IdentityDep, OriginDep, SettingsDep
from pressroom.api.exporter import (
    PDF_API,
    WORD_API,
    ExporterApi,
    submit_export,
    with_anonymous_session,
)
from pressroom.api.limits import BROWSER_UPLOAD
from pressroom.api.templates import PDF_PREFIX as PDF_TEMPLATES
from pressroom.api.templates import PREFIX as WORD_TEMPLATES
from pressroom.api.templates import export_sync_url, read_upload
from pressroom.api.web_support import (
    HtmlPageRoute,
    Viewer,
    check_csrf,
    page_viewer,
    render,
    with_cookies,
)
from pressroom.auth.audit import record_event
from pressroom.auth.identity import Identity, space_grants_of
from pressroom.auth.models import User
from pressroom.auth.space_access import require_grant
from pressroom.auth.tokens import create_token, list_tokens, revoke_token
from pressroom.config import Settings
from pressroom.content.documents import get_content
from pressroom.content.page_info import page_info
from pressroom.content.reading import child_nodes, read_page, recent_exports, space_home
from pressroom.content.search import excerpt_of, search_content
from pressroom.content.spaces import find_space, list_spaces
from pressroom.content.templates import (
    PDF,
    WORD,
    SavedTemplate,
    TemplateInfo,
    TemplateStore,
    TemplateUpload,
)
from pressroom.content.translations import list_languages
from pressroom.content.variants import list_variants
from pressroom.content.versions import list_versions
from pressroom.db import Database
from pressroom.errors import (
    Conflict,
    InvalidInput,
    NotAuthenticated,
    NotFound,
    TooLarge,
    UnsupportedMediaType,
)
from pressroom.ids import MAX_CONTENT_ID
from pressroom.jobs.lifecycle import ExportRequest, cancel_job, find_job, status_payload
from pressroom.web import STATIC_FILES

router = APIRouter(route_class=HtmlPageRoute, include_in_schema=False, tags=["web"])

PageId = Annotated[int, Query(ge=1, lt=MAX_CONTENT_ID)]
FormText = Annotated[str, Form(max_length=1024)]
SEARCH_RESULTS = 50
APIS: dict[str, ExporterApi] = {"word": WORD_API, "pdf": PDF_API}
DEFAULT_TEMPLATES = {
    WORD: "com.k15t.scroll.office.default-template-1",
    PDF: "com.k15t.scroll.pdf.default-template-documentation",
}


def _viewer(request: Request, identity: Identity, holder: Response) -> Viewer:
    return page_viewer(request, identity, holder)


def _require_login(identity: Identity, action: str) -> None:
    if identity.anonymous:
        raise NotAuthenticated(f"Log in to {action}.")


# -- reading ---------------------------------------------------------------------------


@router.get("/", response_class=HTMLResponse)
def dashboard(request: Request, db: DbDep, identity: IdentityDep) -> Response:
    holder = Response()
    viewer = _viewer(request, identity, holder)
    with db.read() as session:
        spaces, _ = list_spaces(session, identity, 0, 200)
        recent = recent_exports(session, identity, request.app.state.clock)
        page = render(request, "dashboard.html", viewer, spaces=spaces, recent=recent, apis=APIS)
    return with_cookies(page, holder)


@router.get("/spaces", response_class=HTMLResponse)
def space_directory(request: Request, db: DbDep, identity: IdentityDep) -> Response:
    holder = Response()
    viewer = _viewer(request, identity, holder)
    with db.read() as session:
        spaces, _ = list_spaces(session, identity, 0, 1000)
        page = render(request, "spaces.html", viewer, spaces=spaces)
    return with_cookies(page, holder)


@router.get("/display/{space_key}", response_class=HTMLResponse)
def space_page(request: Request, space_key: str, db: DbDep, identity: IdentityDep) -> Response:
    holder = Response()
    viewer = _viewer(request, identity, holder)
    with db.read() as session:
        home = space_home(session, identity, space_key)
        page = render(request, "space.html", viewer, home=home, space=home.space)
    return with_cookies(page, holder)


@router.get("/pages/children.action", response_class=HTMLResponse)
def page_children(request: Request, pageId: PageId, db: DbDep, identity: IdentityDep) -> Response:  # noqa: N803
    """A branch of the page tree, fetched when it is opened."""
    with db.read() as session:
        nodes = child_nodes(session, identity, pageId)
    return render(request, "tree.html", Viewer(identity, ""), nodes=nodes)


@router.get("/pages/viewpage.action", response_class=HTMLResponse)
def view_page(
    request: Request,
    pageId: PageId,  # noqa: N803
    db: DbDep,
    identity: IdentityDep,
    settings: SettingsDep,
) -> Response:
    holder = Response()
    viewer = _viewer(request, identity, holder)
    with db.read() as session:
        reading = read_page(session, identity, pageId, settings.attachments_dir)
        page = render(
            request,
            "page.html",
            viewer,
            reading=reading,
            content=reading.content,
            space=reading.content.space,
        )
    return with_cookies(page, holder)


@router.get("/pages/viewinfo.action", response_class=HTMLResponse)
def view_page_information(
    request: Request,
    pageId: PageId,  # noqa: N803
    db: DbDep,
    identity: IdentityDep,
    settings: SettingsDep,
    base: OriginDep,
    wordTemplate: Annotated[str | None, Query(max_length=255)] = None,  # noqa: N803
    pdfTemplate: Annotated[str | None, Query(max_length=255)] = None,  # noqa: N803
) -> Response:
    """Page Information: what the page is, and its export-sync URLs ready to copy."""
    holder = Response()
    viewer = _viewer(request, identity, holder)
    with db.read() as session:
        info = page_info(session, identity, pageId)
    templates = _templates_for(db, settings, identity, info.space_key)
    chosen = {
        WORD: _chosen(templates[WORD], wordTemplate, WORD),
        PDF: _chosen(templates[PDF], pdfTemplate, PDF),
    }
    urls = {
        exporter: export_sync_url(base, template_id, exporter).replace(
            "pageId=PAGE-ID", f"pageId={info.id}"
        )
        for exporter, template_id in chosen.items()
    }
    page = render(
        request,
        "info.html",
        viewer,
        info=info,
        templates=templates,
        chosen=chosen,
        urls=urls,
    )
    return with_cookies(page, holder)


def _templates_for(
    db: Database, settings: Settings, identity: Identity, space_key: str
) -> dict[str, list[TemplateInfo]]:
    """The templates the caller may export with: built-in ones for visitors, else those
    the template API lists for the space."""
    found = {}
    for exporter in (WORD, PDF):
        store = TemplateStore(db, settings, exporter=exporter)
        found[exporter] = (
            store.builtins() if identity.anonymous else store.available(identity, space_key)
        )
    return found


def _chosen(templates: list[TemplateInfo], wanted: str | None, exporter: str) -> str:
    ids = [template.id for template in templates]
    if wanted in ids:
        return str(wanted)
    return DEFAULT_TEMPLATES[exporter] if DEFAULT_TEMPLATES[exporter] in ids else ids[0]


@router.get("/dosearchsite.action", response_class=HTMLResponse)
def quick_search(
    request: Request,
    db: DbDep,
    identity: IdentityDep,
    queryString: Annotated[str, Query(max_length=200)] = "",  # noqa: N803
) -> Response:
    """Pages and blog posts whose title or text contains the words (CQL ``text ~``)."""
    holder = Response()
    viewer = _viewer(request, identity, holder)
    words = queryString.strip()
    found: list[dict[str, Any]] = []
    total = 0
    if words:
        quoted = words.replace("\\", "\\\\").replace('"', '\\"')
        cql = f'text ~ "{quoted}" AND type in (page, blogpost)'
        with db.read() as session:
            results = search_content(session, identity, cql, 0, SEARCH_RESULTS)
            total = results.total
            found = [
                {"id": c.id, "title": c.title, "space": c.space.key, "excerpt": excerpt_of(c)}
                for c in results.items
            ]
    page = render(request, "search.html", viewer, words=words, found=found, total=total)
    return with_cookies(page, holder)


# -- export ----------------------------------------------------------------------------


@router.get("/pages/export.action", response_class=HTMLResponse)
def export_dialog(
    request: Request,
    pageId: PageId,  # noqa: N803
    db: DbDep,
    identity: IdentityDep,
    settings: SettingsDep,
) -> Response:
    holder = Response()
    viewer = _viewer(request, identity, holder)
    with db.read() as session:
        content = get_content(session, identity, pageId)
        require_grant(session, identity, content.space, "export", "export its pages")
        space_key = content.space.key
        page = {"id": content.id, "title": content.title, "type": content.type}
        versions = [
            {"id": v.id, "name": v.name}
            for v in list_versions(session, content.space)
            if not v.archived
        ]
        variants = [{"id": v.id, "name": v.name} for v in list_variants(session, content.space)]
        languages = list_languages(session, content.space)
    templates = _templates_for(db, settings, identity, space_key)
    answer = render(
        request,
        "export.html",
        viewer,
        page=page,
        space_key=space_key,
        templates=templates,
        defaults=DEFAULT_TEMPLATES,
        versions=versions,
        variants=variants,
        languages=languages,
    )
    return with_cookies(answer, holder)


@router.post("/pages/export.action")
async def start_export(
    request: Request,
    db: DbDep,
    identity: IdentityDep,
    pageId: Annotated[int, Form(ge=1, lt=MAX_CONTENT_ID)],  # noqa: N803
    atl_token: FormText = "",
    exporter: Annotated[Literal["word", "pdf"], Form()] = "word",
    scope: Annotated[Literal["current", "descendants"], Form()] = "current",
    wordTemplate: FormText = "",  # noqa: N803
    pdfTemplate: FormText = "",  # noqa: N803
    versionId: FormText = "",  # noqa: N803
    variantId: FormText = "",  # noqa: N803
    languageKey: FormText = "",  # noqa: N803
) -> Response:
    await run_in_threadpool(check_csrf, request, db, identity, atl_token)
    template = (wordTemplate if exporter == WORD else pdfTemplate) or DEFAULT_TEMPLATES[exporter]
    export = ExportRequest(
        exporter=exporter,
        page_id=pageId,
        template_id=template,
        scope=scope,
        version_id=versionId or None,
        variant_id=variantId or "all",
        language_key=languageKey or None,
    )
    holder = Response()
    identity = await run_in_threadpool(with_anonymous_session, identity, request, holder)
    job = await run_in_threadpool(submit_export, request, db, identity, export)
    return with_cookies(RedirectResponse(f"/exports/{exporter}/{job.id}", status_code=303), holder)


@router.get("/exports/{exporter}/{job_id}", response_class=HTMLResponse)
def export_job(
    request: Request,
    exporter: str,
    job_id: str,
    db: DbDep,
    identity: IdentityDep,
    base: OriginDep,
) -> Response:
    """An export's progress (live through the public status API), log and download."""
    api = _api(exporter)
    viewer = _viewer(request, identity, Response())
    with db.read() as session:
        job = find_job(session, identity, job_id, request.app.state.clock)
        if job.exporter != api.exporter:
            raise NotFound(f"No export job with id {job_id} exists.")
        status = status_payload(job, base)
        title = job.page_title or f"page {job.page_id}"
        page_id = job.page_id
    return render(
        request,
        "job.html",
        viewer,
        job_id=job_id,
        exporter=exporter,
        status=status,
        title=title,
        page_id=page_id,
        status_url=f"{api.base}/exports/{quote(job_id)}/status",
        percent=_percent(status),
    )


def _percent(status: dict[str, Any]) -> int:
    """The share done, as the page's script computes it from the same status."""
    if status["status"] == "complete":
        return 100
    steps = max(int(status["totalSteps"] or 1), 1)
    done = max(int(status["step"] or 0) - 1, 0)
    part = int(status["stepProgress"] or 0)
    return min(99, (100 * done + part) // steps)


@router.post("/exports/{exporter}/{job_id}/cancel")
def cancel_export_job(
    request: Request,
    exporter: str,
    job_id: str,
    db: DbDep,
    identity: IdentityDep,
    atl_token: FormText = "",
) -> Response:
    api = _api(exporter)
    check_csrf(request, db, identity, atl_token)
    with db.write() as session:
        job = find_job(session, identity, job_id, request.app.state.clock)
        if job.exporter != api.exporter:
            raise NotFound(f"No export job with id {job_id} exists.")
        cancel_job(session, job, request.app.state.clock)
    return RedirectResponse(f"/exports/{exporter}/{job_id}", status_code=303)


def _api(exporter: str) -> ExporterApi:
    api = APIS.get(exporter)
    if api is None:
        raise NotFound(f"There is no exporter named {exporter}.")
    return api


# -- templates -------------------------------------------------------------------------


@router.get("/spaces/{space_key}/templates", response_class=HTMLResponse)
def space_templates(
    request: Request,
    space_key: str,
    db: DbDep,
    identity: IdentityDep,
    settings: SettingsDep,
    base: OriginDep,
) -> Response:
    """Space tools, Exporter templates: each with its Template Information."""
    return _templates_page(request, space_key, db, identity, settings, base)


def _templates_page(
    request: Request,
    space_key: str,
    db: Database,
    identity: Identity,
    settings: Settings,
    base: str,
    status_code: int = 200,
    notice: str | None = None,
    problem: str | None = None,
    warnings: list[str] | None = None,
) -> Response:
    holder = Response()
    viewer = _viewer(request, identity, holder)
    _require_login(identity, "see the exporter templates")
    with db.read() as session:
        space = find_space(session, identity, space_key)
        key, name = space.key, space.name
        may_manage = "admin" in space_grants_of(session, identity, space.id)
    templates = _templates_for(db, settings, identity, key)
    rest_urls = {
        (exporter, t.id): export_sync_url(base, t.id, exporter)
        for exporter, listed in templates.items()
        for t in listed
    }
    page = render(
        request,
        "templates.html",
        viewer,
        status_code,
        space_key=key,
        space_name=name,
        templates=templates,
        rest_urls=rest_urls,
        labels={WORD: "Scroll Word Exporter", PDF: "Scroll PDF Exporter"},
        downloads={WORD: WORD_TEMPLATES, PDF: PDF_TEMPLATES},
        accepts={WORD: ".docx,.dotx", PDF: ".zip"},
        may_manage=may_manage,
        notice=notice,
        problem=problem,
        warnings=warnings or [],
    )
    return with_cookies(page, holder)


UploadForm = Annotated[UploadFile, File()]
TemplateExporter = Annotated[Literal["word", "pdf"], Form()]
UPLOAD = {BROWSER_UPLOAD: True}


@router.post("/spaces/{space_key}/templates", openapi_extra=UPLOAD)
def upload_space_template(
    request: Request,
    space_key: str,
    db: DbDep,
    identity: IdentityDep,
    settings: SettingsDep,
    base: OriginDep,
    file: UploadForm,
    exporter: TemplateExporter = "word",
    name: Annotated[str, Form(max_length=255)] = "",
    description: Annotated[str, Form(max_length=10_000)] = "",
    atl_token: FormText = "",
) -> Response:
    check_csrf(request, db, identity, atl_token)
    store = TemplateStore(db, settings, exporter=exporter)
    upload = TemplateUpload(
        data=read_upload(file.file, store.limits.max_bytes),
        file_name=file.filename or "",
        name=name or None,
        description=description or None,
        space_key=space_key,
    )
    return _template_change(
        request,
        space_key,
        db,
        identity,
        settings,
        base,
        201,
        "uploaded",
        lambda: store.upload(identity, upload),
    )


@router.post("/spaces/{space_key}/templates/{exporter}/{template_id}/replace", openapi_extra=UPLOAD)
def replace_space_template(
    request: Request,
    space_key: str,
    exporter: str,
    template_id: str,
    db: DbDep,
    identity: IdentityDep,
    settings: SettingsDep,
    base: OriginDep,
    file: UploadForm,
    atl_token: FormText = "",
) -> Response:
    check_csrf(request, db, identity, atl_token)
    store = TemplateStore(db, settings, exporter=_api(exporter).exporter)
    upload = TemplateUpload(
        data=read_upload(file.file, store.limits.max_bytes), file_name=file.filename or ""
    )
    return _template_change(
        request,
        space_key,
        db,
        identity,
        settings,
        base,
        200,
        "replaced",
        lambda: store.replace(identity, template_id, upload),
    )


@router.post("/spaces/{space_key}/templates/{exporter}/{template_id}/delete")
def delete_space_template(
    request: Request,
    space_key: str,
    exporter: str,
    template_id: str,
    db: DbDep,
    identity: IdentityDep,
    settings: SettingsDep,
    base: OriginDep,
    atl_token: FormText = "",
) -> Response:
    check_csrf(request, db, identity, atl_token)
    store = TemplateStore(db, settings, exporter=_api(exporter).exporter)
    try:
        store.delete(identity, template_id)
    except InvalidInput as exc:
        return _templates_page(
            request, space_key, db, identity, settings, base, 400, problem=exc.message
        )
    return _templates_page(
        request, space_key, db, identity, settings, base, notice="The template was deleted."
    )


def _template_change(
    request: Request,
    space_key: str,
    db: Database,
    identity: Identity,
    settings: Settings,
    base: str,
    status_code: int,
    done: str,
    change: Callable[[], SavedTemplate],
) -> Response:
    """The templates page after an upload or replacement: the template's validation
    messages when it was refused, its placeholder warnings when it was saved."""
    try:
        saved = change()
    except (InvalidInput, TooLarge, UnsupportedMediaType, Conflict) as exc:
        code = {TooLarge: 413, Conflict: 409}.get(type(exc), 400)
        return _templates_page(
            request, space_key, db, identity, settings, base, code, problem=exc.message
        )
    notice = f"Template “{saved.info.name}” {done}."
    return _templates_page(
        request,
        space_key,
        db,
        identity,
        settings,
        base,
        status_code,
        notice=notice,
        warnings=saved.warnings,
    )


# -- personal access tokens ----------------------------------------------------------


@router.get("/profile/tokens", response_class=HTMLResponse)
def tokens_page(request: Request, db: DbDep, identity: IdentityDep) -> Response:
    _require_login(identity, "manage your personal access tokens")
    return _tokens(request, db, identity, None)


def _tokens(
    request: Request, db: Database, identity: Identity, created: str | None, status: int = 200
) -> Response:
    viewer = _viewer(request, identity, Response())
    assert identity.user_id is not None
    with db.read() as session:
        tokens = list_tokens(session, identity.user_id)
        return render(request, "tokens.html", viewer, status, tokens=tokens, created=created)


@router.post("/profile/tokens", response_class=HTMLResponse)
def create_token_page(
    request: Request,
    db: DbDep,
    identity: IdentityDep,
    name: Annotated[str, Form(max_length=255)] = "",
    days: Annotated[int | None, Form(ge=1, le=365)] = 90,
    atl_token: FormText = "",
) -> Response:
    _require_login(identity, "create personal access tokens")
    check_csrf(request, db, identity, atl_token)
    if not name.strip():
        raise InvalidInput("Give the token a name, so you know later what uses it.")
    now = request.app.state.clock()
    with db.write() as session:
        user = session.get(User, identity.user_id)
        assert user is not None
        token, raw = create_token(session, user, name.strip(), days, now)
        record_event(
            session,
            "token.create",
            at=now,
            actor=identity.username,
            subject=f"token:{token.id}",
            method=identity.method,
            detail={"name": token.name, "days": days},
        )
    return _tokens(request, db, identity, raw, 201)


@router.post("/profile/tokens/{token_id:int}/revoke")
def revoke_token_page(
    request: Request,
    token_id: int,
    db: DbDep,
    identity: IdentityDep,
    atl_token: FormText = "",
) -> Response:
    _require_login(identity, "revoke personal access tokens")
    check_csrf(request, db, identity, atl_token)
    assert identity.user_id is not None
    now = request.app.state.clock()
    with db.write() as session:
        token = revoke_token(session, identity.user_id, token_id)
        record_event(
            session,
            "token.revoke",
            at=now,
            actor=identity.username,
            subject=f"token:{token.id}",
            method=identity.method,
            detail={"name": token.name},
        )
    return RedirectResponse("/profile/tokens", status_code=303)


# -- static files ----------------------------------------------------------------------


@router.get("/static/{name}")
def static_file(name: str) -> Response:
    """Our stylesheet and script, and the vendored htmx: only the files named in
    ``web.STATIC_FILES``, never a path from the request."""
    found = STATIC_FILES.get(name)
    if found is None:
        raise NotFound(f"There is no static file named {name}.")
    path, media_type = found
    return FileResponse(path, media_type=media_type, headers={"Cache-Control": "no-cache"})
