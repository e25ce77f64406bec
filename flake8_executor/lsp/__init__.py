"""``executor-lsp``: the engine's findings and the fixer's edits for editors, over the Language Server
Protocol (spec section 8).

Installed with the ``lsp`` extra (pygls and lsprotocol). Only ``main`` may be imported without it:
it says in one line what is missing. The server detects and rewrites nothing itself: diagnostics are
``engine.analyze``'s findings, as ``executor-fix`` selects them, and every edit is ``executor-fix``'s
output (``fix.pipeline``) turned into text edits.
"""
