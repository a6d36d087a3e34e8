"""The server's OpenAPI 3.1 description, generated from the protocol's message models.

The schemas of `components` are the JSON Schemas pydantic derives from the messages in
`sync.protocol`, the same models that encode and check every body, so the description cannot
drift from what the server accepts and sends. Requests are described as the server validates
them, answers as it writes them (every field present). Bodies of the `/api/v1/` operations
travel gzip-compressed (`Content-Encoding: gzip`); the schemas describe them once inflated.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from pydantic import TypeAdapter

from sync.protocol import (
    API_PREFIX,
    MIN_PROTOCOL_VERSION,
    PROTOCOL_HEADER,
    PROTOCOL_VERSION,
    ErrorBody,
    Health,
    Hello,
    PullPage,
    PullRequest,
    PushRequest,
    PushResult,
    Welcome,
    sitthi_version,
)

REF_TEMPLATE = "#/components/schemas/{model}"


@dataclass(frozen=True)
class Operation:
    """One `POST /api/v1/<name>`: the message it takes and the one it answers with."""

    name: str
    summary: str
    request: type[Any]
    answer: type[Any]

    @property
    def path(self) -> str:
        return f"{API_PREFIX}/{self.name}"


OPERATIONS = (
    Operation("hello", "Handshake: who the token is", Hello, Welcome),
    Operation(
        "push",
        "Apply a batch of outbox rows, acknowledged up to a client sequence",
        PushRequest,
        PushResult,
    ),
    Operation("pull", "Rows changed after a cursor, one page", PullRequest, PullPage),
)

ERRORS = {
    "400": "The message does not follow the protocol",
    "401": "Unknown or revoked token",
    "403": "The token may not read or write these rows",
    "413": "Request body too large",
    "426": "The client's protocol version is not served",
    "503": "The store is busy; retry later",
}


def _ref(model: type[Any]) -> dict[str, str]:
    return {"$ref": REF_TEMPLATE.format(model=model.__name__)}


def _json(model: type[Any], description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": _ref(model)}}}


def component_schemas() -> dict[str, Any]:
    """The JSON Schema of every message, requests as validated and answers as sent."""
    Mode = Literal["validation", "serialization"]
    wanted: list[tuple[type[Any], Mode]] = [
        *((op.request, "validation") for op in OPERATIONS),
        *((op.answer, "serialization") for op in OPERATIONS),
        (ErrorBody, "serialization"),
        (Health, "serialization"),
    ]
    _, definitions = TypeAdapter.json_schemas(
        [(model.__name__, mode, TypeAdapter(model)) for model, mode in wanted],
        ref_template=REF_TEMPLATE,
    )
    schemas: dict[str, Any] = definitions["$defs"]
    return schemas


def _operation(op: Operation) -> dict[str, Any]:
    return {
        "post": {
            "summary": op.summary,
            "security": [{"token": []}],
            "parameters": [
                {
                    "name": PROTOCOL_HEADER,
                    "in": "header",
                    "required": True,
                    "schema": {
                        "type": "integer",
                        "minimum": MIN_PROTOCOL_VERSION,
                        "maximum": PROTOCOL_VERSION,
                    },
                }
            ],
            "requestBody": {
                "required": True,
                "content": {"application/json": {"schema": _ref(op.request)}},
            },
            "responses": {
                "200": _json(op.answer, op.summary),
                **{status: _json(ErrorBody, text) for status, text in ERRORS.items()},
            },
        }
    }


def schema() -> dict[str, Any]:
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Sitthi provincial sync",
            "version": sitthi_version(),
            "description": "Units push the rows they own and pull what the province sends them.",
        },
        "paths": {
            "/healthz": {
                "get": {
                    "summary": "Liveness and protocol range",
                    "responses": {"200": _json(Health, "The server is up")},
                }
            },
            "/openapi.json": {
                "get": {
                    "summary": "This description",
                    "responses": {"200": {"description": "OpenAPI document"}},
                }
            },
            **{op.path: _operation(op) for op in OPERATIONS},
        },
        "components": {
            "schemas": component_schemas(),
            "securitySchemes": {"token": {"type": "http", "scheme": "bearer"}},
        },
    }
