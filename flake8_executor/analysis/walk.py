"""The one ``ast`` walk per file: scopes, bindings, call sites and ``with`` items, in one pass.

The walk does two things at once: it records every binding into its scope (for the resolver), and it
records every call site and ``with`` item with the context it runs in (on the event loop or not,
whether ``await`` may be written there). It judges nothing: the rules run once the walk is over, when
every binding of the file is known, so they see imports placed after the functions that use them.
"""

from __future__ import annotations

import ast
from typing import Any, Callable

from flake8_executor.analysis.lookup import fixed_host_literal
from flake8_executor.analysis.resolve import Binding, Scope
from flake8_executor.analysis.sites import AttributeSite, CallSite, Site, WithItemSite
from flake8_executor.analysis.usage import (
    NONBLOCKING_SWITCHES,
    receiver_key,
    record_async_use,
    record_nonblocking,
)
from flake8_executor.findings import ImportOrigin
from flake8_executor.fixes import NotFixed


class Walk:
    """Records scopes, bindings, call sites and ``with`` items in one pass over the tree."""

    def __init__(self, tree: ast.Module, target_version: tuple[int, int] = (3, 9)) -> None:
        self.module = Scope(Scope.MODULE, tree, None)
        self.scopes: list[Scope] = [self.module]
        self.calls: list[CallSite] = []
        self.with_items: list[WithItemSite] = []
        # Attributes read on the loop, not called (a property's getter runs where it is read).
        self.attributes: list[AttributeSite] = []
        self._statement_calls: set[int] = set()
        self._with_calls: set[int] = set()
        self._awaited_calls: set[int] = set()
        self._wrapped_calls: set[int] = set()
        self._guarded_calls: set[int] = set()
        self._narrowed_calls: dict[int, dict[str, ast.Constant]] = {}
        self._iterated: set[int] = set()
        # The top-level modules the file imports (the lookup's fast path depends on them).
        self.import_roots: set[str] = set()
        self.target_version = target_version
        # Module-level names bound once to a version test (``PY310 = sys.version_info >= (3, 10)``).
        self._version_names = _version_names(tree, target_version)
        self._stack: list[tuple[ast.AST, Site]] = [(tree, Site(self.module, False, None, None))]

    def run(self) -> None:
        stack = self._stack
        handlers = _HANDLERS
        child_fields = _CHILD_FIELDS
        AST = ast.AST
        name_type, constant_type, load = ast.Name, ast.Constant, ast.Load
        while stack:
            node, site = stack.pop()
            node_type = type(node)
            # The two commonest nodes, handled inline: a method call each would cost more.
            if node_type is name_type:
                if type(node.ctx) is not load:
                    site.scope.bind(node.id, Binding(Binding.OPAQUE, site.scope))
                continue
            if node_type is constant_type:
                continue
            handler = handlers.get(node_type)
            if handler is not None:
                handler(self, node, site)
                continue
            fields = child_fields.get(node_type)
            if fields is None:
                fields = child_fields[node_type] = _child_fields(node_type)
            for field in fields:
                value = getattr(node, field, None)
                if type(value) is list:
                    for item in value:
                        if isinstance(item, AST):
                            stack.append((item, site))
                elif isinstance(value, AST):
                    stack.append((value, site))
        if self.attributes:
            called = {id(call.node.func) for call in self.calls}
            self.attributes = [item for item in self.attributes if id(item.node) not in called]
        for call in self.calls:
            key = id(call.node)
            call.is_statement = key in self._statement_calls
            call.is_with_item = key in self._with_calls
            call.awaited = key in self._awaited_calls
            call.in_wrap_file = key in self._wrapped_calls
            call.guarded = key in self._guarded_calls
            call.narrowed = self._narrowed_calls.get(key)
            call.iterated = key in self._iterated

    def release(self) -> None:
        """Break the scope <-> binding cycles, so reference counting frees the file at once.

        Left to the cyclic garbage collector, every file's scopes, and the ``ast`` tree they point
        into, would be traversed again and again: measured, that cost more than the rules.
        """
        for scope in self.scopes:
            scope.bindings.clear()
            scope.self_attributes.clear()
            scope.app_state = None
        self.scopes.clear()

    def _push(self, nodes: list, site: Site) -> None:  # type: ignore[type-arg]
        self._stack.extend((node, site) for node in nodes if node is not None)

    # -- scopes ----------------------------------------------------------------------------------

    def _function(self, node: ast.FunctionDef | ast.AsyncFunctionDef, site: Site) -> None:
        outer = site.scope
        outer.bind(node.name, Binding(Binding.DEF, outer, node=node))
        args = node.args
        self._push(node.decorator_list, site)
        self._push(args.defaults, site)
        self._push(args.kw_defaults, site)
        is_async = isinstance(node, ast.AsyncFunctionDef)
        scope = Scope(Scope.FUNCTION, node, outer, is_async)
        self.scopes.append(scope)
        owner = self._method_owner(node, outer)
        positional = [*args.posonlyargs, *args.args]
        for index, arg in enumerate([*positional, *args.kwonlyargs, args.vararg, args.kwarg]):
            if arg is None:
                continue
            if index == 0 and owner is not None:
                scope.self_name = arg.arg
                scope.bind(arg.arg, Binding(Binding.PARAM, scope, owner_class=owner))
            else:
                scope.bind(arg.arg, Binding(Binding.PARAM, scope, annotation=arg.annotation))
        body = _reachable(node.body, self.target_version, self._version_names)
        self._push_block(body, Site(scope, is_async, None, scope))

    def _push_block(self, body: list[ast.stmt], site: Site) -> None:
        """A function's statements: after ``if test: return`` (or ``raise``) with no ``else``,
        the rest of the block runs only where ``test`` is false."""
        for statement in body:
            self._stack.append((statement, site))
            if (
                type(statement) is ast.If
                and not statement.orelse
                and type(statement.body[-1]) in (ast.Return, ast.Raise)
            ):
                site = site.under(statement.test, False, after_exit=True)

    @staticmethod
    def _method_owner(node: ast.FunctionDef | ast.AsyncFunctionDef, outer: Scope) -> Scope | None:
        """The class whose instance the first parameter is, for a plain method."""
        if outer.opened_by != Scope.CLASS or not (node.args.posonlyargs or node.args.args):
            return None
        for decorator in node.decorator_list:
            if isinstance(decorator, ast.Name) and decorator.id in {"staticmethod", "classmethod"}:
                return None
        return outer

    def _lambda(self, node: ast.Lambda, site: Site) -> None:
        self._push(node.args.defaults, site)
        self._push(node.args.kw_defaults, site)
        scope = Scope(Scope.LAMBDA, node, site.scope)
        self.scopes.append(scope)
        args = node.args
        for arg in [*args.posonlyargs, *args.args, *args.kwonlyargs, args.vararg, args.kwarg]:
            if arg is not None:
                scope.bind(arg.arg, Binding(Binding.PARAM, scope))
        self._stack.append((node.body, Site(scope, False, None, scope)))

    def _class(self, node: ast.ClassDef, site: Site) -> None:
        outer = site.scope
        scope = Scope(Scope.CLASS, node, outer)
        outer.bind(node.name, Binding(Binding.CLASS, outer, node=node, opens=scope))
        self._push(node.decorator_list, site)
        self._push(node.bases, site)
        self._push(node.keywords, site)
        self.scopes.append(scope)
        why_no_await = NotFixed.IN_CLASS_BODY if site.on_loop else None
        self._push(node.body, Site(scope, site.on_loop, why_no_await, site.function))

    def _comprehension(
        self, node: ast.ListComp | ast.SetComp | ast.DictComp | ast.GeneratorExp, site: Site
    ) -> None:
        generators = node.generators
        self._stack.append((generators[0].iter, site))  # evaluated in the enclosing scope
        scope = Scope(Scope.COMPREHENSION, node, site.scope)
        self.scopes.append(scope)
        why_no_await = site.why_no_await
        if isinstance(node, ast.GeneratorExp) and site.on_loop:
            why_no_await = NotFixed.IN_GENERATOR_EXPRESSION
        inner = Site(
            scope,
            site.on_loop,
            why_no_await,
            site.function,
            site.held_by,
            site.comprehensions + 1,
            site.handlers,
            site.conditions,
        )
        for index, generator in enumerate(generators):
            if not generator.is_async:
                self._iterated.add(id(generator.iter))
            self._stack.append((generator.target, inner))
            if index:
                self._stack.append((generator.iter, inner))
            self._push(generator.ifs, inner)
        if isinstance(node, ast.DictComp):
            self._push([node.key, node.value], inner)
        else:
            self._stack.append((node.elt, inner))

    # -- bindings --------------------------------------------------------------------------------

    def _import(self, node: ast.Import, site: Site) -> None:
        scope = site.scope
        for alias in node.names:
            self.import_roots.add(alias.name.partition(".")[0])
            origin = ImportOrigin(alias.name, None, alias.asname)
            if alias.asname:
                binding = Binding(Binding.IMPORT, scope, import_name=alias.name, origin=origin)
                scope.bind(alias.asname, binding)
            else:
                root = alias.name.partition(".")[0]
                scope.bind(root, Binding(Binding.IMPORT, scope, import_name=root, origin=origin))

    def _import_from(self, node: ast.ImportFrom, site: Site) -> None:
        scope = site.scope
        module = "." * node.level + (node.module or "")
        if not node.level and node.module:
            self.import_roots.add(node.module.partition(".")[0])
        for alias in node.names:
            if alias.name == "*":
                continue
            qualified = f"{module}.{alias.name}" if node.module else module + alias.name
            origin = ImportOrigin(module, alias.name, alias.asname)
            scope.bind(
                alias.asname or alias.name,
                Binding(Binding.IMPORT, scope, import_name=qualified, origin=origin),
            )

    def _assign(self, node: ast.Assign | ast.AnnAssign, site: Site) -> None:
        annotation = node.annotation if isinstance(node, ast.AnnAssign) else None
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        for target in targets:
            if not self._bind_target(target, node.value, annotation, site):
                self._stack.append((target, site))
        if node.value is not None:
            self._stack.append((node.value, site))

    def _bind_target(
        self, target: ast.expr, value: ast.expr | None, annotation: ast.expr | None, site: Site
    ) -> bool:
        """Bind ``name = value`` or ``self.attr = value``; ``False`` for other targets."""
        scope = site.scope
        if isinstance(target, ast.Name):
            scope.bind(target.id, Binding(Binding.VALUE, scope, value=value, annotation=annotation))
            return True
        if (
            isinstance(target, ast.Attribute)
            and isinstance(target.value, ast.Name)
            and scope.self_name is not None
            and target.value.id == scope.self_name
        ):
            owner = scope.enclosing_class
            if owner is not None:
                owner.self_attributes.setdefault(target.attr, []).append(
                    Binding(Binding.VALUE, scope, value=value, annotation=annotation)
                )
            return True
        if (
            type(target) is ast.Attribute
            and type(target.value) is ast.Attribute
            and target.value.attr == "state"
        ):  # ``app.state.engine = ...``: the resolver decides whether the owner is an application
            module = self.module
            if module.app_state is None:
                module.app_state = {}
            module.app_state.setdefault(target.attr, []).append(
                (
                    target.value.value,
                    Binding(Binding.VALUE, scope, value=value, annotation=annotation),
                )
            )
        return False

    def _named_expr(self, node: ast.NamedExpr, site: Site) -> None:
        """``name := value`` binds in the nearest scope that is not a comprehension (PEP 572);
        the value is read where it stands."""
        scope = site.scope
        while scope.opened_by == Scope.COMPREHENSION and scope.parent is not None:
            scope = scope.parent
        target = node.target
        if isinstance(target, ast.Name):
            scope.bind(target.id, Binding(Binding.VALUE, site.scope, value=node.value))
        self._stack.append((node.value, site))

    def _with(self, node: ast.With | ast.AsyncWith, site: Site) -> None:
        is_async = type(node) is ast.AsyncWith
        for item in node.items:
            expr = item.context_expr
            if is_async:
                record_async_use(expr, site.scope)
            if isinstance(expr, ast.Call):
                self._with_calls.add(id(expr))
            if site.on_loop:
                self.with_items.append(WithItemSite(expr, site))
            self._stack.append((expr, site))
            target = item.optional_vars
            if target is not None and not self._bind_target(target, expr, None, site):
                self._stack.append((target, site))
        if site.on_loop and site.held_by is None and isinstance(node, ast.With):
            # A sync context manager is held over the whole body: an await added there would
            # hold it (a lock, a transaction) while other tasks run.
            held = node.items[0].context_expr
            site = Site(
                site.scope,
                True,
                site.why_no_await,
                site.function,
                held,
                site.comprehensions,
                site.handlers,
                site.conditions,
            )
        self._push(_reachable(node.body, self.target_version, self._version_names), site)

    def _try(self, node: ast.Try, site: Site) -> None:
        """The body runs under the handlers' types; the handlers and the rest do not."""
        caught = tuple(handler.type for handler in node.handlers)
        body = Site(
            site.scope,
            site.on_loop,
            site.why_no_await,
            site.function,
            site.held_by,
            site.comprehensions,
            site.handlers + caught,
            site.conditions,
        )
        self._push(_reachable(node.body, self.target_version, self._version_names), body)
        self._push(node.handlers, site)
        self._push(node.orelse, site)
        self._push(node.finalbody, site)

    def _type_alias(self, node: ast.AST, site: Site) -> None:
        """``type X = ...`` (3.12): the value is evaluated lazily, never here, so nothing runs."""
        name = getattr(node, "name", None)
        if isinstance(name, ast.Name):
            site.scope.bind(name.id, Binding(Binding.OPAQUE, site.scope))

    def _global(self, node: ast.Global | ast.Nonlocal, site: Site) -> None:
        scope = site.scope
        if isinstance(node, ast.Global) and scope.parent is not None:
            scope.declared_global.update(node.names)
            # The walk may have met assignments below the declaration first: they were global.
            module = scope.module
            for name in node.names:
                for binding in scope.bindings.pop(name, ()):
                    module.bindings.setdefault(name, []).append(binding)

    def _named_capture(self, node: ast.AST, site: Site) -> None:
        """``except E as name``, match captures: the name is no longer what it was."""
        for field in ("name", "rest"):
            name = getattr(node, field, None)
            if isinstance(name, str):
                site.scope.bind(name, Binding(Binding.OPAQUE, site.scope))
        for child in ast.iter_child_nodes(node):
            self._stack.append((child, site))

    # -- uses ------------------------------------------------------------------------------------

    def _call(self, node: ast.Call, site: Site) -> None:
        call = CallSite(node, site)
        self.calls.append(call)
        stack = self._stack
        func = node.func
        if type(func) is ast.Name and func.id in _CONSUMERS and node.args:
            # ``list(gen())`` iterates its argument; ``enumerate(gen())`` only when it is iterated.
            if func.id not in _LAZY_WRAPPERS or id(node) in self._iterated:
                for arg in node.args[1:] if func.id in _FUNCTION_FIRST else node.args:
                    self._iterated.add(id(arg))
        elif (
            type(func) is ast.Attribute
            and func.attr == "join"
            and type(func.value) is ast.Constant
            and len(node.args) == 1
        ):
            self._iterated.add(id(node.args[0]))  # ", ".join(gen())
        if (
            node.args
            and type(node.args[0]) is ast.Call
            and (
                (type(func) is ast.Attribute and func.attr == "wrap_file")
                or (type(func) is ast.Name and func.id == "wrap_file")
            )
        ):
            self._wrapped_calls.add(id(node.args[0]))  # trio/anyio.wrap_file(open(p))
        elif type(func) is ast.Attribute and func.attr in NONBLOCKING_SWITCHES:
            record_nonblocking(node, site.scope)  # sock.setblocking(False)
        stack.append((node.func, site))
        for arg in node.args:
            stack.append((arg, site))
        for keyword in node.keywords:
            stack.append((keyword.value, site))

    def _expr(self, node: ast.Expr, site: Site) -> None:
        value = node.value
        if isinstance(value, ast.Call):
            self._statement_calls.add(id(value))
        elif isinstance(value, ast.Await) and isinstance(value.value, ast.Call):
            self._awaited_calls.add(id(value.value))
        self._stack.append((value, site))

    def _await(self, node: ast.Await, site: Site) -> None:
        if isinstance(node.value, ast.Call):
            self._awaited_calls.add(id(node.value))
            record_async_use(node.value, site.scope)
        self._stack.append((node.value, site))

    def _async_for(self, node: ast.AsyncFor, site: Site) -> None:
        record_async_use(node.iter, site.scope)
        stack = self._stack
        stack.append((node.iter, site))
        stack.append((node.target, site))
        self._push(node.body, site)
        self._push(node.orelse, site)

    def _for(self, node: ast.For, site: Site) -> None:
        """``for x in f():`` iterates ``f()`` where the loop stands (``async for`` does not)."""
        self._iterated.add(id(node.iter))
        self._stack.append((node.target, site))
        self._stack.append((node.iter, site))
        self._push(node.body, site)
        self._push(node.orelse, site)

    def _yield(self, node: ast.Yield | ast.YieldFrom, site: Site) -> None:
        if site.function is not None:
            site.function.is_generator = True  # calling it runs nothing until it is iterated
        if isinstance(node, ast.YieldFrom):
            self._iterated.add(id(node.value))
        if node.value is not None:
            self._stack.append((node.value, site))

    def _attribute(self, node: ast.Attribute, site: Site) -> None:
        if site.on_loop and type(node.ctx) is ast.Load:
            self.attributes.append(AttributeSite(node, site))
        self._stack.append((node.value, site))

    def _if(self, node: ast.If, site: Site) -> None:
        """Skip the branch that a version guard rules out on the target version and later.

        ``if sys.version_info < (3, 7):`` never runs on a py39 target: its calls would be false
        alarms, and its bindings (``from typing_extensions import ...``) are not the file's.
        """
        verdict = _version_verdict(node.test, self.target_version, self._version_names)
        stack = self._stack
        if verdict is None:
            self._guard(node)
        function = site.function
        if verdict is None and function is not None and function.opened_by == Scope.FUNCTION:
            # A function's step under this test is conditional (``analysis/conditions.py``).
            reachable = _reachable(node.body, self.target_version, self._version_names)
            self._push_block(reachable, site.under(node.test, True))
            otherwise = _reachable(node.orelse, self.target_version, self._version_names)
            self._push_block(otherwise, site.under(node.test, False))
            stack.append((node.test, site))
            return
        if verdict is not False:
            self._push(_reachable(node.body, self.target_version, self._version_names), site)
        if verdict is not True:
            self._push(_reachable(node.orelse, self.target_version, self._version_names), site)
        if verdict is None:
            stack.append((node.test, site))

    def _if_expression(self, node: ast.IfExp, site: Site) -> None:
        """``get_running_loop() if sys.version_info >= (3, 10) else get_event_loop()``: as ``if``."""
        verdict = _version_verdict(node.test, self.target_version, self._version_names)
        stack = self._stack
        function = site.function
        if verdict is None and function is not None and function.opened_by == Scope.FUNCTION:
            stack.append((node.body, site.under(node.test, True)))
            stack.append((node.orelse, site.under(node.test, False)))
            stack.append((node.test, site))
            return
        if verdict is not False:
            stack.append((node.body, site))
        if verdict is not True:
            stack.append((node.orelse, site))
        if verdict is None:
            stack.append((node.test, site))

    def _while(self, node: ast.While, site: Site) -> None:
        self._guard(node)
        self._stack.append((node.test, site))
        self._push(node.body, site)
        self._push(node.orelse, site)

    def _guard(self, node: ast.If | ast.While) -> None:
        """Mark the calls of the body made on a receiver that the test checks is not empty, and
        give the calls of an ``if`` body the names its test pins to a literal."""
        if type(node) is ast.If:
            self._narrow(node)
        receivers = _non_empty_receivers(node.test)
        if not receivers:
            return
        for statement in node.body:
            for inner in ast.walk(statement):
                if (
                    type(inner) is ast.Call
                    and type(inner.func) is ast.Attribute
                    and receiver_key(inner.func) in receivers
                ):
                    self._guarded_calls.add(id(inner))

    def _narrow(self, node: ast.If) -> None:
        """``if host == "localhost": socket.gethostbyname(host)``: in the body, ``host`` is that
        literal, unless the body binds it again."""
        pinned = _pinned_names(node.test)
        if not pinned:
            return
        calls: list[ast.Call] = []
        for statement in node.body:
            found: list[ast.Call] = []
            rebinds = False
            for inner in ast.walk(statement):
                if type(inner) is ast.Call:
                    found.append(inner)
                elif type(inner) is ast.Name and type(inner.ctx) is not ast.Load:
                    rebinds = rebinds or inner.id in pinned
            if rebinds:
                if type(statement) is ast.Assign:
                    calls.extend(found)  # its value is read before the name is bound again
                break
            calls.extend(found)
        for call in calls:
            self._narrowed_calls.setdefault(id(call), {}).update(pinned)

    def _skip(self, node: ast.AST, site: Site) -> None:
        """Nodes that hold no calls and bind nothing the rules ask about."""


