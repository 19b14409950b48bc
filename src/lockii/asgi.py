"""Composition root: a Starlette app in front of Django.

Django runs through a WSGI adapter (a2wsgi) rather than Django's ASGI handler: measured faster on
every request (bench/), and our views are synchronous. The User MCP endpoint is routed here, before
Django, at exactly ``/api/mcp/user`` (see ``lockii.mcp``).
"""

from __future__ import annotations

import contextlib
import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lockii.settings")

import django  # noqa: E402

django.setup()

from a2wsgi import WSGIMiddleware  # noqa: E402
from django.core.wsgi import get_wsgi_application  # noqa: E402
from starlette.applications import Starlette  # noqa: E402
from starlette.routing import Mount  # noqa: E402

from lockii.mcp import server as mcp_server  # noqa: E402

django_app = WSGIMiddleware(get_wsgi_application(), workers=8)


@contextlib.asynccontextmanager
async def lifespan(app):
    async with mcp_server.lifespan():  # the MCP session manager must run for the endpoint to answer
        yield


application = Starlette(
    routes=[*mcp_server.routes(), Mount("/", app=django_app)],
    lifespan=lifespan,
)
