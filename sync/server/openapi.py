"""The server's OpenAPI 3.1 description, written out by hand from the protocol's messages.

Bodies of the `/api/v1/` operations travel gzip-compressed (`Content-Encoding: gzip`); the
schemas describe them once inflated.
"""

from __future__ import annotations

from typing import Any

from sync.protocol import (
    API_PREFIX,
    MIN_PROTOCOL_VERSION,
    PROTOCOL_HEADER,
    PROTOCOL_VERSION,
    PULL_PAGE_ROWS,
    sitthi_version,
)


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


_ERRORS = {
    "400": _json(_ref("Error"), "The message does not follow the protocol"),
    "401": _json(_ref("Error"), "Unknown or revoked token"),
    "403": _json(_ref("Error"), "The token may not read or write these rows"),
    "413": _json(_ref("Error"), "Request body too large"),
    "426": _json(_ref("Error"), "The client's protocol version is not served"),
    "503": _json(_ref("Error"), "The store is busy; retry later"),
}

_SCHEMAS: dict[str, Any] = {
    "Error": {
        "type": "object",
        "required": ["error", "message"],
        "properties": {"error": {"type": "string"}, "message": {"type": "string"}},
    },
    "TableRows": {
        "type": "object",
        "required": ["columns", "rows", "deleted"],
        "properties": {
            "columns": {"type": "array", "items": {"type": "string"}},
            "rows": {"type": "array", "items": {"type": "array"}},
            "deleted": {"type": "array", "items": {"type": "string"}},
        },
    },
    "Tables": {
        "type": "object",
        "description": "Table name to its rows",
        "additionalProperties": _ref("TableRows"),
    },
    "Hello": {
        "type": "object",
        "required": ["node_id", "client_version"],
        "properties": {"node_id": {"type": "string"}, "client_version": {"type": "string"}},
    },
    "Welcome": {
        "type": "object",
        "required": ["role", "hospcode", "name", "server_version", "protocol", "writable"],
        "properties": {
            "role": {"type": "string", "enum": ["facility", "province"]},
            "hospcode": {"type": "string"},
            "name": {"type": "string"},
            "server_version": {"type": "string"},
            "protocol": {"type": "integer"},
            "writable": {"type": "array", "items": {"type": "string"}},
            "acked": {
                "type": "integer",
                "minimum": 0,
                "description": "How far the server has applied this store's pushes",
            },
        },
    },
    "PushRequest": {
        "type": "object",
        "required": ["node_id", "batch_id", "upto", "tables"],
        "properties": {
            "node_id": {"type": "string"},
            "batch_id": {"type": "string"},
            "upto": {"type": "integer", "minimum": 1},
            "tables": _ref("Tables"),
        },
    },
    "Rejection": {
        "type": "object",
        "required": ["table", "id", "reason"],
        "properties": {
            "table": {"type": "string"},
            "id": {"type": "string"},
            "reason": {"type": "string"},
        },
    },
    "PushResult": {
        "type": "object",
        "required": ["acked", "applied", "rejected", "duplicate"],
        "properties": {
            "acked": {"type": "integer"},
            "applied": {"type": "integer"},
            "rejected": {"type": "array", "items": _ref("Rejection")},
            "duplicate": {"type": "boolean"},
        },
    },
    "PullRequest": {
        "type": "object",
        "required": ["node_id", "cursor", "limit"],
        "properties": {
            "node_id": {"type": "string"},
            "cursor": {"type": "integer", "minimum": 0},
            "limit": {"type": "integer", "minimum": 1, "maximum": PULL_PAGE_ROWS},
            "unit": {"type": "string"},
        },
    },
    "PullPage": {
        "type": "object",
        "required": ["cursor", "tables", "more"],
        "properties": {
            "cursor": {"type": "integer"},
            "tables": _ref("Tables"),
            "more": {"type": "boolean"},
        },
    },
    "Health": {
        "type": "object",
        "required": ["status", "version", "protocol"],
        "properties": {
            "status": {"type": "string"},
            "version": {"type": "string"},
            "protocol": {
                "type": "object",
                "properties": {"min": {"type": "integer"}, "max": {"type": "integer"}},
            },
        },
    },
}


def _operation(summary: str, request: str, response: str) -> dict[str, Any]:
    return {
        "post": {
            "summary": summary,
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
                "content": {"application/json": {"schema": _ref(request)}},
            },
            "responses": {"200": _json(_ref(response), summary), **_ERRORS},
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
                    "responses": {"200": _json(_ref("Health"), "The server is up")},
                }
            },
            "/openapi.json": {
                "get": {
                    "summary": "This description",
                    "responses": {"200": {"description": "OpenAPI document"}},
                }
            },
            f"{API_PREFIX}/hello": _operation("Handshake: who the token is", "Hello", "Welcome"),
            f"{API_PREFIX}/push": _operation(
                "Apply a batch of outbox rows, acknowledged up to a client sequence",
                "PushRequest",
                "PushResult",
            ),
            f"{API_PREFIX}/pull": _operation(
                "Rows changed after a cursor, one page", "PullRequest", "PullPage"
            ),
        },
        "components": {
            "schemas": _SCHEMAS,
            "securitySchemes": {"token": {"type": "http", "scheme": "bearer"}},
        },
    }
