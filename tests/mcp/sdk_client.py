"""The MCP SDK's own client with its OAuth provider, pointed at a real server, signing in as a Person."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field

import httpx2
import mcp_types as types
from mcp import Client
from mcp.client.auth import OAuthClientProvider
from mcp.client.streamable_http import streamable_http_client
from mcp.shared.auth import AuthorizationCodeResult, OAuthClientInformationFull, OAuthClientMetadata, OAuthToken

from tests.mcp.oauth_browser import CB, Person


@dataclass
class MemoryStorage:
    """The SDK's TokenStorage, in memory."""

    tokens: OAuthToken | None = None
    client_info: OAuthClientInformationFull | None = None

    async def get_tokens(self) -> OAuthToken | None:
        return self.tokens

    async def set_tokens(self, tokens: OAuthToken) -> None:
        self.tokens = tokens

    async def get_client_info(self) -> OAuthClientInformationFull | None:
        return self.client_info

    async def set_client_info(self, client_info: OAuthClientInformationFull) -> None:
        self.client_info = client_info


@dataclass
class Traffic:
    """Every HTTP request the SDK made (auth flow included), for asserting the discovery sequence."""

    requests: list[httpx2.Request] = field(default_factory=list)
    statuses: list[tuple[str, str, int]] = field(default_factory=list)

    async def on_request(self, request: httpx2.Request) -> None:
        self.requests.append(request)

    async def on_response(self, response: httpx2.Response) -> None:
        self.statuses.append((response.request.method, response.request.url.path, response.status_code))


@contextlib.asynccontextmanager
async def sdk_session(mcp_url: str, person: Person, *, mode: str, traffic: Traffic | None = None):
    """A connected ``mcp.Client`` that signed in through the SDK's OAuth provider, and its token storage."""
    storage = MemoryStorage()
    pending: dict[str, AuthorizationCodeResult] = {}

    async def redirect_handler(url: str) -> None:
        params = await person.authorize(url)
        pending["result"] = AuthorizationCodeResult(code=params["code"], state=params.get("state"),
                                                    iss=params.get("iss"))

    async def callback_handler() -> AuthorizationCodeResult:
        return pending.pop("result")

    provider = OAuthClientProvider(
        server_url=mcp_url,
        client_metadata=OAuthClientMetadata(client_name="lockii-e2e-sdk", redirect_uris=[CB],
                                            grant_types=["authorization_code", "refresh_token"],
                                            token_endpoint_auth_method="none"),
        storage=storage, redirect_handler=redirect_handler, callback_handler=callback_handler,
    )
    hooks = {"request": [traffic.on_request], "response": [traffic.on_response]} if traffic else {}
    async with httpx2.AsyncClient(auth=provider, timeout=60, event_hooks=hooks) as http:
        async with Client(streamable_http_client(mcp_url, http_client=http), mode=mode,
                          client_info=types.Implementation(name="lockii-e2e", version="0")) as client:
            yield client, storage