_HANDLERS: dict[type, Callable[[Walk, Any, Site], None]] = {
    ast.FunctionDef: Walk._function,
    ast.AsyncFunctionDef: Walk._function,
    ast.Lambda: Walk._lambda,
    ast.ClassDef: Walk._class,
    ast.ListComp: Walk._comprehension,
    ast.SetComp: Walk._comprehension,
    ast.DictComp: Walk._comprehension,
    ast.GeneratorExp: Walk._comprehension,
    ast.Import: Walk._import,
    ast.ImportFrom: Walk._import_from,
    ast.Assign: Walk._assign,
    ast.AnnAssign: Walk._assign,
    ast.NamedExpr: Walk._named_expr,
    ast.With: Walk._with,
    ast.AsyncWith: Walk._with,
    ast.Global: Walk._global,
    ast.Nonlocal: Walk._global,
    ast.ExceptHandler: Walk._named_capture,
    ast.Call: Walk._call,
    ast.Expr: Walk._expr,
    ast.Await: Walk._await,
    ast.AsyncFor: Walk._async_for,
    ast.Yield: Walk._yield,
    ast.YieldFrom: Walk._yield,
    ast.If: Walk._if,
    ast.While: Walk._while,
    ast.IfExp: Walk._if_expression,
    ast.For: Walk._for,
    ast.Pass: Walk._skip,
    ast.Load: Walk._skip,
    ast.Store: Walk._skip,
    ast.Attribute: Walk._attribute,
}
for _name in ("MatchAs", "MatchStar", "MatchMapping"):
    if hasattr(ast, _name):
        _HANDLERS[getattr(ast, _name)] = Walk._named_capture
