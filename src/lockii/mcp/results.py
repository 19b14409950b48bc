"""Tool results: structured content that matches the output schema, plus a readable text block.

Failures of an action (``LockiiError``) are tool results with ``isError`` set, carrying the same
problem details REST sends as problem+json, so a model can read what went wrong and correct itself.
Protocol faults (unknown tool, malformed request) are JSON-RPC errors and never reach here.
"""

from __future__ import annotations

import json
from typing import Any

import mcp_types as types

from lockii.actions.registry import Page
from lockii.errors import LockiiError
from lockii.mcp.tools import ToolSpec

PROBLEM_TYPE_BASE = "https://lockii.app/problems/"  # the same type URIs as lockii.api.problem


def problem(exc: LockiiError) -> dict[str, Any]:
    """The RFC 9457 body REST would send for ``exc``."""
    body: dict[str, Any] = {"type": PROBLEM_TYPE_BASE + exc.code, "title": exc.title, "status": exc.status,
                            "detail": exc.detail, "code": exc.code}
    if exc.errors:
        body["errors"] = exc.errors
    body.update((k, v) for k, v in exc.extra.items() if k != "token_sent")
    return body


def _json(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def _text(text: str) -> list[types.TextContent]:
    return [types.TextContent(type="text", text=text)]


def success(spec: ToolSpec, result: Any) -> types.CallToolResult:
    """The tool result for an action's return value."""
    name = spec.action.name
    by_alias = bool(spec.result_model.model_config.get("serialize_by_alias", False))
    if isinstance(result, Page):
        structured = {"items": spec.items_adapter.dump_python(result.items, mode="json", by_alias=by_alias),
                      "nextCursor": result.next_cursor}
        count = len(result.items)
        summary = f"{name}: {count} result{'' if count == 1 else 's'}"
        summary += (f"; more results: call {name} again with the same arguments and "
                    f"cursor={_json(result.next_cursor)}." if result.next_cursor else " (last page).")
    else:
        structured = result.model_dump(mode="json", by_alias=by_alias)
        summary = f"{name}: done."
    return types.CallToolResult(content=_text(f"{summary}\n{_json(structured)}"), structured_content=structured)


def failure(exc: LockiiError) -> types.CallToolResult:
    """An ``isError`` result carrying the problem details of ``exc``."""
    body = problem(exc)
    lines = [f"{exc.title} ({exc.status} {exc.code}): {exc.detail}"]
    lines += [f"- {e.get('field', '')}: {e.get('message', '')}" for e in exc.errors]
    lines.append(_json(body))
    return types.CallToolResult(content=_text("\n".join(lines)), structured_content=body, is_error=True)
