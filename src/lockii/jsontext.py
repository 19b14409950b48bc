"""JSON text from callers (bodies, query parameters, tool arguments).

``json.loads`` raises RecursionError, not ValueError, for deeply nested input such as a thousand
``[``; uncaught, that becomes a 500. Here it is one more kind of bad JSON. So is an object that
names a key twice: parsers disagree on which copy counts (Python keeps the last), and a check made
on one copy while another is used is how filters and policies get bypassed.
"""

from __future__ import annotations

import json


class DuplicateKey(json.JSONDecodeError):
    """An object with the same key twice."""


class _Repeated(Exception):
    def __init__(self, key: str):
        self.key = key


def _unique_keys(pairs: list[tuple[str, object]]) -> dict:
    seen: set[str] = set()
    for key, _ in pairs:
        if key in seen:
            raise _Repeated(key)
        seen.add(key)
    return dict(pairs)


def loads(text: str | bytes):
    try:
        return json.loads(text, object_pairs_hook=_unique_keys)
    except RecursionError:
        raise json.JSONDecodeError("nested too deeply", text if isinstance(text, str) else "", 0) from None
    except _Repeated as exc:
        doc = text if isinstance(text, str) else text.decode("utf-8", "replace")
        quoted = json.dumps(exc.key)
        position = max(doc.find(quoted, doc.find(quoted) + 1), 0)
        raise DuplicateKey(f"the key {quoted} appears twice", doc, position) from None
