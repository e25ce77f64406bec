"""What one ``ast`` walk learns about a file, before any rule runs.

``walk`` records scopes, bindings, call sites and ``with`` items; ``resolve`` answers what a name or
expression refers to; ``lookup`` finds a callable's catalog entry; ``callgraph`` summarises the sync
helpers; ``modules`` finds the project's other modules, ``summary`` summarises one, ``project``
composes them across modules and ``cache`` keeps summaries on disk; ``state`` bundles them for the
rules. Nothing here knows a code or a message:
the rules (``flake8_executor.rules``) do, and ``flake8_executor.engine`` runs them over a walk.
"""
