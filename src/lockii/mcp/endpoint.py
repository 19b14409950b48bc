"""The HTTP edge of the User MCP server at exactly ``/api/mcp/user``.

In front of the SDK's ``StreamableHTTPSessionManager`` (stateless, JSON responses), in this order:
1. Host and Origin checks (the SDK's DNS-rebinding guard): 421 / 403, before anything else;
2. CORS preflight (OPTIONS) answered without credentials, as browsers send none;
3. the credential, resolved by the same resolver as REST: without a valid one every method gets
   401 with the RFC 9728 / RFC 6750 challenge that starts OAuth discovery;
4. any method but POST, GET and DELETE included: 405, the answer the spec gives for a server
   without sessions (the SDK's stateless handshake-era path would open a standing SSE stream on GET);
5. a POST body that is not JSON: 415 (the SDK answers 400);
6. a JSON body that is not one well-formed JSON-RPC message, or whose 2026-07-28 ``_meta`` version is not
   the header's: 400 (see ``lockii.mcp.envelope``);
then the SDK handles both protocol eras. Each request is logged once, without secrets.
"""

from __future__ import annotations

import contextlib
import functools
import json
import logging
import time
from urllib.parse import parse_qsl

import anyio
from django.conf import settings
from mcp.server.streamable_http_manager import StreamableHTTPSessionManager
from mcp.server.transport_security import RequestBodyLimitMiddleware
from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response
from starlette.types import Message, Receive, Scope, Send

from lockii.actions.registry import Registry, load_all
from lockii.errors import LockiiError, Unauthenticated
from lockii.identity.credentials import resolve
from lockii.mcp import envelope, policy
from lockii.mcp.bridge import SyncBridge
from lockii.mcp.handlers import build_server
from lockii.mcp.results import problem
from lockii.mcp.tools import ToolCatalog
from lockii.oauth.challenge import bearer_challenge
from lockii.oauth.metadata import PRM_SCOPES
from lockii.ops.client_ip import client_ip
from lockii.ops.middleware import request_id_from
from lockii.ops.redact import redact_query

log = logging.getLogger("lockii.request")

PATH = "/api/mcp/user"
# The scopes the 401 challenge suggests: the same list as the protected resource metadata. Access comes
# from the user's role, not from scopes. No offline_access (MCP 2026-07-28: refresh is the AS's
# business; clients such as the SDK add it themselves when the AS metadata lists it).
CHALLENGE_SCOPE = " ".join(PRM_SCOPES)


def _jsonrpc_error(status: int, code: int, message: str, headers: dict[str, str] | None = None) -> Response:
    body = json.dumps({"jsonrpc": "2.0", "id": None, "error": {"code": code, "message": message}})
    return Response(body, status_code=status, media_type="application/json", headers=headers)


def _problem(exc: LockiiError, headers: dict[str, str] | None = None) -> Response:
    headers = dict(headers or {})
    if exc.status == 429 and "retry_after" in exc.extra:
        headers["Retry-After"] = str(exc.extra["retry_after"])
    return Response(json.dumps(problem(exc)), status_code=exc.status, media_type="application/problem+json",
                    headers=headers)


def _unauthorized(exc: Unauthenticated) -> Response:
    token_sent = bool(exc.extra.get("token_sent"))
    challenge = bearer_challenge(settings.MCP_RESOURCE, token_sent=token_sent, scope=CHALLENGE_SCOPE,
                                 description=exc.detail if token_sent else None)
    return _problem(exc, {"WWW-Authenticate": challenge, "Cache-Control": "no-store"})