for _name in ("Try", "TryStar"):
    if hasattr(ast, _name):
        _HANDLERS[getattr(ast, _name)] = Walk._try
if hasattr(ast, "TypeAlias"):
    _HANDLERS[ast.TypeAlias] = Walk._type_alias


# Builtins that iterate their (positional) arguments when called; the lazy ones only when their own
# result is iterated; ``map``/``filter`` take a function first.
_CONSUMERS = frozenset(
    "list tuple set frozenset sorted sum min max any all dict next enumerate zip map filter"
    " reversed iter".split()
)
_LAZY_WRAPPERS = frozenset("enumerate zip map filter reversed iter".split())
_FUNCTION_FIRST = frozenset({"map", "filter"})

# Per node type, the fields that may hold child nodes (``ctx`` never holds anything we ask about).
_CHILD_FIELDS: dict[type, tuple[str, ...]] = {}


def _child_fields(node_type: type) -> tuple[str, ...]:
    return tuple(field for field in node_type._fields if field != "ctx")


_COMPARE: dict[type, Callable[[Any, Any], bool]] = {
    ast.Lt: lambda a, b: a < b,
    ast.LtE: lambda a, b: a <= b,
    ast.Gt: lambda a, b: a > b,
    ast.GtE: lambda a, b: a >= b,
}


