"""The user reference in docs/ and the README: complete, inside the repository, true.

Each test compares a document with the code it describes, so that a new rule, field,
option, configuration key or environment variable cannot ship undocumented."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from evidencelint.cli import build_parser
from evidencelint.config import _KEYS as CONFIG_KEYS
from evidencelint.content.model import Claim, Page, Reference
from evidencelint.validators.all_rules import RULES

REPO = Path(__file__).resolve().parents[2]
DOCS = REPO / "docs"
CLI = (DOCS / "cli.md").read_text(encoding="utf-8")
FORMAT = (DOCS / "content-format.md").read_text(encoding="utf-8")
README = (REPO / "README.md").read_text(encoding="utf-8")
USER_DOCS = [REPO / "README.md", REPO / "CHANGELOG.md", *sorted(DOCS.rglob("*.md"))]


def _table_rows(text: str) -> list[list[str]]:
    return [
        [cell.strip() for cell in line.strip().strip("|").split("|")]
        for line in text.splitlines()
        if line.startswith("|") and not set(line) <= set("|-: ")
    ]


def test_every_rule_is_in_the_finding_table_with_its_code_and_severity() -> None:
    rows = {row[1].strip("`"): row for row in _table_rows(CLI) if len(row) == 4}
    for rule in RULES:
        assert rule.name in rows, f"docs/cli.md has no row for {rule.name}"
        code, _, severity, _ = rows[rule.name]
        assert code == rule.code
        assert rule.severity.value in severity, (rule.name, severity)


@pytest.mark.parametrize("model", [Page, Claim, Reference], ids=lambda m: m.__name__)
def test_every_field_of_the_content_format_is_described(model: type) -> None:
    described = {name.strip("` ") for row in _table_rows(FORMAT) for name in row[0].split(",")}
    missing = set(model.model_fields) - described  # type: ignore[attr-defined]
    assert not missing, f"docs/content-format.md does not describe {sorted(missing)}"


def test_every_configuration_key_is_documented() -> None:
    block = CLI.split("## Configuration", 1)[1].split("\n## ", 1)[0]
    for key in CONFIG_KEYS:
        written = rf"^({key} = |\[tool\.evidencelint\.{key}\]$)"
        assert re.search(written, block, re.MULTILINE), key


def test_every_environment_variable_the_code_reads_is_documented() -> None:
    variables = {
        match
        for path in (REPO / "src").rglob("*.py")
        for match in re.findall(r"\bEVIDENCELINT_[A-Z_]+\b", path.read_text(encoding="utf-8"))
    }
    assert variables, "the code reads no EVIDENCELINT_ variable: the pattern is wrong"
    missing = {v for v in variables if f"`{v}`" not in CLI}
    assert not missing, f"docs/cli.md does not document {sorted(missing)}"


def test_every_command_and_option_is_documented() -> None:
    parser = build_parser()
    commands = next(a for a in parser._actions if a.dest == "command")
    for name, sub in commands.choices.items():  # type: ignore[union-attr]
        assert f"### `{name}`" in CLI, f"docs/cli.md has no section for {name}"
        for action in sub._actions:
            for option in action.option_strings:
                if option not in {"-h", "--help"}:
                    assert f"`{option}" in CLI, f"{name} {option} is undocumented"


def test_nothing_points_outside_the_repository() -> None:
    outside = "../" + "shared"  # the team's folder beside the repository, not in it
    for path in USER_DOCS:
        text = path.read_text(encoding="utf-8")
        assert outside not in text, f"{path.relative_to(REPO)} points at {outside}"


def test_relative_links_lead_to_files_in_the_repository() -> None:
    for path in USER_DOCS:
        for target in re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", path.read_text("utf-8")):
            if re.match(r"^[a-z]+:", target):
                continue
            resolved = (path.parent / target).resolve()
            assert resolved.is_relative_to(REPO), (path.name, target)
            assert resolved.exists(), f"{path.relative_to(REPO)} links to missing {target}"


def test_the_readme_leads_to_the_reference() -> None:
    assert "(docs/content-format.md)" in README
    assert "(docs/cli.md)" in README


def test_the_example_bibliography_can_be_cited_from_a_page(tmp_path: Path) -> None:
    (tmp_path / "content").mkdir()
    (tmp_path / "content" / "references.yaml").write_bytes(
        (DOCS / "examples" / "references.yaml").read_bytes()
    )
    (tmp_path / "content" / "page.yaml").write_text(
        "id: page\ntitle: Acupuncture\nstatus: published\nlast_reviewed: 2026-01-10\n"
        "claims:\n"
        "  - id: pain\n    text: Acupuncture eases chronic pain [Vickers 2018].\n"
        "  - id: strategy\n    text: WHO has a strategy [@who-traditional-medicine].\n"
        "  - id: about\n    text: An overview [@nccih-acupuncture].\n"
        "    ignore:\n      - rule: evidence-old\n        reason: an overview, not evidence\n",
        encoding="utf-8",
    )
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "evidencelint.cli",
            "check",
            "--offline",
            "--format",
            "json",
            "--today",
            "2026-11-21",
            "--no-cache",
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    import json

    names = {f["name"] for f in json.loads(result.stdout)["findings"]}
    # Offline and without a cache the DOI cannot be checked; nothing else may be wrong.
    assert names <= {"doi-unverified", "evidence-old"}, result.stdout
    assert "doi-unverified" in names
