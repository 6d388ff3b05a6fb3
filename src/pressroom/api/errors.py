"""Every error becomes JSON in Confluence's shape; domain exceptions map to HTTP here, once."""

from __future__ import annotations

import logging
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from pressroom import errors

log = logging.getLogger("pressroom.api")

STATUS_OF: dict[type[errors.PressroomError], int] = {
    errors.InvalidInput: 400,
    errors.NotAuthenticated: 401,
    errors.PermissionDenied: 403,
    errors.NotFound: 404,
    errors.Conflict: 409,
    errors.TooLarge: 413,
    errors.UnsupportedMediaType: 415,
    errors.TooManyRequests: 429,
    errors.Unavailable: 503,
}


def status_of_kind(kind: str | None) -> int:
    """The HTTP status of an error stored by kind (see ``errors.kind_of``); 500 if none."""
    for error_class, status in STATUS_OF.items():
        if error_class.__name__ == kind:
            return status
    return 500


def error_body(status: int, message: str) -> dict[str, Any]:
    return {
        "statusCode": status,
        "data": {
            "authorized": status not in (401, 403),
            "valid": True,
            "errors": [],
            "successful": False,
        },
        "message": message,
        "reason": HTTPStatus(status).phrase,
    }


def error_response(
    status: int, message: str, headers: dict[str, str] | None = None
) -> JSONResponse:
    return JSONResponse(error_body(status, message), status_code=status, headers=headers)


def _status_for(exc: errors.PressroomError) -> int:
    for kind in type(exc).__mro__:
        if kind in STATUS_OF:
            return STATUS_OF[kind]
    return 400


async def _domain_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, errors.PressroomError)
    status = _status_for(exc)
    headers: dict[str, str] = {}
    # No Basic challenge when an administrator has switched Basic authentication off.
    if status == 401 and getattr(request.state, "basic_auth_enabled", True):
        headers["WWW-Authenticate"] = 'Basic realm="Pressroom"'
    if isinstance(exc, errors.TooManyRequests):
        headers["Retry-After"] = str(exc.retry_after)
    return error_response(status, exc.message, headers or None)


async def _validation_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    return error_response(400, describe_validation(exc.errors()))


def describe_validation(problems: Any) -> str:
    """A sentence per problem: where it is, and what is wrong there."""
    sentences = []
    for problem in list(problems)[:5]:
        location = ".".join(str(part) for part in problem.get("loc", ()) if part != "body")
        if problem.get("type") == "json_invalid":
            sentences.append("The request body is not valid JSON.")
            continue
        where = f"'{location}'" if location else "The request body"
        sentences.append(f"{where}: {problem.get('msg', 'invalid value')}.")
    return " ".join(sentences) or "The request is not valid."


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    from pressroom.api.web_support import html_error, wants_html  # the pages import this module

    if exc.status_code in (404, 405) and wants_html(request):
        # No route matched: a browser asking for a page gets a page.
        return html_error(request, exc)
    message = exc.detail if isinstance(exc.detail, str) else HTTPStatus(exc.status_code).phrase
    if exc.status_code == 404 and message == "Not Found":
        message = "There is nothing at this address. See the README for the REST paths."
    if exc.status_code == 405:
        message = "This method is not allowed on this address."
    return error_response(exc.status_code, message, dict(exc.headers or {}))


async def _unexpected_error(request: Request, exc: Exception) -> JSONResponse:
    log.exception("unexpected error method=%s path=%s", request.method, request.url.path)
    return error_response(500, "The server failed to handle this request; see its log.")


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(errors.PressroomError, _domain_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(Exception, _unexpected_error)
