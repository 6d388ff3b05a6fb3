"""The Scroll Word and PDF Exporter REST APIs: sync export, async jobs, status, cancel,
download. One set of route functions serves both; :func:`exporter_router` mounts them
under an exporter's base path.

Paths, JSON field names and status values are those of the Scroll exporters
(``shared/seed``): scripts written for them work unchanged.
"""

from __future__ import annotations

import asyncio
import logging
import re
import time
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import FileResponse
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StrictInt,
    StrictStr,
    ValidationError,
    field_validator,
)

from pressroom.api.deps import DbDep, IdentityDep, SettingsDep, client_address
from pressroom.api.downloads import content_disposition
from pressroom.api.errors import describe_validation, error_response, status_of_kind
from pressroom.api.urls import origin
from pressroom.auth.cookies import ensure_anonymous_session
from pressroom.auth.identity import Identity
from pressroom.config import Settings
from pressroom.errors import InvalidInput, NotFound, Unavailable
from pressroom.export.locales import is_time_zone
from pressroom.ids import MAX_CONTENT_ID, parse_content_id
from pressroom.jobs.lifecycle import (
    ARTIFACTS_PATHS,
    ExportRequest,
    cancel_job,
    export_dir,
    find_job,
    status_payload,
    submit_job,
)
from pressroom.jobs.models import FINAL_STATES, ExportJob
from pressroom.jobs.render import safe_title
from pressroom.jobs.submission import check_exportable, check_job_caps

log = logging.getLogger("pressroom.api")
WORD_BASE = "/plugins/servlet/scroll-office/api/public/1"
WORD_ARTIFACTS = ARTIFACTS_PATHS["word"]
PDF_BASE = "/plugins/servlet/scroll-pdf/api/public/1"
DOCX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PDF_MEDIA_TYPE = "application/pdf"


@dataclass(frozen=True, slots=True)
class ExporterApi:
    """Where one exporter's API lives and what its files are."""

    exporter: str  # the job's exporter: word, pdf
    base: str
    media_type: str
    extension: str
    tag: str
    file_description: str

    @property
    def artifacts(self) -> str:
        return ARTIFACTS_PATHS[self.exporter]


WORD_API = ExporterApi(
    "word", WORD_BASE, DOCX_MEDIA_TYPE, "docx", "Word export", "The exported Word file"
)
PDF_API = ExporterApi("pdf", PDF_BASE, PDF_MEDIA_TYPE, "pdf", "PDF export", "The exported PDF")

BCP47 = re.compile(r"^[A-Za-z]{2,8}([-_][A-Za-z0-9]{1,8})*$")
NumericId = StrictStr | StrictInt


class ExportParameters(BaseModel):
    """The body of ``POST .../exports`` (ids may be strings or numbers)."""

    model_config = ConfigDict(extra="ignore")

    pageId: NumericId = Field(description="Page or blog post id")  # noqa: N815
    templateId: StrictStr = Field(min_length=1, max_length=255)  # noqa: N815
    scope: Literal["current", "descendants"] = "current"
    locale: StrictStr | None = Field(default=None, max_length=35)
    versionId: NumericId | None = None  # noqa: N815
    variantId: NumericId | None = "all"  # noqa: N815
    languageKey: StrictStr | None = Field(default=None, max_length=64)  # noqa: N815
    timeZone: StrictStr | None = Field(default=None, max_length=64)  # noqa: N815
    webhookUrl: StrictStr | None = Field(default=None, max_length=2048)  # noqa: N815

    @field_validator("pageId")
    @classmethod
    def _numeric_page(cls, value: str | int) -> str | int:
        if isinstance(value, str) and parse_content_id(value) is None:
            raise ValueError("pageId must be the numeric id of a page or blog post")
        return value

    @field_validator("locale")
    @classmethod
    def _bcp47(cls, value: str | None) -> str | None:
        if value is not None and not BCP47.match(value):
            raise ValueError("locale must be a BCP 47 language tag such as en or de-CH")
        return value

    @field_validator("timeZone")
    @classmethod
    def _iana_zone(cls, value: str | None) -> str | None:
        if value is not None and not is_time_zone(value):
            raise ValueError("timeZone must be an IANA time zone name such as Europe/Berlin or UTC")
        return value

    def to_request(self, exporter: str, synchronous: bool = False) -> ExportRequest:
        page_id = self.pageId if isinstance(self.pageId, int) else parse_content_id(self.pageId)
        if page_id is None or not 0 < page_id < MAX_CONTENT_ID:
            raise InvalidInput("pageId must be the numeric id of a page or blog post.")
        return ExportRequest(
            exporter=exporter,
            page_id=page_id,
            template_id=self.templateId,
            scope=self.scope,
            locale=self.locale,
            version_id=None if self.versionId is None else str(self.versionId),
            variant_id="all" if self.variantId is None else str(self.variantId),
            language_key=self.languageKey,
            time_zone=self.timeZone,
            webhook_url=self.webhookUrl,
            synchronous=synchronous,
        )