def _non_empty_receivers(test: ast.expr) -> set[str]:
    """The receivers a test proves non-empty: ``not q.empty()``, ``q.qsize()``, ``q.qsize() > 0``,
    and any of them joined by ``and``."""
    if type(test) is ast.BoolOp and type(test.op) is ast.And:
        found: set[str] = set()
        for value in test.values:
            found |= _non_empty_receivers(value)
        return found
    call = None
    if type(test) is ast.UnaryOp and type(test.op) is ast.Not:
        operand = test.operand
        if type(operand) is ast.Call and _method_name(operand) == "empty":
            call = operand
    elif type(test) is ast.Call and _method_name(test) == "qsize":
        call = test
    elif (
        type(test) is ast.Compare
        and len(test.ops) == 1
        and type(test.left) is ast.Call
        and _method_name(test.left) == "qsize"
        and type(test.comparators[0]) is ast.Constant
        and (test.comparators[0].value, type(test.ops[0]))
        in {(0, ast.Gt), (0, ast.NotEq), (1, ast.GtE)}
    ):
        call = test.left
    if call is None or call.args or call.keywords:
        return set()
    key = receiver_key(call.func)
    return {key} if key is not None else set()


def _pinned_names(test: ast.expr) -> dict[str, ast.Constant]:
    """The names a test pins to a fixed host (``host == "localhost"``, ``"::1" == host``), joined
    by ``and``: the only literals a rule asks about (``catalog.FIXED_HOST_LOOKUPS``)."""
    if type(test) is ast.BoolOp and type(test.op) is ast.And:
        found: dict[str, ast.Constant] = {}
        for value in test.values:
            found.update(_pinned_names(value))
        return found
    if type(test) is not ast.Compare or len(test.ops) != 1 or type(test.ops[0]) is not ast.Eq:
        return {}
    left, right = test.left, test.comparators[0]
    if type(left) is ast.Constant and type(right) is ast.Name:
        left, right = right, left
    if type(left) is ast.Name and type(right) is ast.Constant and fixed_host_literal(right.value):
        return {left.id: right}
    return {}


