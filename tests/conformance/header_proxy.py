"""A reverse proxy that adds a credential header to every request (the conformance suite cannot).

Everything else passes through untouched, Host and Origin included, so the suite's DNS-rebinding
scenario still reaches the server's own checks. Responses stream back as they come.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Iterator

import httpx
import uvicorn

from tests.e2e.live_server import free_port

HOP_BY_HOP = {b"connection", b"keep-alive", b"transfer-encoding", b"te", b"trailer", b"upgrade",
              b"proxy-authorization", b"proxy-authenticate", b"content-length"}
START_TIMEOUT_S = 15


class HeaderProxy:
    """ASGI app forwarding to ``upstream`` with ``extra_headers`` added."""

    def __init__(self, upstream: str, extra_headers: dict[str, str]):
        self.upstream = upstream.rstrip("/")
        self.extra = [(k.lower().encode(), v.encode()) for k, v in extra_headers.items()]
        self.client: httpx.AsyncClient | None = None

    async def __call__(self, scope, receive, send):
        if scope["type"] == "lifespan":
            return await self._lifespan(receive, send)
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        names = {k for k, _ in self.extra}
        headers = [(k, v) for k, v in scope["headers"] if k not in HOP_BY_HOP and k not in names] + self.extra
        url = self.upstream + scope["raw_path"].decode("latin-1")
        if scope.get("query_string"):
            url += "?" + scope["query_string"].decode("latin-1")
        request = self.client.build_request(scope["method"], url, headers=headers, content=body)
        response = await self.client.send(request, stream=True)
        try:
            out = [(k, v) for k, v in response.headers.raw if k.lower() not in HOP_BY_HOP]
            await send({"type": "http.response.start", "status": response.status_code, "headers": out})
            async for chunk in response.aiter_raw():
                await send({"type": "http.response.body", "body": chunk, "more_body": True})
            await send({"type": "http.response.body", "body": b""})
        finally:
            await response.aclose()

    async def _lifespan(self, receive, send):
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                self.client = httpx.AsyncClient(timeout=60)
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await self.client.aclose()
                await send({"type": "lifespan.shutdown.complete"})
                return


@contextlib.contextmanager
def running_proxy(upstream: str, extra_headers: dict[str, str]) -> Iterator[str]:
    """Serve the proxy on a free loopback port in a thread; yields its base URL."""
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(HeaderProxy(upstream, extra_headers), host="127.0.0.1", port=port,
                                           log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, name="conformance-proxy", daemon=True)
    thread.start()
    deadline = time.monotonic() + START_TIMEOUT_S
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise AssertionError("the header proxy did not start")
        time.sleep(0.02)  # polling interval while uvicorn binds; bounded by the deadline
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=START_TIMEOUT_S)
