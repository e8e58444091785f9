"""Every rule evidencelint knows: stable name, short code, default severity and doc."""

from __future__ import annotations

import json
from collections.abc import Iterable

from evidencelint.rule import Rule


def _all_rules() -> tuple[Rule, ...]:
    from evidencelint.validators import (
        citations,
        dates,
        dois,
        integrity,
        pubmed,
        references,
        structure,
        wording,
    )

    modules: Iterable[tuple[Rule, ...]] = (
        structure.RULES,
        citations.RULES,
        references.RULES,
        dois.RULES,
        pubmed.RULES,
        integrity.RULES,
        dates.RULES,
        wording.RULES,
    )
    return tuple(rule for rules in modules for rule in rules)


RULES: tuple[Rule, ...] = _all_rules()
RULE_NAMES: frozenset[str] = frozenset(rule.name for rule in RULES)
_BY_NAME = {rule.name: rule for rule in RULES}
_BY_CODE = {rule.code.upper(): rule for rule in RULES}


def rule_by_name(name: str) -> Rule:
    return _BY_NAME[name]


def find_rule(name_or_code: str) -> Rule | None:
    return _BY_NAME.get(name_or_code) or _BY_CODE.get(name_or_code.upper())


def rules_json() -> str:
    """`data/rules.json`: the names and codes `evidencelint.rule_names` reads."""
    rows = [{"name": rule.name, "code": rule.code} for rule in RULES]
    return json.dumps(rows, indent=1) + "\n"