def _method_name(call: ast.Call) -> str | None:
    return call.func.attr if type(call.func) is ast.Attribute else None


# Statements after which the rest of a block never runs.
_JUMPS = (ast.Return, ast.Raise, ast.Continue, ast.Break)


def _version_names(tree: ast.Module, target: tuple[int, int]) -> dict[str, bool]:
    """``PY310 = sys.version_info >= (3, 10)`` at module level, bound nowhere else there: the
    name's verdict on the target version and later."""
    found: dict[str, bool] = {}
    bound_twice: set[str] = set()
    for statement in tree.body:
        if type(statement) is not ast.Assign:
            continue
        for target_node in statement.targets:
            if type(target_node) is not ast.Name:
                continue
            name = target_node.id
            if name in found:
                bound_twice.add(name)
            verdict = _version_verdict(statement.value, target)
            if verdict is None:
                bound_twice.add(name)
            else:
                found[name] = verdict
    for name in bound_twice:
        found.pop(name, None)
    return found


def _reachable(
    body: list[ast.stmt], target: tuple[int, int], names: dict[str, bool] | None = None
) -> list[ast.stmt]:
    """The statements of a block that can run on the target version and later.

    After ``if sys.version_info >= (3, 10): return new()`` the rest of the block is the old
    code: on a py310 target it never runs (nor does the rest after an ``else`` that always jumps
    when the test is always false).
    """
    for index, statement in enumerate(body):
        if type(statement) is not ast.If:
            continue
        verdict = _version_verdict(statement.test, target, names)
        if verdict is None:
            continue
        taken = statement.body if verdict else statement.orelse
        if taken and isinstance(taken[-1], _JUMPS):
            return body[: index + 1]
    return body