class ErrorBody(BaseModel):
    """Every error answer: ``message`` says what went wrong and what to do."""

    statusCode: int  # noqa: N815
    message: str
    reason: str | None = None
    data: dict[str, Any] | None = None


class JobCreated(BaseModel):
    jobId: str  # noqa: N815


class JobStatus(BaseModel):
    status: Literal["incomplete", "complete", "error", "cancelled"]
    step: int
    totalSteps: int  # noqa: N815
    stepProgress: int = Field(ge=0, le=100)  # noqa: N815
    downloadUrl: str | None  # noqa: N815
    message: str | None = None
    log: list[str] = []


ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"description": text, "model": ErrorBody}
    for code, text in {
        400: "A parameter is missing or not allowed; the message says which",
        401: "Not authenticated",
        403: "Authenticated, but not allowed to export from this space",
        404: "Unknown or invisible page, template or job",
        429: "Too many jobs are queued; see Retry-After",
    }.items()
}


def file_response(api: ExporterApi) -> dict[int | str, dict[str, Any]]:
    return {
        200: {
            "description": api.file_description,
            "content": {api.media_type: {"schema": {"type": "string", "format": "binary"}}},
        }
    }


def exporter_router(api: ExporterApi) -> APIRouter:
    """The routes of one exporter under its base path, all sharing the functions below."""
    router = APIRouter(tags=[api.tag])
    _add_job_routes(router, api)
    _add_download_route(router, api)
    _add_sync_route(router, api)
    return router


def _add_job_routes(router: APIRouter, api: ExporterApi) -> None:
    @router.post(f"{api.base}/exports", response_model=JobCreated, responses=ERRORS)
    async def start_export(
        body: ExportParameters,
        request: Request,
        response: Response,
        db: DbDep,
        identity: IdentityDep,
        settings: SettingsDep,
    ) -> JobCreated:
        """Start an asynchronous export; poll its status every 2 seconds."""
        identity = await run_in_threadpool(with_anonymous_session, identity, request, response)
        export = body.to_request(api.exporter)
        job = await run_in_threadpool(submit_export, request, db, identity, export)
        return JobCreated(jobId=job.id)

    @router.get(f"{api.base}/exports/{{job_id}}/status", response_model=JobStatus, responses=ERRORS)
    def export_status(job_id: str, request: Request, db: DbDep, identity: IdentityDep) -> JobStatus:
        with db.read() as session:
            job = _find(session, identity, job_id, request, api)
            return _status_of(job, request)

    @router.delete(f"{api.base}/exports/{{job_id}}", status_code=204, responses=ERRORS)
    def cancel_export(job_id: str, request: Request, db: DbDep, identity: IdentityDep) -> Response:
        """Cancel a queued or running export; its status is ``cancelled`` at once."""
        with db.write() as session:
            job = _find(session, identity, job_id, request, api)
            cancel_job(session, job, request.app.state.clock)
        return Response(status_code=204)


