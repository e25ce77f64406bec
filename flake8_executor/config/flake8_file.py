"""The keys of flake8's own config file (``setup.cfg``, ``tox.ini``, ``.flake8``), found and read as
flake8 finds and reads it: the ``executor-*`` settings, and flake8's code keys and line length that
``executor-fix`` and the language server honour too."""

from __future__ import annotations

import configparser
import os
from collections.abc import Sequence

from flake8_executor.config.keys import FLAKE8_CODE_KEYS, FLAKE8_LINE_LENGTH, SETTING_KEYS
from flake8_executor.config.value import Value


def _flake8_section(
    config: str | None, extra: Sequence[str], isolated: bool
) -> tuple[configparser.RawConfigParser, str] | None:
    """The config flake8 itself would read, with a name for messages; None without a [flake8]."""
    from flake8.options import config as flake8_config

    if isolated:
        return None
    try:
        parser, _directory = flake8_config.load_config(config, list(extra), isolated=False)
    except Exception:  # flake8 reports a bad --config itself; the fixer must not fail on it
        return None
    if not parser.has_section("flake8"):
        return None
    where = config
    if where is None:
        find = getattr(flake8_config, "_find_config_file", None)
        where = find(os.path.abspath(".")) if find else None
    return parser, os.path.relpath(where) if where else "flake8's config"


def _read_keys(
    section: tuple[configparser.RawConfigParser, str] | None,
    keys: Sequence[str],
    prefix: str = "",
    raw: bool = False,
) -> dict[str, Value]:
    """``keys`` of the ``[flake8]`` section, spelled with dashes or underscores, as flake8 reads
    them; ``raw`` keeps the line breaks (``per-file-ignores`` is a list of lines)."""
    if section is None:
        return {}
    parser, place = section
    values: dict[str, Value] = {}
    for key in keys:
        for name in (f"{prefix}{key}", f"{prefix}{key}".replace("-", "_")):
            if parser.has_option("flake8", name):
                text = parser.get("flake8", name)
                text = text.strip() if raw else text.replace("\n", " ").strip()
                values[key] = Value(text, f"{name} in {place}")
                break
    return values


def flake8_config_values(
    config: str | None = None, extra: Sequence[str] = (), isolated: bool = False
) -> dict[str, Value]:
    """The ``executor-*`` keys of the ``[flake8]`` section flake8 itself would read.

    ``config``, ``extra`` and ``isolated`` are flake8's ``--config``, ``--append-config`` and
    ``--isolated``; the fixer passes none of them and so reads what flake8 finds from the cwd.
    """
    return _read_keys(_flake8_section(config, extra, isolated), SETTING_KEYS, "executor-")


FLAKE8_DEFAULT_LINE_LENGTH = "79"


def flake8_code_values() -> dict[str, Value]:
    """flake8's ``select``/``ignore``/... and ``max-line-length`` from the config it would read
    (its default, 79, when there is a ``[flake8]`` section without one)."""
    section = _flake8_section(None, (), False)
    values = _read_keys(section, (*FLAKE8_CODE_KEYS[:-1], FLAKE8_LINE_LENGTH))
    values.update(_read_keys(section, ("per-file-ignores",), raw=True))
    if section is not None and FLAKE8_LINE_LENGTH not in values:
        values[FLAKE8_LINE_LENGTH] = Value(FLAKE8_DEFAULT_LINE_LENGTH, "flake8's default")
    return values
