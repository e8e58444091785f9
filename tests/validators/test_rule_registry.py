"""Everything that lists the rules is generated from the registry or checked against it
(`python scripts/regenerate.py` rewrites the generated files)."""

from __future__ import annotations

from pathlib import Path

from evidencelint.rule_names import codes_by_name, rule_name
from evidencelint.validators.all_rules import RULES, rules_json

REPO = Path(__file__).resolve().parents[2]


def test_the_rule_names_the_core_reads_are_the_registrys() -> None:
    written = (REPO / "src/evidencelint/data/rules.json").read_text(encoding="utf-8")
    assert written == rules_json(), "run python scripts/regenerate.py"
    assert codes_by_name() == {rule.name: rule.code for rule in RULES}


def test_every_rule_is_found_by_its_name_and_its_code() -> None:
    for rule in RULES:
        assert rule_name(rule.name) == rule.name
        assert rule_name(rule.code.lower()) == rule.name
    assert rule_name("no-such-rule") is None


def test_the_readme_rule_table_is_the_registrys() -> None:
    from evidencelint.report.formats import RULE_TABLE_START, rule_table_markdown

    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert RULE_TABLE_START in readme
    assert rule_table_markdown() in readme, "run python scripts/regenerate.py"


def test_the_schema_names_every_rule_of_the_registry_and_no_other() -> None:
    import json

    schema = json.loads((REPO / "schema/page.schema.json").read_text(encoding="utf-8"))
    enum = schema["$defs"]["Suppression"]["properties"]["rule"]["enum"]
    assert set(enum) == {rule.name for rule in RULES} | {rule.code for rule in RULES}


def test_every_page_family_is_called_with_the_one_page_convention() -> None:
    from evidencelint.validators.all_rules import FAMILIES, PAGE_CHECKS

    names = {family.__name__.rsplit(".", 1)[1] for family in FAMILIES}
    assert {"structure", "citations", "references", "dates", "wording"} <= names
    assert len(PAGE_CHECKS) == sum(hasattr(family, "check_page") for family in FAMILIES)
    assert len({rule.code for rule in RULES}) == len(RULES)
    assert len({rule.name for rule in RULES}) == len(RULES)