def _version_verdict(
    test: ast.expr, target: tuple[int, int], names: dict[str, bool] | None = None
) -> bool | None:
    """``True``/``False`` when ``sys.version_info <op> (3, N)`` is so on every Python >= target.

    Only the plain spellings (``sys.version_info``, ``sys.version_info[:2]``, a tuple of ints,
    ``not`` of one, a module-level name bound once to one); anything else, ``None``: both branches
    are walked.
    """
    if type(test) is ast.UnaryOp and type(test.op) is ast.Not:
        negated = _version_verdict(test.operand, target, names)
        return None if negated is None else not negated
    if type(test) is ast.Name:
        return names.get(test.id) if names else None
    if type(test) is not ast.Compare or len(test.ops) != 1:
        return None
    left = test.left
    if type(left) is ast.Subscript:
        left = left.value
    if not (
        type(left) is ast.Attribute
        and left.attr == "version_info"
        and type(left.value) is ast.Name
        and left.value.id == "sys"
    ):
        return None
    compare = _COMPARE.get(type(test.ops[0]))
    right = test.comparators[0]
    if compare is None or type(right) is not ast.Tuple or not right.elts:
        return None
    try:
        bound = tuple(element.value for element in right.elts)  # type: ignore[attr-defined]
    except AttributeError:
        return None
    if not all(type(part) is int for part in bound):
        return None
    # Versions from the target on: the oldest, and one far above any bound (sys.version_info
    # compares as a tuple, (3, 9, 0, "final", 0) > (3, 9)).
    oldest = (*target, 0)
    newest = (99, 0, 0)
    at_oldest, at_newest = compare(oldest, bound), compare(newest, bound)
    if at_oldest == at_newest and _monotonic(type(test.ops[0])):
        return at_oldest
    return None


def _monotonic(op: type) -> bool:
    return op in _COMPARE