def _add_download_route(router: APIRouter, api: ExporterApi) -> None:
    @router.get(
        f"{api.artifacts}/{{job_id}}/{{file_name}}",
        responses={**file_response(api), **ERRORS},
        response_class=FileResponse,
    )
    def download_export(
        job_id: str,
        file_name: str,
        request: Request,
        db: DbDep,
        identity: IdentityDep,
        settings: SettingsDep,
    ) -> Response:
        with db.read() as session:
            job = _find(session, identity, job_id, request, api)
            if job.state != "complete" or job.file_name != file_name or not job.file_key:
                raise NotFound(f"Export job {job_id} has no file named {file_name}.")
            path = export_dir(settings.exports_dir, job.id) / job.file_key
            worker = job.worker
        if not path.is_file():
            raise home_not_shared(job_id, worker, settings)
        return FileResponse(
            path,
            media_type=api.media_type,
            headers={"Content-Disposition": content_disposition(file_name)},
        )


def _add_sync_route(router: APIRouter, api: ExporterApi) -> None:
    @router.get(
        f"{api.base}/export-sync",
        response_class=FileResponse,
        responses={
            **file_response(api),
            **ERRORS,
            500: {"description": "The export failed", "model": ErrorBody},
            504: {"description": "The export took too long; use the async API", "model": ErrorBody},
        },
    )
    async def export_sync(
        request: Request,
        response: Response,
        db: DbDep,
        identity: IdentityDep,
        settings: SettingsDep,
        templateId: Annotated[str, Query(min_length=1, max_length=255)],  # noqa: N803
        pageId: Annotated[str, Query(pattern=r"^\s*\d{1,18}\s*$")],  # noqa: N803
        scope: Annotated[Literal["current", "descendants"], Query()] = "current",
        locale: Annotated[str | None, Query(max_length=35)] = None,
        versionId: Annotated[str | None, Query(max_length=64)] = None,  # noqa: N803
        variantId: Annotated[str | None, Query(max_length=64)] = "all",  # noqa: N803
        languageKey: Annotated[str | None, Query(max_length=64)] = None,  # noqa: N803
        timeZone: Annotated[str | None, Query(max_length=64)] = None,  # noqa: N803
    ) -> Response:
        """Export and answer with the file. Rendering runs in the export workers; past the
        configured timeout the job is cancelled and the answer is 504."""
        optional = {
            "locale": locale,
            "versionId": versionId,
            "variantId": variantId,
            "languageKey": languageKey,
            "timeZone": timeZone,
        }
        parameters = _sync_parameters(pageId, templateId, scope, optional)
        identity = await run_in_threadpool(with_anonymous_session, identity, request, response)
        export = parameters.to_request(api.exporter, synchronous=True)
        job = await run_in_threadpool(submit_export, request, db, identity, export)
        finished = await _wait_for(job.id, request, db, identity, settings.sync_timeout_seconds)
        if finished is None:
            await run_in_threadpool(_cancel_by_id, job.id, request, db, identity)
        answer = _sync_answer(finished, settings, api)
        # A returned response does not carry the cookies set on ``response``: copy them.
        answer.raw_headers.extend(h for h in response.raw_headers if h[0] == b"set-cookie")
        return answer


def with_anonymous_session(identity: Identity, request: Request, response: Response) -> Identity:
    if not identity.anonymous or identity.session_key:
        return identity
    return Identity(session_key=ensure_anonymous_session(request, response))


def submit_export(
    request: Request, db: Any, identity: Identity, export: ExportRequest
) -> ExportJob:
    """Check and queue an export (the REST API and the export dialog alike)."""
    settings = request.app.state.settings
    export.extra["baseUrl"] = origin(request)
    clock = request.app.state.clock
    address = client_address(request)
    with db.write() as session:
        check_exportable(session, settings, identity, export)
        check_job_caps(session, settings, identity, address, clock())
        job = submit_job(
            session,
            identity,
            export,
            max_queued=settings.max_queued_jobs,
            clock=clock,
            address=address,
        )
    request.app.state.queue.enqueue(job.id)
    return job


