"""JSON text from callers (bodies, query parameters, tool arguments).

``json.loads`` raises RecursionError, not ValueError, for deeply nested input such as a thousand
``[``; uncaught, that becomes a 500. Here it is one more kind of bad JSON.
"""

from __future__ import annotations

import json


def loads(text: str | bytes):
    try:
        return json.loads(text)
    except RecursionError:
        raise json.JSONDecodeError("nested too deeply", text if isinstance(text, str) else "", 0) from None
