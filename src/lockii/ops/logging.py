"""Structured logs: one JSON object per line."""

from __future__ import annotations

import json
import logging
import time


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "ts": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created)) + f".{int(record.msecs):03d}Z",
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": record.getMessage(),
        }
        entry.update(getattr(record, "fields", {}))
        if record.exc_info:
            entry["exc"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str)


class BriefSecurityWarnings(logging.Filter):
    """Django logs every refused ``Host`` (and other suspicious requests) at ERROR with a traceback,
    so a scanner's probes flood the log. One WARNING line says all there is, naming our setting."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.name.startswith("django.security."):
            record.msg = record.getMessage().replace(" ALLOWED_HOSTS", " LOCKII_ALLOWED_HOSTS")
            record.args = ()
            record.exc_info = record.exc_text = record.stack_info = None
            record.levelno, record.levelname = logging.WARNING, "WARNING"
        return True
