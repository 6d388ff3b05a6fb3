"""``ExportClient``: the Scroll exporter REST API (and Pressroom's) from Python.

    with ExportClient("http://localhost:8090", token=token) as client:
        job_id = client.start_export("557060", "com.k15t.scroll.office.default-template-1")
        status = client.wait(job_id, on_progress=print)
        path = client.download(status, "exports/")

One ``httpx.Client`` carries every request of an ``ExportClient``, so the cookies the
server sets (the session of an anonymous export, a load balancer's node affinity) go
along with the polling and the download, as the exporters require.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Generator, Iterator
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType
from typing import Any, Literal, Self, overload
from urllib.parse import quote

import httpx

from pressroom import __version__
from pressroom.client.errors import ExportError, ExportFailed, ExportTimeout
from pressroom.client.files import (
    name_from_disposition,
    name_from_download_url,
    resolve_target,
    write_atomically,
)
from pressroom.client.status import ExportStatus, Template

Exporter = Literal["word", "pdf"]
Scope = Literal["current", "descendants"]
ProgressCallback = Callable[[ExportStatus], None]

SERVLETS: dict[Exporter, str] = {
    "word": "/plugins/servlet/scroll-office/api",
    "pdf": "/plugins/servlet/scroll-pdf/api",
}
DEFAULT_TEMPLATES: dict[Exporter, str] = {
    "word": "com.k15t.scroll.office.default-template-1",
    "pdf": "com.k15t.scroll.pdf.default-template-1",
}
FILE_SUFFIXES: dict[Exporter, str] = {"word": ".docx", "pdf": ".pdf"}
SERVLET_ROOT = b"/plugins/servlet/"
DOWNLOAD_CHUNK = 64 * 1024
CONNECT_RETRIES = 3


class ServerAuth(httpx.Auth):
    """Basic credentials or a bearer token, sent only to the export server's own origin:
    a ``downloadUrl`` pointing elsewhere never receives them."""

    def __init__(
        self, base_url: httpx.URL, credentials: tuple[str, str] | None, token: str | None
    ) -> None:
        self._origin = _origin(base_url)
        self._basic = httpx.BasicAuth(*credentials) if credentials else None
        self._token = token

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        if _origin(request.url) == self._origin:
            if self._token:
                request.headers["Authorization"] = f"Bearer {self._token}"
            elif self._basic:
                yield from self._basic.auth_flow(request)
                return
        yield request


def _origin(url: httpx.URL) -> tuple[str, str, int | None]:
    return url.scheme, url.host, url.port


class ExportClient:
    """A session with one export server. Use it as a context manager, or call ``close``."""

    def __init__(
        self,
        base_url: str,
        *,
        auth: tuple[str, str] | None = None,
        token: str | None = None,
        timeout: float | httpx.Timeout = 30.0,
        exporter: Exporter = "word",
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        if auth and token:
            raise ValueError("Pass either auth (user, password) or token, not both.")
        url = httpx.URL(base_url.rstrip("/"))
        self._servlet = SERVLETS[exporter]
        self._suffix = FILE_SUFFIXES[exporter]
        self.default_template = DEFAULT_TEMPLATES[exporter]
        self._http = httpx.Client(
            base_url=url,
            auth=ServerAuth(url, auth, token),
            timeout=timeout,
            # retries: connection attempts only, so a restarting node does not end a long wait
            transport=transport or httpx.HTTPTransport(retries=CONNECT_RETRIES),
            follow_redirects=True,
            headers={"User-Agent": f"pressroom-client/{__version__}", "Accept": "application/json"},
        )

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        self._http.close()

    @property
    def cookies(self) -> httpx.Cookies:
        """The cookies the server has set in this session."""
        return self._http.cookies

    def start_export(
        self,
        page_id: str | int,
        template_id: str | None = None,
        scope: Scope = "current",
        **params: str | int | None,
    ) -> str:
        """Queue an export and answer its job id. ``params`` are further fields of the
        request body under their API names (``locale``, ``versionId``, ``variantId``,
        ``languageKey``, ``webhookUrl``); None values are left out."""
        body = self._export_parameters(page_id, template_id, scope, params)
        answer = self._request("POST", f"{self._servlet}/public/1/exports", json=body)
        job_id = _json(answer).get("jobId")
        if not isinstance(job_id, str) or not job_id:
            raise ExportError(answer.status_code, "The server answered without a jobId.")
        return job_id

    def status(self, job_id: str) -> ExportStatus:
        answer = self._request("GET", f"{self._job_path(job_id)}/status")
        try:
            return ExportStatus.from_json(job_id, _json(answer))
        except (ValueError, TypeError) as exc:
            raise ExportError(answer.status_code, f"Unreadable job status: {exc}") from exc

    def wait(
        self,
        job_id: str,
        poll_interval: float = 2.0,
        on_progress: ProgressCallback | None = None,
        timeout: float | None = None,
    ) -> ExportStatus:
        """Poll until the job ends and answer its last status (complete, error or
        cancelled). ``on_progress`` sees every status, the last one included."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            current = self.status(job_id)
            if on_progress is not None:
                on_progress(current)
            if current.finished:
                return current
            pause = poll_interval
            if deadline is not None:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise ExportTimeout(
                        None, f"Export job {job_id} did not end within {timeout:g} s."
                    )
                pause = min(pause, remaining)
            time.sleep(pause)

    def cancel(self, job_id: str) -> None:
        """Cancel a queued or running job (a finished one stays as it is)."""
        self._request("DELETE", self._job_path(job_id))

    def download(self, status: ExportStatus, target: str | os.PathLike[str] = ".") -> Path:
        """Stream a complete job's file to ``target``: a directory (the file name is the
        last segment of ``downloadUrl``) or a file path. Raises ``ExportFailed`` for a job
        that ended without a file."""
        if status.status != "complete" or not status.download_url:
            raise ExportFailed(status)
        path = resolve_target(target, name_from_download_url(status.download_url))
        with self._stream("GET", self._on_this_server(status.download_url)) as answer:
            return write_atomically(path, answer.iter_bytes(DOWNLOAD_CHUNK))

    def _on_this_server(self, download_url: str) -> httpx.URL | str:
        """``download_url``, moved onto this client's base URL when the server names itself
        differently (``PRESSROOM_BASE_URL``, a proxy): the job's identity (credentials,
        the anonymous session cookie) belongs to the address this client talks to."""
        url = httpx.URL(download_url)
        if _origin(url) == _origin(self._http.base_url):
            return url
        start = url.raw_path.find(SERVLET_ROOT)
        if start < 0:
            raise ExportError(None, f"The download URL {download_url} is not an artifact URL.")
        return url.raw_path[start:].decode("ascii")

    @overload
    def export_sync(
        self,
        page_id: str | int,
        template_id: str | None = None,
        scope: Scope = "current",
        target: None = None,
        **params: str | int | None,
    ) -> bytes: ...

    @overload
    def export_sync(
        self,
        page_id: str | int,
        template_id: str | None = None,
        scope: Scope = "current",
        *,
        target: str | os.PathLike[str],
        **params: str | int | None,
    ) -> Path: ...

    def export_sync(
        self,
        page_id: str | int,
        template_id: str | None = None,
        scope: Scope = "current",
        target: str | os.PathLike[str] | None = None,
        **params: str | int | None,
    ) -> bytes | Path:
        """Export in one request: the file's bytes, or, given ``target`` (a directory or a
        file path), the path it was written to (named after the Content-Disposition)."""
        query = self._export_parameters(page_id, template_id, scope, params)
        path = f"{self._servlet}/public/1/export-sync"
        with self._stream("GET", path, params=query) as answer:
            if target is None:
                return answer.read()
            disposition = answer.headers.get("content-disposition")
            name = name_from_disposition(disposition, f"{page_id}{self._suffix}")
            return write_atomically(resolve_target(target, name), answer.iter_bytes(DOWNLOAD_CHUNK))

    def list_templates(self, space_key: str | None = None) -> list[Template]:
        """The global templates, and those of ``space_key`` when given."""
        params = {"spaceKey": space_key} if space_key else None
        answer = self._request("GET", f"{self._servlet}/templates", params=params)
        try:
            return [Template.from_json(item) for item in answer.json()]
        except (ValueError, TypeError, KeyError, AttributeError) as exc:
            raise ExportError(answer.status_code, f"Unreadable template list: {exc}") from exc

    def _export_parameters(
        self,
        page_id: str | int,
        template_id: str | None,
        scope: Scope,
        params: dict[str, str | int | None],
    ) -> dict[str, str | int]:
        extra = {key: value for key, value in params.items() if value is not None}
        return {
            "pageId": str(page_id),
            "templateId": template_id or self.default_template,
            "scope": scope,
            **extra,
        }

    def _job_path(self, job_id: str) -> str:
        return f"{self._servlet}/public/1/exports/{quote(job_id, safe='')}"

    def _request(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        try:
            answer = self._http.request(method, url, **kwargs)
        except httpx.TransportError as exc:
            raise _unreachable(self._http.base_url, exc) from exc
        if answer.is_error:
            raise _refusal(answer)
        return answer

    @contextmanager
    def _stream(self, method: str, url: httpx.URL | str, **kwargs: Any) -> Iterator[httpx.Response]:
        try:
            with self._http.stream(method, url, **kwargs) as answer:
                if answer.is_error:
                    answer.read()
                    raise _refusal(answer)
                yield answer
        except httpx.TransportError as exc:
            raise _unreachable(self._http.base_url, exc) from exc


def _json(answer: httpx.Response) -> dict[str, Any]:
    try:
        data = answer.json()
    except ValueError:
        data = None
    if not isinstance(data, dict):
        raise ExportError(answer.status_code, "The server did not answer with a JSON object.")
    return data


def _refusal(answer: httpx.Response) -> ExportError:
    """The server's ``{"statusCode", "message"}``, or what else it said."""
    try:
        message = answer.json().get("message")
    except (ValueError, AttributeError):
        message = None
    if not isinstance(message, str) or not message:
        message = answer.reason_phrase or f"HTTP {answer.status_code}"
    return ExportError(answer.status_code, message, retry_after=_retry_after(answer))


def _retry_after(answer: httpx.Response) -> float | None:
    try:
        return float(answer.headers["retry-after"])
    except (KeyError, ValueError):
        return None


def _unreachable(base_url: httpx.URL, exc: httpx.TransportError) -> ExportError:
    return ExportError(
        None, f"Cannot talk to the server at {base_url}: {exc or type(exc).__name__}"
    )
