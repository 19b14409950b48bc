"""MCP tool definitions generated from the action registry: one tool per action, same name.

Nothing about a tool is written by hand: the input schema is the action's input model as pydantic
publishes it (descriptions, enums, formats, examples), the output schema is its output model (a page
``{items, nextCursor}`` for paged actions), the description is its docstring plus units and the
permission it needs, and the annotations come from the action's flags.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import mcp_types as types
from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, create_model

from lockii.actions.registry import Action, Registry
from lockii.identity.principal import Principal

UNITS = ("Units: times are Unix milliseconds (UTC) and money is integer cents of the company currency, "
         "unless a field says otherwise.")
PAGING = ("Returns one page as {items, nextCursor}. For the next page call this tool again with the same "
          "arguments plus cursor=nextCursor; nextCursor is null on the last page.")


def title_of(name: str) -> str:
    """'search_bookings' → 'Search bookings'; 'createChangeRequest' → 'Create change request'."""
    words = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", name).replace("_", " ").lower().split()
    return " ".join(words).capitalize()


def _description(action: Action) -> str:
    parts = [action.description]
    if "millisecond" not in action.description.lower():  # said once is enough
        parts.append(UNITS)
    parts.append(f"Permission: {action.permission}." if action.permission
                 else "Permission: none (any signed-in caller).")
    if action.paged:
        parts.append(PAGING)
    return "\n\n".join(parts)


def _dumps_by_alias(model: type[BaseModel]) -> bool:
    # REST renders results with model_dump_json(), which uses aliases only when the model says so;
    # the schema must name fields the way the structured content does.
    return bool(model.model_config.get("serialize_by_alias", False))


def _page_model(output: type[BaseModel]) -> type[BaseModel]:
    return create_model(
        f"{output.__name__}Page",
        __config__=ConfigDict(serialize_by_alias=_dumps_by_alias(output)),
        items=(list[output], Field(description="this page of results")),
        nextCursor=(str | None, Field(description="pass as 'cursor' to get the next page; null on the last page")),
    )


@dataclass(frozen=True)
class ToolSpec:
    """One action seen as an MCP tool: its wire definition and how to render its results."""

    action: Action

    @cached_property
    def result_model(self) -> type[BaseModel]:
        return _page_model(self.action.output) if self.action.paged else self.action.output

    @cached_property
    def input_schema(self) -> dict[str, Any]:
        return self.action.input.model_json_schema(mode="validation")

    @cached_property
    def items_adapter(self) -> TypeAdapter:
        return TypeAdapter(list[self.action.output])

    @cached_property
    def tool(self) -> types.Tool:
        a = self.action
        output_schema = self.result_model.model_json_schema(
            mode="serialization", by_alias=_dumps_by_alias(self.result_model))
        return types.Tool(
            name=a.name, title=title_of(a.name), description=_description(a),
            input_schema=self.input_schema, output_schema=output_schema,
            annotations=types.ToolAnnotations(
                title=title_of(a.name), read_only_hint=a.read_only,
                destructive_hint=False if a.read_only else a.destructive,
                idempotent_hint=a.idempotent, open_world_hint=False,
            ),
        )

    def allowed(self, principal: Principal) -> bool:
        return self.action.permission is None or principal.has(self.action.permission)


class ToolCatalog:
    """Every action of ``registry`` as a tool, in name order (stable whatever the import order)."""

    def __init__(self, registry: Registry):
        self._registry = registry
        self._specs: dict[str, ToolSpec] = {}
        self._ordered: list[ToolSpec] = []
        self._visible: dict[frozenset[str], dict[str, Any]] = {}

    def _all(self) -> list[ToolSpec]:
        # Read the registry on each use: an action registered later is a tool at once.
        if len(self._specs) != len(self._registry):
            self._specs = {a.name: self._specs.get(a.name) or ToolSpec(a) for a in self._registry}
            self._ordered = [self._specs[name] for name in sorted(self._specs)]
            self._visible = {}
        return self._ordered

    def get(self, name: str) -> ToolSpec | None:
        self._all()
        return self._specs.get(name)

    def visible(self, principal: Principal) -> list[types.Tool]:
        """The tools ``principal`` may call; the others are left out of tools/list."""
        return [spec.tool for spec in self._all() if spec.allowed(principal)]

    def listing(self, principal: Principal) -> dict[str, Any]:
        """The tools/list result for ``principal``, as wire JSON.

        Built once per permission set (callers with the same permissions see the same list) and
        handed to the SDK as a dict, so each request skips dumping the large schemas again.
        """
        self._all()
        listing = self._visible.get(principal.permissions)
        if listing is None:
            result = types.ListToolsResult(tools=self.visible(principal))
            listing = result.model_dump(by_alias=True, mode="json", exclude_none=True)
            self._visible[principal.permissions] = listing
        return listing

    def input_schema(self, name: str) -> dict[str, Any] | None:
        """The input schema of ``name`` (for the SDK's Mcp-Param-* header check), or None."""
        spec = self.get(name)
        return spec.input_schema if spec else None
