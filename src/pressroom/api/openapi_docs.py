"""The OpenAPI documents of the exporter APIs, as YAML where Scroll serves them.

They are cut out of the app's own OpenAPI document (so they can never drift from the
code): the exporter's paths, the schemas they reference, and 400 instead of FastAPI's
422 for invalid input (Pressroom answers 400, as the Scroll exporters do).
"""

from __future__ import annotations

import copy
from typing import Any

import yaml
from fastapi import APIRouter, FastAPI, Request, Response

router = APIRouter(tags=["documentation"])

WORD_SPEC_PATH = "/download/resources/com.k15t.scroll.scroll-office/api-docs/1/openapi.yaml"
WORD_PREFIX = "/plugins/servlet/scroll-office/"
PDF_SPEC_PATH = "/download/resources/com.k15t.scroll.scroll-pdf/api-docs/1/openapi.yaml"
PDF_PREFIX = "/plugins/servlet/scroll-pdf/"

Spec = dict[str, Any]


@router.get(WORD_SPEC_PATH, include_in_schema=False)
def word_exporter_spec(request: Request) -> Response:
    return _spec_answer(request, WORD_PREFIX, "Pressroom Word export API")


@router.get(PDF_SPEC_PATH, include_in_schema=False)
def pdf_exporter_spec(request: Request) -> Response:
    return _spec_answer(request, PDF_PREFIX, "Pressroom PDF export API")


def _spec_answer(request: Request, prefix: str, title: str) -> Response:
    app: FastAPI = request.app
    spec = exporter_spec(app.openapi(), prefix, title)
    return Response(yaml.safe_dump(spec, sort_keys=False), media_type="application/yaml")


def exporter_spec(full: Spec, prefix: str, title: str) -> Spec:
    paths = {
        path: _with_400(item)
        for path, item in full.get("paths", {}).items()
        if path.startswith(prefix)
    }
    schemas = full.get("components", {}).get("schemas", {})
    spec: Spec = {
        "openapi": full.get("openapi", "3.1.0"),
        "info": {**full.get("info", {}), "title": title},
        "paths": paths,
        "components": {"schemas": _referenced(paths, schemas)},
    }
    security = _security_schemes()
    spec["components"]["securitySchemes"] = security
    spec["security"] = [{name: []} for name in security]
    return spec


ERROR_RESPONSE: Spec = {
    "description": "An error; ``message`` says what went wrong and what to do",
    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorBody"}}},
}


def _with_400(path_item: Spec) -> Spec:
    """FastAPI's 422 becomes our 400, and every other error is the documented error body."""
    item = copy.deepcopy(path_item)
    for operation in item.values():
        responses = operation.setdefault("responses", {})
        responses.pop("422", None)
        responses.setdefault("400", ERROR_RESPONSE)
        responses.setdefault("default", ERROR_RESPONSE)
    return item


def _referenced(node: object, schemas: Spec) -> Spec:
    """Every schema ``node`` references, transitively."""
    found: Spec = {}
    pending = [node]
    while pending:
        current = pending.pop()
        if isinstance(current, dict):
            ref = current.get("$ref")
            if isinstance(ref, str) and ref.startswith("#/components/schemas/"):
                name = ref.rsplit("/", 1)[1]
                if name not in found and name in schemas:
                    found[name] = schemas[name]
                    pending.append(schemas[name])
            pending.extend(current.values())
        elif isinstance(current, list):
            pending.extend(current)
    return dict(sorted(found.items()))


def _security_schemes() -> Spec:
    return {
        "basicAuth": {"type": "http", "scheme": "basic"},
        "bearerAuth": {
            "type": "http",
            "scheme": "bearer",
            "description": "A personal access token",
        },
    }
