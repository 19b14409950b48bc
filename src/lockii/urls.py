"""URL map of the Django side. The MCP endpoint is routed in ``lockii.asgi`` before Django."""

from django.urls import include, path

from lockii.api.rest import build_api
from lockii.ops import health
from lockii.web import urls as web_urls

api_v1 = build_api()

urlpatterns = [
    path("healthz", health.healthz),
    path("readyz", health.readyz),
    # OAuth first: it serves /api/v1/.well-known/... ahead of the REST API's routes.
    path("", include("lockii.oauth.urls")),
    path("api/v1/", api_v1.urls),
    path("", include(web_urls)),
]

handler404 = "lockii.ops.errors.not_found"
handler500 = "lockii.ops.errors.server_error"
handler400 = "lockii.ops.errors.bad_request"
handler403 = "lockii.ops.errors.forbidden"
