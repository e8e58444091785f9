"""Everything that lists the rules is generated from the registry or checked against it
(`python scripts/regenerate.py` rewrites the generated files)."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import pytest

from evidencelint.cli import main
from evidencelint.findings import Finding
from evidencelint.rule import Kind
from evidencelint.rule_names import codes_by_name, rule_name
from evidencelint.run import check, pages, reading
from evidencelint.validators.all_rules import (
    ANSWERS_CHECKS,
    CHECK_OF_KIND,
    FAMILIES,
    PAGE_CHECKS,
    RULES,
    RUN_CHECKS,
    rule_by_name,
    rules_json,
)

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


def test_each_family_defines_one_check_for_each_kind_its_rules_read() -> None:
    """The registry's calling convention: a family's rules declare the kinds of input
    they read, and the family defines the check of each of those kinds, and no other."""
    names = {family.__name__.rsplit(".", 1)[1] for family in FAMILIES}
    assert {"structure", "citations", "references", "dois", "integrity", "dates"} <= names
    for family in FAMILIES:
        kinds = {kind for rule in family.RULES for kind in rule.inputs} - {Kind.FILE}
        defined = {kind for kind, name in CHECK_OF_KIND.items() if hasattr(family, name)}
        assert defined == kinds, family.__name__
    assert len({rule.code for rule in RULES}) == len(RULES)
    assert len({rule.name for rule in RULES}) == len(RULES)


def test_each_check_reports_only_rules_that_declare_its_kind(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """On the demo content, checked online against the loopback registries: every finding
    each kind of check reports names a rule that declares that kind of input."""
    seen: set[tuple[Kind, str]] = set()

    def recording(
        kind: Kind, check: Callable[..., Iterable[Finding]]
    ) -> Callable[..., list[Finding]]:
        def recorded(*args: Any) -> list[Finding]:
            found = list(check(*args))
            seen.update((kind, finding.name) for finding in found)
            return found

        return recorded

    def read_recorded(*args: Any, **kwargs: Any) -> reading.ReadFile[Any]:
        read = reading.read_file(*args, **kwargs)
        seen.update((Kind.FILE, finding.name) for finding in read.findings)
        return read

    monkeypatch.setattr(pages, "PAGE_CHECKS", [recording(Kind.PAGE, c) for c in PAGE_CHECKS])
    monkeypatch.setattr(
        check, "ANSWERS_CHECKS", [recording(Kind.ANSWERS, c) for c in ANSWERS_CHECKS]
    )
    monkeypatch.setattr(check, "RUN_CHECKS", [recording(Kind.RUN, c) for c in RUN_CHECKS])
    monkeypatch.setattr(pages, "read_file", read_recorded)
    monkeypatch.setattr(check, "read_file", read_recorded)
    content = tmp_path / "content"
    shutil.copytree(REPO / "content", content)
    (content / "broken.yaml").write_text("id: broken\nid: twice\ntitle: [\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    main(["check", "content", "--today", "2026-11-21", "--format", "json"])
    capsys.readouterr()
    assert {kind for kind, _ in seen} == set(Kind), seen
    wrong = {(kind, name) for kind, name in seen if kind not in rule_by_name(name).inputs}
    assert not wrong, "declare these kinds in the rules' inputs"
