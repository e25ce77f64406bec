"""A module summary read back from the on-disk cache (``ModuleSummary.from_json``).

It must be the summary that was written, and hold one copy of each name: JSON gives every module
its own copy of the names summaries share (an import's target, a step's callee, a parameter's
name), which made a warm run's summaries take a third more memory than a cold run's.
"""

from __future__ import annotations

import ast
import json

from flake8_executor.analysis.summary import ModuleSummary, summarize
from flake8_executor.config.settings import Settings

MODULE = """\
import requests
from app.core import Hub

http = requests.Session()


class Client(Hub):
    def __init__(self, path: str) -> None:
        self.path = path

    def load(self, key, fast=False):
        if fast:
            return None
        return http.get(key)


def fetch(url):
    return Client(url).load(url)


async def serve(url):
    return fetch(url)
"""


def _read_back(name: str) -> tuple[ModuleSummary, ModuleSummary]:
    made = summarize(ast.parse(MODULE), name, "app", Settings(), coroutines=True)
    return made, ModuleSummary.from_json(json.loads(json.dumps(made.to_json())))


def test_a_summary_read_back_is_the_one_written() -> None:
    made, read = _read_back("app.one")
    assert made.functions and made.signatures and made.objects and made.imports
    for slot in ModuleSummary.__slots__:
        assert getattr(read, slot) == getattr(made, slot), slot


def test_two_summaries_read_back_share_their_names() -> None:
    _made, one = _read_back("app.one")
    _made, two = _read_back("app.two")
    assert one.imports["Hub"] == "app.core.Hub" and one.imports["Hub"] is two.imports["Hub"]
    (call_one,) = one.functions["Client.load"]
    (call_two,) = two.functions["Client.load"]
    assert call_one[1][1] == "requests.Session.get" and call_one[1][1] is call_two[1][1]
    fast_one = one.signatures["Client.load"][1][0]
    fast_two = two.signatures["Client.load"][1][0]
    assert fast_one == "fast" and fast_one is fast_two
