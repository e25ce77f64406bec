"""The ``executor-lsp`` console script: start the server on stdin/stdout, or say what is missing.

pygls is an optional extra, so this module imports it only inside ``main``: without it the user gets
one line naming the extra to install, not a traceback. Nothing may be printed on stdout, which
carries the protocol.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence

from flake8_executor import __version__

PROG = "executor-lsp"
# The [lsp] extra names these; the package is not on PyPI, so the advice names them, not the extra.
MISSING_EXTRA = (
    f"{PROG}: error: the language server needs pygls and lsprotocol; "
    'install them with: pip install "pygls>=2.0,<3" "lsprotocol>=2025.0.0"'
)
_OPTIONAL = ("pygls", "lsprotocol", "cattrs", "attrs")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="flake8-executor's language server, over stdio: diagnostics, quick fixes, "
        "fix-all and hover docs for AEX findings. Settings come from [tool.flake8-executor] in the "
        "nearest pyproject.toml and from the client's initializationOptions.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument(
        "--log-file", metavar="PATH", help="write the server's log there (default: stderr)"
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log debug messages")
    # Most clients start a server with --stdio (vscode-languageclient, lspconfig's defaults): accept
    # it rather than fail on it; stdio is the one transport either way.
    parser.add_argument(
        "--stdio", action="store_true", help="talk over stdin and stdout (the default and only way)"
    )
    return parser


def _is_missing_extra(error: ImportError) -> bool:
    name = error.name or ""
    return name.split(".")[0] in _OPTIONAL


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        from flake8_executor.lsp.server import build_server
    except ImportError as error:
        if not _is_missing_extra(error):
            raise
        print(MISSING_EXTRA, file=sys.stderr)
        return 2
    logging.basicConfig(
        filename=args.log_file,
        level=logging.DEBUG if args.verbose else logging.WARNING,
        format="%(asctime)s %(name)s %(levelname)s %(message)s",
    )
    build_server().start_io()
    return 0


if __name__ == "__main__":
    sys.exit(main())
