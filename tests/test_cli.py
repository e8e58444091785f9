"""The command line: exit codes, output formats, rules, schema."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

from evidencelint.catalogue import RULES
from evidencelint.cli import main
from tests.helpers import MINIMAL_PAGE, Tree

DATA = Path(__file__).parent / "data"

CONTRACT_NAMES = {
    "yaml-syntax",
    "duplicate-key",
    "schema",
    "citation-missing",
    "citation-unresolved",
    "citation-ambiguous",
    "reference-unused",
    "reference-duplicate",
    "doi-invalid",
    "doi-not-found",
    "doi-not-crossref",
    "doi-unverified",
    "metadata-mismatch",
    "retracted",
    "withdrawn",
    "expression-of-concern",
    "corrected",
    "superseded",
    "review-overdue",
    "review-due-soon",
    "review-date-future",
    "review-date-missing",
    "evidence-old",
}
CONTRACT_SEVERITY = {
    "yaml-syntax": "error",
    "duplicate-key": "error",
    "schema": "error",
    "citation-missing": "error",
    "citation-unresolved": "error",
    "citation-ambiguous": "error",
    "reference-unused": "warning",
    "reference-duplicate": "warning",
    "doi-invalid": "error",
    "doi-not-found": "error",
    "doi-not-crossref": "info",
    "doi-unverified": "warning",
    "retracted": "error",
    "withdrawn": "error",
    "expression-of-concern": "warning",
    "corrected": "info",
    "superseded": "warning",
    "review-overdue": "error",
    "review-due-soon": "info",
    "review-date-future": "error",
    "review-date-missing": "error",
    "evidence-old": "warning",
}
BROKEN_PAGE = MINIMAL_PAGE.replace("[He 2022]", "[Hee 2022]")
WARNING_ONLY_PAGE = MINIMAL_PAGE.replace(
    "  he2022allergicrhinitis:",
    "  unused2021:\n    type: web-page\n    title: x\n    url: https://example.org\n"
    "  he2022allergicrhinitis:",
)


@pytest.fixture
def in_tree(tree: Tree, monkeypatch: pytest.MonkeyPatch) -> Tree:
    monkeypatch.chdir(tree.root)
    return tree


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_rule_catalogue_matches_the_contract() -> None:
    # The contract's names are all there; additions (never renames) are allowed.
    assert {rule.name for rule in RULES} >= CONTRACT_NAMES
    assert {rule.name for rule in RULES} - CONTRACT_NAMES == {
        "doi-conflict",
        # issue 17: claim wording against the evidence grade, and PubMed verification
        "claim-overstated",
        "evidence-grade-missing",
        "pmid-not-found",
        "pmid-unverified",
        "identifier-conflict",
    }
    for rule in RULES:
        if rule.name in CONTRACT_SEVERITY:
            assert rule.severity.value == CONTRACT_SEVERITY[rule.name], rule.name
        assert re.fullmatch(r"EL\d{3}", rule.code)
        assert rule.summary and rule.why and rule.example and rule.fix
    assert len({rule.code for rule in RULES}) == len(RULES)


def test_exit_0_when_clean(in_tree: Tree, capsys: pytest.CaptureFixture[str]) -> None:
    in_tree.write("content/page.yaml", MINIMAL_PAGE)
    code, out, err = run(capsys, "check", "content", "--today", "2026-11-21")
    assert code == 0
    assert out == "0 errors, 0 warnings, 0 infos in 1 file (1 page, 1 claim, 1 reference)\n"
    assert err == ""


def test_exit_0_with_warnings_only(in_tree: Tree, capsys: pytest.CaptureFixture[str]) -> None:
    in_tree.write("content/page.yaml", WARNING_ONLY_PAGE)
    code, out, _ = run(capsys, "check", "content", "--today", "2026-11-21")
    assert code == 0
    assert "reference-unused" in out


def test_exit_1_and_text_lines(in_tree: Tree, capsys: pytest.CaptureFixture[str]) -> None:
    in_tree.write("content/page.yaml", BROKEN_PAGE)
    code, out, _ = run(capsys, "check", "content", "--today", "2026-11-21")
    assert code == 1
    first = out.splitlines()[0]
    assert re.fullmatch(
        r"content/page\.yaml:7:\d+: EL202 citation-unresolved \[Hee 2022\] .+", first
    )


def test_default_path_is_the_content_root(
    in_tree: Tree, capsys: pytest.CaptureFixture[str]
) -> None:
    in_tree.write("content/page.yaml", BROKEN_PAGE)
    code, out, _ = run(capsys, "check", "--today", "2026-11-21")
    assert code == 1
    assert out.startswith("content/page.yaml:7:")


@pytest.mark.parametrize(
    "args", [["check", "missing-folder"], ["check", "content", "--config", "nope.toml"]]
)
def test_exit_2_when_the_command_cannot_do_its_job(
    in_tree: Tree, capsys: pytest.CaptureFixture[str], args: list[str]
) -> None:
    in_tree.write("content/page.yaml", MINIMAL_PAGE)
    code, out, err = run(capsys, *args)
    assert code == 2
    assert out == ""
    assert err.startswith("evidencelint: ")
    assert "Traceback" not in err


@pytest.mark.parametrize(
    "args",
    [["check", "--today", "21/11/2026"], ["check", "--format", "xml"], ["frobnicate"], []],
)
def test_bad_usage_exits_2(
    in_tree: Tree, capsys: pytest.CaptureFixture[str], args: list[str]
) -> None:
    with pytest.raises(SystemExit) as raised:
        main(args)
    assert raised.value.code == 2
    assert "usage: evidencelint" in capsys.readouterr().err


def test_bad_date_message_names_the_format(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["check", "--today", "yesterday"])
    assert "YYYY-MM-DD" in capsys.readouterr().err


def test_bad_configuration_exits_2(in_tree: Tree, capsys: pytest.CaptureFixture[str]) -> None:
    in_tree.write("content/page.yaml", MINIMAL_PAGE)
    in_tree.write("evidencelint.toml", "review_interval_month = 12\n")
    code, out, err = run(capsys, "check")
    assert code == 2
    assert out == ""
    assert "review_interval_month" in err and "known keys" in err


def test_garbage_content_never_exits_2(in_tree: Tree, capsys: pytest.CaptureFixture[str]) -> None:
    in_tree.write("content/a.yaml", "a: [\n")
    in_tree.write_bytes("content/b.yaml", b"\xff\xfe\x00garbage")
    in_tree.write("content/c.yaml", "- just\n- a list\n")
    in_tree.write("content/d.yaml", "")
    in_tree.write("content/e.yaml", MINIMAL_PAGE)
    code, out, err = run(capsys, "check", "--today", "2026-11-21")
    assert code == 1
    assert err == ""
    assert {line.split(":")[0] for line in out.splitlines()[:-1]} == {
        f"content/{n}.yaml" for n in "abcd"
    }


def test_json_output_shape(in_tree: Tree, capsys: pytest.CaptureFixture[str]) -> None:
    in_tree.write("content/page.yaml", BROKEN_PAGE)
    code, out, _ = run(capsys, "check", "content", "--format", "json", "--today", "2026-11-21")
    document = json.loads(out)
    assert code == 1
    assert document["tool"] == "evidencelint"
    assert document["today"] == "2026-11-21"
    assert set(document["summary"]) == {
        "files",
        "pages",
        "claims",
        "references",
        "errors",
        "warnings",
        "infos",
    }
    finding = document["findings"][0]
    assert list(finding) == [
        "code",
        "name",
        "severity",
        "path",
        "line",
        "column",
        "message",
        "page",
        "claim",
        "reference",
        "doi",
        "field",
        "expected",
        "actual",
    ]
    assert finding["path"] == "content/page.yaml"
    assert finding["claim"] == "fewer-symptoms"
    assert finding["field"] is None


def test_github_output_escapes(in_tree: Tree, capsys: pytest.CaptureFixture[str]) -> None:
    in_tree.write("content/a,b.yaml", "a: [\n")
    in_tree.write("content/page.yaml", WARNING_ONLY_PAGE)
    code, out, _ = run(capsys, "check", "content", "--format", "github", "--today", "2026-11-21")
    lines = out.splitlines()
    assert code == 1
    assert lines[0].startswith(
        "::error file=content/a%2Cb.yaml,line=2,col=1,title=EL101 yaml-syntax::"
    )
    assert any(line.startswith("::warning file=content/page.yaml,") for line in lines)
    assert all("\n" not in line for line in lines)


def test_sarif_output_is_valid_sarif_2_1_0(
    in_tree: Tree, capsys: pytest.CaptureFixture[str]
) -> None:
    in_tree.write("content/page.yaml", BROKEN_PAGE)
    in_tree.write("content/bad.yaml", "a: [\n")
    code, out, _ = run(capsys, "check", "content", "--format", "sarif", "--today", "2026-11-21")
    document = json.loads(out)
    schema = json.loads((DATA / "sarif-schema-2.1.0.json").read_text())
    jsonschema.validators.validator_for(schema)(schema).validate(document)
    run_ = document["runs"][0]
    assert code == 1
    assert {r["ruleId"] for r in run_["results"]} == {"EL101", "EL202", "EL301"}
    levels = {r["ruleId"]: r["level"] for r in run_["results"]}
    assert levels == {"EL101": "error", "EL202": "error", "EL301": "warning"}
    rules = run_["tool"]["driver"]["rules"]
    for result in run_["results"]:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
    location = run_["results"][0]["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"] == "content/bad.yaml"
    assert location["region"] == {"startLine": 2, "startColumn": 1}


def test_sarif_schema_rejects_a_broken_document() -> None:
    schema = json.loads((DATA / "sarif-schema-2.1.0.json").read_text())
    validator = jsonschema.validators.validator_for(schema)(schema)
    assert not validator.is_valid({"version": "2.1.0"})
    assert not validator.is_valid(
        {
            "version": "2.1.0",
            "runs": [
                {
                    "tool": {"driver": {"name": "x"}},
                    "results": [{"message": {"text": "m"}, "level": "bogus"}],
                }
            ],
        }
    )


def test_output_file_is_written_whole(in_tree: Tree, capsys: pytest.CaptureFixture[str]) -> None:
    in_tree.write("content/page.yaml", BROKEN_PAGE)
    target = in_tree.root / "out" / "report.json"
    code, out, _ = run(
        capsys, "check", "--format", "json", "--output", str(target), "--today", "2026-11-21"
    )
    assert code == 1
    assert out == ""
    assert json.loads(target.read_text())["summary"]["errors"] == 1
    assert [p.name for p in target.parent.iterdir()] == ["report.json"]


def test_rules_lists_every_rule(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "rules")
    assert code == 0
    assert len(out.splitlines()) == len(RULES)
    for name in CONTRACT_NAMES:
        assert re.search(rf"^EL\d{{3}}\s+{re.escape(name)}\s", out, re.MULTILINE), name


@pytest.mark.parametrize("query", ["review-overdue", "EL601", "el601"])
def test_rules_explains_one(capsys: pytest.CaptureFixture[str], query: str) -> None:
    code, out, _ = run(capsys, "rules", query)
    assert code == 0
    assert out.startswith("EL601 review-overdue")
    assert "Why it matters:" in out and "Example:" in out and "How to fix:" in out


def test_rules_unknown_name_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "rules", "no-such-rule")
    assert code == 2
    assert "no rule named" in err


def test_schema_command_writes_the_committed_files(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, _ = run(capsys, "schema", "--out", str(tmp_path))
    assert code == 0
    committed = Path(__file__).resolve().parents[1] / "schema"
    for name in ("page.schema.json", "bibliography.schema.json"):
        assert (tmp_path / name).read_text() == (committed / name).read_text()


def test_console_script_runs() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "evidencelint", "--version"], capture_output=True, text=True
    )
    assert result.returncode == 0
    assert result.stdout.startswith("evidencelint ")
