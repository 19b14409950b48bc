"""The pages' stylesheet, served by Django itself from memory.

One small file does not justify a static-files pipeline; serving it from our origin (instead of an
inline <style>) lets the Content-Security-Policy keep ``style-src 'self'`` without 'unsafe-inline'.
The URL carries a content hash, so it can be cached for a year and still change on upgrade.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from django.http import Http404, HttpResponse
from django.views.decorators.http import require_safe

_CSS = (Path(__file__).parent / "static" / "web" / "lockii.css").read_bytes()
CSS_VERSION = hashlib.sha256(_CSS).hexdigest()[:12]


@require_safe
def stylesheet(request, version: str):
    if version != CSS_VERSION:
        raise Http404("stale stylesheet")
    response = HttpResponse(_CSS, content_type="text/css; charset=utf-8")
    response["Cache-Control"] = "public, max-age=31536000, immutable"
    return response
