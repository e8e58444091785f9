"""Everything that lists the rules is generated from the registry or checked against it
(`python scripts/regenerate.py` rewrites the generated files)."""

from __future__ import annotations

from pathlib import Path

from evidencelint.rule_names import codes_by_name, rule_name
from evidencelint.validators.all_rules import RULES, rules_json

REPO = Path(__file__).resolve().parents[1]


def test_the_rule_names_the_core_reads_are_the_registrys() -> None:
    written = (REPO / "src/evidencelint/data/rules.json").read_text(encoding="utf-8")
    assert written == rules_json(), "run python scripts/regenerate.py"
    assert codes_by_name() == {rule.name: rule.code for rule in RULES}


def test_every_rule_is_found_by_its_name_and_its_code() -> None:
    for rule in RULES:
        assert rule_name(rule.name) == rule.name
        assert rule_name(rule.code.lower()) == rule.name
    assert rule_name("no-such-rule") is None
