"""Framework profiles: code that runs on the event loop without ``async def``, and executors that
frameworks add, as data beside the catalog.

A blocking call in a plain ``def`` blocks the loop when the framework runs that ``def`` on the loop:
Home Assistant's ``@callback`` functions and its sync ``async_*`` functions, the callbacks asyncio
itself schedules (``loop.call_soon(f)``, ``fut.add_done_callback(f)``), a Tornado handler's sync
``get``/``post``. The engine marks such a function's calls as on the loop with the reason below
(``analysis/loop_functions.py``), the rules report them with the same codes, and no fix adds an
``await`` there (the function is not a coroutine). Every profile names its source (a key of
``catalog.SOURCES``). The ``loop-callbacks`` setting adds the user's own decorators and registration
functions.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class LoopReason:
    """Why a sync function runs on the event loop: the message's words and the source."""

    why: str  # "in a @callback function, which Home Assistant runs on the event loop"
    source: str
    # What the message advises: the function cannot ``await`` (``{ref}``: the call as written).
    advice: str = "run it in an executor: loop.run_in_executor(None, {ref}, ...)"


# -- Home Assistant --------------------------------------------------------------------------------
HOME_ASSISTANT = "homeassistant"
# ``@callback`` marks a function that is safe to run in the event loop, and HA runs it there.
HA_CALLBACK_DECORATORS = frozenset({"homeassistant.core.callback"})
_HA_ADVICE = "hand it to the executor: hass.async_add_executor_job({ref}, ...)"
HA_CALLBACK = LoopReason(
    "in a @callback function, which Home Assistant runs on the event loop",
    "home-assistant",
    _HA_ADVICE,
)
# HA's convention: a function named ``async_*`` runs in the event loop (a coroutine or a callback).
HA_ASYNC_PREFIX = "async_"
HA_ASYNC_NAMED = LoopReason(
    "in a sync function named async_*, which Home Assistant runs on the event loop",
    "home-assistant",
    _HA_ADVICE,
)
# The configured time zone: HA loads it with zoneinfo at start-up (``Config.set_time_zone`` ->
# ``dt_util.set_default_time_zone``) and keeps it (``dt_util.DEFAULT_TIME_ZONE``), so a later
# ``ZoneInfo(hass.config.time_zone)`` is answered from zoneinfo's cache (``catalog.KEYED_CACHES``).
# Expressions, as dotted names; a longer one ending so (``self.hass.config.time_zone``) counts too.
LOADED_ZONES = ("hass.config.time_zone",)
# Functions whose module calls them at import with no arguments, their work memoised
# (``homeassistant/util/ssl.py``: ``_DEFAULT_SSL_CONTEXT = client_context()``, through the
# ``@cache`` of ``_client_context``): a later call with no arguments is answered from the cache.
WARMED_AT_IMPORT = frozenset(
    {
        "homeassistant.util.ssl.client_context",
        "homeassistant.util.ssl.create_no_verify_ssl_context",
    }
)
# ``hass.async_add_executor_job(target, *args)``: runs ``target(*args)`` in HA's thread pool; it
# takes no keyword arguments for the target. Method name -> the index of the callable.
HA_EXECUTORS: dict[str, int] = {
    "async_add_executor_job": 0,
    "async_add_import_executor_job": 0,
    "async_add_job": 0,
}

# Classes Home Assistant instantiates itself on the event loop: a config flow handler is made by
# the flow manager (``flow = handler()`` in ``async_create_flow``) for each flow started, so its
# sync ``__init__`` runs there. Other flows are constructed by the integration's own calls.
HA_LOOP_CONSTRUCTED = frozenset({"homeassistant.config_entries.ConfigFlow"})
HA_LOOP_CONSTRUCTED_METHODS = frozenset({"__init__"})
HA_CONSTRUCTED = LoopReason(
    "in the __init__ of a config flow, which Home Assistant constructs on the event loop",
    "home-assistant",
    "move the work into an async_step_* and hand it to the executor: "
    "await self.hass.async_add_executor_job({ref}, ...)",
)

# -- asyncio ---------------------------------------------------------------------------------------
# Methods whose callable argument the loop calls on its own thread (asyncio's docs); method name ->
# the index of the callable.
ASYNCIO_CALLBACKS: dict[str, int] = {
    "call_soon": 0,
    "call_soon_threadsafe": 0,
    "call_later": 1,
    "call_at": 1,
    "add_reader": 1,
    "add_writer": 1,
    "add_signal_handler": 1,
    "add_done_callback": 0,
}
ASYNCIO_CALLBACK = LoopReason(
    "in a callback given to {registration}(), which the event loop calls on its thread",
    "python-docs",
)

# -- Tornado ---------------------------------------------------------------------------------------
# ``RequestHandler`` and Tornado's own subclasses of it (its docs), known where Tornado is not
# installed; another installed package's subclass is found through its module's summary.
TORNADO_HANDLERS = frozenset(
    {
        "tornado.web.RequestHandler",
        "tornado.web.StaticFileHandler",
        "tornado.web.RedirectHandler",
        "tornado.web.ErrorHandler",
        "tornado.web.FallbackHandler",
        "tornado.websocket.WebSocketHandler",
    }
)
TORNADO_METHODS = frozenset("get post put patch delete head options prepare on_finish".split())
TORNADO_HANDLER = LoopReason(
    "in a sync method of a tornado.web.RequestHandler, which Tornado runs on the IOLoop",
    "docs",
    "make the method async def and await asyncio.to_thread({ref}, ...)",
)

# -- the loop-callbacks setting --------------------------------------------------------------------
USER_DECORATOR = LoopReason(
    "in a function decorated @{name}, which runs on the event loop (loop-callbacks)", "docs"
)
USER_REGISTRATION = LoopReason(
    "in a callback given to {name}(), which runs it on the event loop (loop-callbacks)", "docs"
)


# Words one of which a file must hold for a profile to run a plain ``def`` on the loop there (the
# engine's text pre-check; ``async`` covers Home Assistant's ``async_*`` names; ``Handler`` a
# Tornado handler deriving from the project's own ``BaseHandler``; ``ConfigFlow`` a config flow).
LOOP_FUNCTION_WORDS = frozenset({"callback", "Handler", "ConfigFlow", *ASYNCIO_CALLBACKS})


def parse_loop_callbacks(value: str | list[str] | tuple[str, ...]) -> tuple[str, ...]:
    """``myfw.callback, myfw.on_event`` (or a TOML list): the qualified names of decorators whose
    functions, and of registration functions whose callable arguments, run on the event loop.

    Raises ``ValueError`` naming the item that is not a dotted Python name.
    """
    items = value.replace("\n", ",").split(",") if isinstance(value, str) else list(value)
    names = []
    for raw in items:
        name = raw.strip()
        if not name:
            continue
        if not all(part.isidentifier() for part in name.split(".")):
            raise ValueError(f"{name!r} is not a dotted Python name")
        names.append(name)
    return tuple(dict.fromkeys(names))
