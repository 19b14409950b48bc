"""The JSON-RPC envelope of a POSTed MCP message, checked before the SDK sees it.

The SDK's handshake-era transport parses a body as "request, notification or response"; a request
whose ``id`` is not a string or an integer (an object, ``true``, ``null``, ``1.5``) then passes as a
*notification* and gets 202 with no answer, so the client waits for a reply that never comes, and other
shape faults come back as -32602 with a pydantic dump. The stateless era already answers -32600. One
check gives both eras the JSON-RPC 2.0 answer: 400, ``-32600 Invalid Request``, saying what is wrong.
Bodies that are not JSON at all are left to the SDK, which answers ``-32700 Parse error``.

The 2026-07-28 envelope (``_meta`` protocol version) must also equal the ``MCP-Protocol-Version``
header, else 400 ``-32020`` (HeaderMismatch). The SDK checks this only for versions it does not know,
so a stateless request labelled 2025-06-18 in its header, or with no header, was served. A header
naming a version we do not serve, on a request without that ``_meta``, is 400 ``-32022`` with the
supported list, where the SDK took it for a stateless request and complained about a missing ``_meta``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from mcp_types import HEADER_MISMATCH, INVALID_REQUEST, UNSUPPORTED_PROTOCOL_VERSION
from mcp_types.version import SUPPORTED_PROTOCOL_VERSIONS

from lockii import jsontext

META_VERSION = "io.modelcontextprotocol/protocolVersion"


@dataclass(frozen=True)
class Refusal:
    code: int
    message: str
    id: str | int | None = None  # the request's, when it could be read
    data: dict | None = None

    def body(self) -> bytes:
        error = {"code": self.code, "message": self.message, **({"data": self.data} if self.data else {})}
        return json.dumps({"jsonrpc": "2.0", "id": self.id, "error": error}).encode()


def refusal(body: bytes, protocol_header: str | None) -> Refusal | None:
    """Why this POST cannot be served as sent, or None to hand it to the SDK."""
    try:
        message = jsontext.loads(body)
    except jsontext.DuplicateKey as exc:  # valid to the SDK's parser, which would keep the last copy
        return Refusal(INVALID_REQUEST, f"Invalid Request: {exc.msg}")
    except (ValueError, UnicodeDecodeError):
        return None  # a parse error: the SDK's -32700
    reason = _shape_fault(message)
    if reason is not None:
        return Refusal(INVALID_REQUEST, f"Invalid Request: {reason}")
    meta = (message.get("params") or {}).get("_meta")
    version = meta.get(META_VERSION) if isinstance(meta, dict) else None
    if isinstance(version, str):  # a stateless request: the SDK answers a version it does not serve
        if protocol_header != version:
            return Refusal(HEADER_MISMATCH,
                           f"The MCP-Protocol-Version header ({protocol_header or 'missing'}) must equal the "
                           f"request's _meta protocol version ({version}).", message.get("id"))
    elif protocol_header is not None and protocol_header not in SUPPORTED_PROTOCOL_VERSIONS:
        supported = list(SUPPORTED_PROTOCOL_VERSIONS)
        return Refusal(UNSUPPORTED_PROTOCOL_VERSION,
                       f"Unsupported protocol version {protocol_header!r}; this server speaks {', '.join(supported)}.",
                       message.get("id"), {"supported": supported, "requested": protocol_header})
    return None


def _shape_fault(message) -> str | None:
    """Why ``message`` is not one JSON-RPC 2.0 message as MCP allows it."""
    if isinstance(message, list):
        return "batches are not supported: send one JSON-RPC message per request"
    if not isinstance(message, dict):
        return "the body must be one JSON-RPC message object"
    if message.get("jsonrpc") != "2.0":
        return 'jsonrpc must be "2.0"'
    if "id" in message and not _is_request_id(message["id"]):
        return "id must be a string or an integer"
    if "method" in message:
        if not isinstance(message["method"], str):
            return "method must be a string"
        if "params" in message and not isinstance(message["params"], dict):
            return "params must be an object"
        return None
    if ("result" in message or "error" in message) and "id" in message:
        return None  # a response to the server; the SDK decides what to do with it
    return "a message needs a method (request or notification), or an id with a result or an error (response)"


def _is_request_id(value) -> bool:
    # MCP: "a string or integer ID", never null; bool is an int subclass in Python but not in JSON.
    return isinstance(value, str) or (isinstance(value, int) and not isinstance(value, bool))