def _find(
    session: Any, identity: Identity, job_id: str, request: Request, api: ExporterApi
) -> ExportJob:
    """The caller's job of this exporter: a PDF job is not found under the Word API."""
    job = find_job(session, identity, job_id, request.app.state.clock)
    if job.exporter != api.exporter:
        raise NotFound(
            f"No export job with id {job_id} exists (jobs are removed 10 minutes after they end)."
        )
    return job


def _status_of(job: ExportJob, request: Request) -> JobStatus:
    return JobStatus.model_validate(status_payload(job, origin(request)))


router = exporter_router(WORD_API)
pdf_router = exporter_router(PDF_API)


def _sync_parameters(
    page_id: str, template_id: str, scope: str, optional: dict[str, str | None]
) -> ExportParameters:
    """Query parameters as the POST body would carry them; empty ones count as absent."""
    try:
        return ExportParameters.model_validate(
            {
                "pageId": page_id.strip(),
                "templateId": template_id,
                "scope": scope,
                **{name: value for name, value in optional.items() if value},
            }
        )
    except ValidationError as exc:
        raise InvalidInput(describe_validation(exc.errors())) from exc


def _sync_answer(finished: ExportJob | None, settings: Settings, api: ExporterApi) -> Response:
    if finished is None:
        return error_response(
            504,
            f"The export took longer than {settings.sync_timeout_seconds:g} s. Use the "
            f"asynchronous API instead: POST {api.base}/exports, then poll the status.",
        )
    if finished.state != "complete" or not finished.file_name or not finished.file_key:
        return error_response(
            status_of_kind(finished.error_kind) if finished.state == "error" else 409,
            finished.message or "The export did not complete.",
        )
    path = export_dir(settings.exports_dir, finished.id) / finished.file_key
    if not path.is_file():
        raise home_not_shared(finished.id, finished.worker, settings)
    return FileResponse(
        path,
        media_type=api.media_type,
        # As API.md says: the synchronous answer is named after the page title alone.
        headers={
            "Content-Disposition": content_disposition(
                f"{safe_title(finished.page_title or 'export')}.{api.extension}"
            )
        },
    )


async def _wait_for(
    job_id: str, request: Request, db: Any, identity: Identity, timeout: float
) -> ExportJob | None:
    deadline = time.monotonic() + timeout
    delay = 0.05
    while time.monotonic() < deadline:
        job = await run_in_threadpool(_read_job, job_id, request, db, identity)
        if job.state in FINAL_STATES:
            return job
        await asyncio.sleep(delay)
        delay = min(delay * 1.5, 0.5)
    return None


def home_not_shared(job_id: str, worker: str | None, settings: Settings) -> Unavailable:
    """A complete job whose file this node cannot see: the nodes do not share one home
    (the sweeper removes files and job rows together, so the file was never here)."""
    log.error("export file missing job=%s worker=%s home=%s", job_id, worker, settings.home)
    return Unavailable(
        f"The file of export job {job_id} was written by {worker or 'another node'} but is not "
        f"in this node's home directory ({settings.home}): every Pressroom node of a cluster "
        "must share one home (PRESSROOM_HOME on a shared file system). Ask the operator to "
        "fix it; the file is still on the node that wrote it."
    )


def _read_job(job_id: str, request: Request, db: Any, identity: Identity) -> ExportJob:
    with db.read() as session:
        return find_job(session, identity, job_id, request.app.state.clock)


def _cancel_by_id(job_id: str, request: Request, db: Any, identity: Identity) -> None:
    with db.write() as session:
        job = find_job(session, identity, job_id, request.app.state.clock)
        cancel_job(session, job, request.app.state.clock)
