"""Every rule of the package, and what the engine and the front ends derive from them.

A rule module is listed here once; everything else (the codes and their docs, the codes that are off
by default, which rules a call's name concerns, the words of the text pre-check) is computed from the
modules' ``RULE`` declarations, so that a new rule cannot be half registered.
"""

from __future__ import annotations

from flake8_executor.rules import (
    aex200_keywords,
    aex201_pickling,
    aex202_wrong_pool,
    aex203_lifecycle,
    aex204_dropped,
    aex205_get_event_loop,
    aex206_to_thread,
    aex207_lazy_iterators,
    blocking,
)
from flake8_executor.rules.base import AttributeCheck, CallCheck, Code, Rule, WithItemCheck

RULE_MODULES = (
    blocking,
    aex200_keywords,
    aex201_pickling,
    aex202_wrong_pool,
    aex203_lifecycle,
    aex204_dropped,
    aex205_get_event_loop,
    aex206_to_thread,
    aex207_lazy_iterators,
)
RULES: tuple[Rule, ...] = tuple(module.RULE for module in RULE_MODULES)

# code -> its declaration, in code order: docs/, --explain and --list-codes read this.
CODES: dict[str, Code] = {
    code.code: code for code in sorted((c for r in RULES for c in r.codes), key=lambda c: c.code)
}

# Codes flake8 leaves off unless selected (``extend_default_ignore``); executor-fix does the same.
OFF_BY_DEFAULT: tuple[str, ...] = tuple(code for code, info in CODES.items() if not info.default_on)

# Checks run on every call, and checks run only on calls whose name ends in a given word.
EVERY_CALL: tuple[CallCheck, ...] = tuple(
    rule.on_call for rule in RULES if rule.on_call is not None and rule.call_names is None
)
BY_CALL_NAME: dict[str, tuple[CallCheck, ...]] = {}
for _rule in RULES:
    if _rule.on_call is not None and _rule.call_names is not None:
        for _name in sorted(_rule.call_names):
            BY_CALL_NAME[_name] = (*BY_CALL_NAME.get(_name, ()), _rule.on_call)
WITH_ITEM_CHECKS: tuple[WithItemCheck, ...] = tuple(
    rule.on_with_item for rule in RULES if rule.on_with_item is not None
)
ATTRIBUTE_CHECKS: tuple[AttributeCheck, ...] = tuple(
    rule.on_attribute for rule in RULES if rule.on_attribute is not None
)

# The text pre-check: a file holding none of these words cannot have a finding.
TRIGGERS: tuple[str, ...] = tuple(sorted({word for rule in RULES for word in rule.triggers}))
