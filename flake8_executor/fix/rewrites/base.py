"""What every rewrite is given and returns, and the decorator that registers it.

A rewrite is a function ``(call, ctx) -> Rewritten`` in a module of its own, registered for one
``fixes.Fix`` with ``@rewrite``: its order among the rewrites of one call, and what it needs of its
place (a coroutine, for rewrites that add ``await`` or ask for the running loop). It only builds
nodes: the engine decided *what* to do, and the transformer (``transform.py``) knows the
surroundings: whether the result needs an ``await`` and parentheses, and which imports it needs.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import libcst as cst

from flake8_executor.config.settings import Settings
from flake8_executor.fixes import Fix


class Declined(Exception):
    """A fix that cannot be applied safely here; the message (a ``fixes.NotFixed``) says why."""


@dataclass
class RewriteContext:
    """What a rewrite may consult, and what it asks of the transformer."""

    settings: Settings
    asyncio_name: str = "asyncio"  # how this module refers to asyncio ("aio" after import as)
    functools_name: str = "functools"
    anyio_name: str = "anyio"
    contextvars_name: str = "contextvars"
    threadpool_name: str = "run_in_threadpool"  # Starlette's, as the module imports it
    needed_imports: set[str] = field(default_factory=set)
    # Imports a rewrite may have left unused, as (module, name, asname); removed only if unused.
    maybe_unused: set[tuple[str, str | None, str | None]] = field(default_factory=set)

    def asyncio_attr(self, attr: str) -> cst.Attribute:
        if self.asyncio_name == "asyncio":
            self.needed_imports.add("asyncio")
        return cst.Attribute(value=cst.Name(self.asyncio_name), attr=cst.Name(attr))

    def anyio_attr(self, *attrs: str) -> cst.Attribute:
        """``anyio.<attrs>`` (``anyio.to_thread.run_sync``), by the module's name for anyio."""
        if self.anyio_name == "anyio":
            self.needed_imports.add("anyio")
        node: cst.BaseExpression = cst.Name(self.anyio_name)
        for attr in attrs:
            node = cst.Attribute(value=node, attr=cst.Name(attr))
        assert isinstance(node, cst.Attribute)
        return node

    def copied_context_run(self) -> cst.Attribute:
        """``contextvars.copy_context().run``: calls a function in a copy of the caller's context."""
        if self.contextvars_name == "contextvars":
            self.needed_imports.add("contextvars")
        copy = cst.Attribute(value=cst.Name(self.contextvars_name), attr=cst.Name("copy_context"))
        return cst.Attribute(value=cst.Call(func=copy), attr=cst.Name("run"))

    def partial(self) -> cst.Attribute:
        if self.functools_name == "functools":
            self.needed_imports.add("functools")
        return cst.Attribute(value=cst.Name(self.functools_name), attr=cst.Name("partial"))

    def running_loop_method(self, method: str) -> cst.Attribute:
        """``asyncio.get_running_loop().<method>``."""
        return cst.Attribute(
            value=cst.Call(func=self.asyncio_attr("get_running_loop")), attr=cst.Name(method)
        )


@dataclass(frozen=True)
class Rewritten:
    node: cst.BaseExpression
    awaited: bool  # the transformer must put ``await`` before it (unless one is already there)


# A rewrite takes the node at the finding's span: a ``cst.Call``, or for a few a ``cst.Lambda``.
Rewrite = Callable[[Any, RewriteContext], Rewritten]


@dataclass(frozen=True)
class Registered:
    """A rewrite with what the transformer must know of it."""

    fix: Fix
    rewrite: Rewrite
    # Rewrites of one call run in this order: argument edits first, then the rewrites that replace
    # the call (after which nothing else applies to it).
    order: int
    needs_coroutine: bool  # it adds ``await`` or asks for the running loop
    # It replaces the callable itself, so the callable's import may now be unused (``time`` after
    # ``time.sleep``); other rewrites keep the callable as written.
    drops_callable: bool = False


REGISTERED: dict[Fix, Registered] = {}


def rewrite(
    fix: Fix, *, order: int, needs_coroutine: bool, drops_callable: bool = False
) -> Callable[[Rewrite], Rewrite]:
    """Register the decorated function as the rewrite of ``fix``."""

    def register(function: Rewrite) -> Rewrite:
        if fix in REGISTERED:
            raise RuntimeError(f"two rewrites for {fix.value}")
        REGISTERED[fix] = Registered(fix, function, order, needs_coroutine, drops_callable)
        return function

    return register
