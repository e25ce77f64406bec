"""The places the walk records: where an expression runs, and the calls and ``with`` items in it.

A leaf of the analysis: every rule is handed these values and nothing else about the tree.
"""

from __future__ import annotations

import ast

from flake8_executor.analysis.resolve import Scope

# The ``if`` tests recorded around an expression, innermost last.
MAX_CONDITIONS = 8

# An ``if`` test around an expression: (test, branch, after an exit): ``branch`` is True in the
# body; ``after an exit``: the expression follows ``if test: return`` (or ``raise``), not in a
# branch of it.
Condition = tuple[ast.expr, bool, bool]


class Site:
    """Where an expression sits: its scope, whether it runs on the event loop, if ``await`` fits."""

    __slots__ = (
        "comprehensions",
        "conditions",
        "function",
        "handlers",
        "held_by",
        "loop_advice",
        "loop_reason",
        "on_loop",
        "scope",
        "why_no_await",
    )

    def __init__(
        self,
        scope: Scope,
        on_loop: bool,
        why_no_await: str | None,
        function: Scope | None,
        held_by: ast.expr | None = None,
        comprehensions: int = 0,
        handlers: tuple[ast.expr | None, ...] = (),
        conditions: tuple[Condition, ...] = (),
    ) -> None:
        self.scope = scope
        self.on_loop = on_loop  # the innermost def or lambda around it is an ``async def``
        # Why ``await`` cannot be added here ("inside a generator expression"); None when it can.
        self.why_no_await = why_no_await
        self.function = function  # the innermost def or lambda scope; None at module level
        # Where an ``await`` may be written but must not be added: the context manager of the
        # enclosing sync ``with`` in this coroutine (held across the await), how many
        # comprehensions deep the expression is, and the types the enclosing ``try``s catch
        # (None for a bare ``except:``).
        self.held_by = held_by
        self.comprehensions = comprehensions
        self.handlers = handlers
        # In a function: the ``if`` tests around the expression, each with the branch it is in
        # (``True`` for the body), for the steps of a function that run only under a condition
        # on a parameter (``analysis/conditions.py``).
        self.conditions = conditions
        # Set when a framework runs this sync function on the loop (``analysis/loop_functions``):
        # why, as the message says it ("in a @callback function, which Home Assistant runs ...").
        self.loop_reason: str | None = None
        # ... and what the message advises instead of an await, which a sync function cannot use.
        self.loop_advice: str | None = None

    def under(self, test: ast.expr, branch: bool, after_exit: bool = False) -> Site:
        """The same place, inside the ``branch`` of ``if test:`` (``after_exit``: after an
        ``if test: return``; past a few levels, a deeper test is not recorded: a long ``elif``
        chain would cost its square)."""
        if len(self.conditions) >= MAX_CONDITIONS:
            return self
        site = Site(
            self.scope,
            self.on_loop,
            self.why_no_await,
            self.function,
            self.held_by,
            self.comprehensions,
            self.handlers,
            (*self.conditions, (test, branch, after_exit)),
        )
        site.loop_reason, site.loop_advice = self.loop_reason, self.loop_advice
        return site


class CallSite:
    """A call the walk met, with its place; what every call rule is given."""

    __slots__ = (
        "awaited",
        "guarded",
        "in_wrap_file",
        "is_statement",
        "is_with_item",
        "iterated",
        "narrowed",
        "node",
        "site",
    )

    def __init__(self, node: ast.Call, site: Site) -> None:
        self.node = node
        self.site = site
        self.is_statement = False  # the whole expression statement: its result is dropped
        self.is_with_item = False  # the context manager of a ``with``
        self.awaited = False  # the operand of ``await``
        self.in_wrap_file = False  # the argument of ``trio/anyio.wrap_file(...)``
        # A method call whose receiver an enclosing ``if``/``while`` checks is not empty
        # (``if not q.empty(): q.get()``).
        self.guarded = False
        # The names an enclosing ``if x == "literal":`` pins, for the calls of its body.
        self.narrowed: dict[str, ast.Constant] | None = None
        # Its result is iterated where it stands (``for x in f():``, ``list(f())``, a
        # comprehension, ``yield from f()``): a generator's body runs here.
        self.iterated = False

    @property
    def scope(self) -> Scope:
        return self.site.scope

    @property
    def on_loop(self) -> bool:
        return self.site.on_loop


class WithItemSite:
    """A ``with`` item's context manager expression in its place (for the executor lifecycle rule)."""

    __slots__ = ("node", "site")

    def __init__(self, node: ast.expr, site: Site) -> None:
        self.node = node
        self.site = site


class AttributeSite:
    """An attribute read on the event loop that is not the callee of a call (``client.status``):
    a property's getter runs there."""

    __slots__ = ("node", "site")

    def __init__(self, node: ast.Attribute, site: Site) -> None:
        self.node = node
        self.site = site
