"""A setting's text as read, and where it was read: every source makes them, and every message
about a bad value names that place (``--target-version``, ``x in setup.cfg``)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Value:
    text: str
    source: str  # where it was read, as an error names it: "--target-version", "x in setup.cfg"
