"""One structured log line per request, with a request id echoed in ``X-Request-ID``."""

from __future__ import annotations

import logging
import re
import time
import uuid

from lockii.ops.client_ip import client_ip
from lockii.ops.redact import redact_query

log = logging.getLogger("lockii.request")
_SAFE_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


def request_id_from(value: str | None) -> str:
    """Keep a caller's well-formed request id (for tracing across services); otherwise make one."""
    return value if value and _SAFE_ID.match(value) else uuid.uuid4().hex


class RequestLogMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        request.request_id = request_id_from(request.META.get("HTTP_X_REQUEST_ID"))
        response = self.get_response(request)
        response["X-Request-ID"] = request.request_id
        log.info("request", extra={"fields": {
            "request_id": request.request_id,
            "method": request.method,
            "path": request.path,
            "query": redact_query(request.META.get("QUERY_STRING", "")),
            "status": response.status_code,
            "ms": round((time.perf_counter() - started) * 1000, 2),
            "ip": client_ip(request.META),
        }})
        return response
