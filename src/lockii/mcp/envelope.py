"""The JSON-RPC envelope of a POSTed MCP message, checked before the SDK sees it.

The SDK's handshake-era transport parses a body as "request, notification or response"; a request
whose ``id`` is not a string or an integer (an object, ``true``, ``null``, ``1.5``) then passes as a
*notification* and gets 202 with no answer, so the client waits for a reply that never comes, and other
shape faults come back as -32602 with a pydantic dump. The stateless era already answers -32600. One
check here gives both eras the JSON-RPC 2.0 answer: 400, ``-32600 Invalid Request``, saying what is wrong.
Bodies that are not JSON at all are left to the SDK, which answers ``-32700 Parse error``.
"""

from __future__ import annotations

import json

from lockii import jsontext


def fault(body: bytes) -> str | None:
    """Why ``body`` is not one JSON-RPC 2.0 message as MCP allows it, or None when it is (or is not JSON)."""
    try:
        message = jsontext.loads(body)
    except (ValueError, UnicodeDecodeError):
        return None  # a parse error: the SDK's -32700
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


def error_body(reason: str) -> bytes:
    return json.dumps({"jsonrpc": "2.0", "id": None,
                       "error": {"code": -32600, "message": f"Invalid Request: {reason}"}}).encode()