class McpEndpoint:
    """ASGI app for the MCP path; ``running()`` (in the app lifespan) starts a session manager."""

    def __init__(self, registry: Registry | None = None) -> None:
        self._registry = registry  # None: the action registry, complete (load_all)
        self._security: policy.StrictTransportSecurity | None = None
        self._manager: StreamableHTTPSessionManager | None = None
        self._bridge: SyncBridge | None = None

    @contextlib.asynccontextmanager
    async def running(self):
        """Serve requests until the block exits. Can be entered again after it exits (a new manager)."""
        bridge = SyncBridge()
        registry = load_all() if self._registry is None else self._registry
        security = policy.transport_security()
        manager = StreamableHTTPSessionManager(
            app=build_server(bridge, ToolCatalog(registry)), stateless=True, json_response=True,
            security_settings=security,
        )
        try:
            async with manager.run():
                self._manager, self._bridge = manager, bridge
                self._security = policy.StrictTransportSecurity(security)
                try:
                    yield
                finally:
                    self._manager = self._bridge = self._security = None
        finally:
            await anyio.to_thread.run_sync(bridge.close)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        started = time.perf_counter()
        status = 0
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
        # The same request id as Django's edge (lockii.ops.middleware): kept if well-formed, echoed back.
        request_id = request_id_from(headers.get("x-request-id"))

        async def logged_send(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message = {**message, "headers": [*message.get("headers", []),
                                                  (b"x-request-id", request_id.encode())]}
            await send(message)

        try:
            await self._handle(scope, receive, logged_send)
        finally:
            self._log(scope, headers, request_id, status, started)

    async def _handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        manager, bridge, security = self._manager, self._bridge, self._security
        if manager is None or bridge is None or security is None:
            return await _jsonrpc_error(503, -32603, "The MCP server is starting or stopping")(scope, receive, send)
        request = Request(scope, receive)
        refused = await security.validate_request(request, is_post=False)
        if refused is not None:  # the SDK says why in plain text; MCP clients read JSON-RPC
            return await _jsonrpc_error(refused.status_code, -32600, bytes(refused.body).decode())(scope, receive, send)

        origin = request.headers.get("origin")
        cors = policy.cors_headers(origin)
        if request.method == "OPTIONS":
            headers = (policy.preflight_headers(origin, request.headers.get("access-control-request-headers", ""))
                       if origin else [(b"allow", policy.ALLOW_METHODS.encode())])
            return await send_plain(send, 204, headers)

        async def send_with_cors(message: Message) -> None:
            if message["type"] == "http.response.start" and cors:
                message = {**message, "headers": [*message.get("headers", []), *cors]}
            await send(message)

        try:
            principal = await bridge.run(_resolve, scope)
        except Unauthenticated as exc:
            return await _unauthorized(exc)(scope, receive, send_with_cors)
        except LockiiError as exc:  # e.g. a rate limit from the token resolver
            return await _problem(exc)(scope, receive, send_with_cors)

        if request.method != "POST":  # GET and DELETE included: no sessions, no standing streams
            return await _jsonrpc_error(405, -32600, "Method Not Allowed: this server keeps no sessions or streams",
                                        {"Allow": "POST"})(scope, receive, send_with_cors)
        if not _is_json(request.headers.get("content-type", "")):
            return await _jsonrpc_error(415, -32600, "Unsupported Media Type: send application/json")(
                scope, receive, send_with_cors)
        scope.setdefault("state", {})["principal"] = principal
        checked = RequestBodyLimitMiddleware(functools.partial(_checked_envelope, manager),
                                             manager.max_request_body_size)
        await checked(scope, receive, send_with_cors)

    @staticmethod
    def _log(scope: Scope, headers: dict[str, str], request_id: str, status: int, started: float) -> None:
        peer = (scope.get("client") or ("", 0))[0]
        log.info("request", extra={"fields": {
            "request_id": request_id, "method": scope.get("method"), "path": scope.get("path"),
            "query": redact_query(scope.get("query_string", b"").decode("latin-1")),
            "status": status, "ms": round((time.perf_counter() - started) * 1000, 2),
            "ip": client_ip({"REMOTE_ADDR": peer, "HTTP_X_FORWARDED_FOR": headers.get("x-forwarded-for", "")}),
            "mcp_method": headers.get("mcp-method"),
        }})


async def _checked_envelope(manager: StreamableHTTPSessionManager, scope: Scope, receive: Receive,
                            send: Send) -> None:
    """Answer a malformed JSON-RPC envelope here; hand anything else to the SDK with the body replayed."""
    try:
        body = await Request(scope, receive).body()  # bounded by RequestBodyLimitMiddleware
    except ClientDisconnect:
        return
    refused = envelope.refusal(body, Request(scope).headers.get("mcp-protocol-version"))
    if refused is not None:
        return await Response(refused.body(), status_code=400, media_type="application/json")(scope, receive, send)
    pending = [{"type": "http.request", "body": body, "more_body": False}]

    async def replay() -> Message:
        return pending.pop() if pending else await receive()

    await manager.handle_request(scope, replay, send)


def _resolve(scope: Scope):
    headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
    query = dict(parse_qsl(scope.get("query_string", b"").decode("latin-1")))
    return resolve(headers, query, settings.MCP_RESOURCE)


def _is_json(content_type: str) -> bool:
    return content_type.split(";")[0].strip().lower() == "application/json"


async def send_plain(send: Send, status: int, headers: list[tuple[bytes, bytes]]) -> None:
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": b""})
