"""The action registry: each action is declared once and every surface is generated from it.

REST routes and OpenAPI (``lockii.api``), MCP tools (``lockii.mcp``) and the docs page all read
``REGISTRY``. An action is a plain function ``handler(principal, params) -> result`` where ``params``
is an instance of the action's input model and the result is an instance of its output model (or a
``Page`` of them for lists).
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass, field
from typing import Any, Callable, Generic, TypeVar

from pydantic import BaseModel

T = TypeVar("T")


@dataclass
class Page(Generic[T]):
    """One page of a list; ``next_cursor`` is opaque and None on the last page."""

    items: list[T]
    next_cursor: str | None = None


@dataclass(frozen=True)
class Action:
    name: str
    method: str  # GET | POST | PATCH | DELETE
    path: str  # relative to /api/v1, with {placeholders} naming input fields
    input: type[BaseModel]
    output: type[BaseModel]
    permission: str | None  # None: any authenticated caller
    handler: Callable[..., Any]
    description: str
    paged: bool = False  # the result is a Page of ``output``
    read_only: bool = True
    destructive: bool = False
    idempotent: bool = True
    tags: tuple[str, ...] = field(default=())

    @property
    def path_params(self) -> list[str]:
        return [part[1:-1] for part in self.path.split("/") if part.startswith("{")]

    @property
    def summary(self) -> str:
        return self.description.strip().splitlines()[0]


class DuplicateAction(RuntimeError):
    """Two actions share a name or a method+path; refused at start-up."""


class Registry:
    def __init__(self) -> None:
        self._actions: dict[str, Action] = {}

    def add(self, action: Action) -> Action:
        if action.name in self._actions:
            raise DuplicateAction(f"action '{action.name}' is declared twice")
        route = (action.method, action.path)
        if any((a.method, a.path) == route for a in self._actions.values()):
            raise DuplicateAction(f"{action.method} {action.path} is declared twice")
        missing = [p for p in action.path_params if p not in action.input.model_fields]
        if missing:
            raise ValueError(f"{action.name}: path parameters {missing} are not fields of its input")
        self._actions[action.name] = action
        return action

    def __iter__(self):
        return iter(self._actions.values())

    def __len__(self) -> int:
        return len(self._actions)

    def __getitem__(self, name: str) -> Action:
        return self._actions[name]

    def get(self, name: str) -> Action | None:
        return self._actions.get(name)

    def names(self) -> list[str]:
        return list(self._actions)


REGISTRY = Registry()


def action(*, name: str, method: str, path: str, input: type[BaseModel], output: type[BaseModel],
           permission: str | None, paged: bool = False, destructive: bool = False,
           idempotent: bool | None = None, tags: tuple[str, ...] = (), registry: Registry = REGISTRY):
    """Declare the decorated function as an action. Its docstring is the action's description."""

    def decorate(fn: Callable[..., Any]) -> Callable[..., Any]:
        read_only = method == "GET"
        registry.add(Action(
            name=name, method=method, path=path, input=input, output=output, permission=permission,
            handler=fn, description=inspect.cleandoc(fn.__doc__ or name), paged=paged,
            read_only=read_only, destructive=destructive,
            idempotent=read_only if idempotent is None else idempotent, tags=tags,
        ))
        return fn

    return decorate


def load_all() -> Registry:
    """Import every module that declares actions, so the registry is complete."""
    from lockii.actions import catalog  # noqa: F401  (the list of action modules)

    return REGISTRY
