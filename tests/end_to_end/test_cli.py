"""The command line: exit codes, output formats, rules, schema."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

from evidencelint.cli import main
from evidencelint.validators.all_rules import RULES
from tests.helpers import MINIMAL_PAGE, Tree

DATA = Path(__file__).parents[1] / "data"

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
    # The contract's names are all there; additions (never renames) are allowed, and are
    # checked against the registry's own docs (docs/cli.md, the README table) elsewhere.
    assert {rule.name for rule in RULES} >= CONTRACT_NAMES
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
        r"content/page\.yaml:7:\d+: EL202 citation-unresolved error: \[Hee 2022\] .+", first
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
    assert out.endswith("Checked on:\n  each page on its own, before any registry is asked\n")


def test_rules_says_what_a_rule_checks(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run(capsys, "rules", "schema")
    assert out.endswith(
        "Checked on:\n  each file, as it is read\n"
        "  each page on its own, before any registry is asked\n"
        "  every page and shared bibliography of the run at once\n"
    )


def test_rules_unknown_name_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "rules", "no-such-rule")
    assert code == 2
    assert "no rule named" in err


def test_schema_command_writes_the_committed_files(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, _ = run(capsys, "schema", "--out", str(tmp_path))
    assert code == 0
    committed = Path(__file__).resolve().parents[2] / "schema"
    for name in ("page.schema.json", "bibliography.schema.json"):
        assert (tmp_path / name).read_text() == (committed / name).read_text()


def test_console_script_runs() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "evidencelint", "--version"], capture_output=True, text=True
    )
    assert result.returncode == 0
    assert result.stdout.startswith("evidencelint ")


DRAFT_PAGE = BROKEN_PAGE.replace("status: published", "status: draft")


def test_text_lines_name_the_effective_severity_and_what_blocks(
    in_tree: Tree, capsys: pytest.CaptureFixture[str]
) -> None:
    in_tree.write("content/page.yaml", BROKEN_PAGE)
    in_tree.write("content/draft.yaml", DRAFT_PAGE.replace("minimal-page", "draft-page"))
    code, out, _ = run(capsys, "check", "content", "--today", "2026-11-21")
    assert code == 1
    lines = out.splitlines()
    assert re.fullmatch(r"content/page\.yaml:7:\d+: EL202 citation-unresolved error: .+", lines[2])
    # A draft's error is a warning: the line says so, and it does not block.
    assert re.fullmatch(
        r"content/draft\.yaml:7:\d+: EL202 citation-unresolved warning: .+", lines[0]
    )
    assert (
        lines[1].startswith("content/draft.yaml:")
        and ": EL301 reference-unused warning: " in lines[1]
    )
    assert lines[-1].endswith(
        " references); 1 error blocks the commit: EL202 citation-unresolved (1)"
    )


def test_configured_severity_is_the_one_printed(
    in_tree: Tree, capsys: pytest.CaptureFixture[str]
) -> None:
    in_tree.write("content/page.yaml", BROKEN_PAGE)
    in_tree.write(
        "evidencelint.toml",
        '[severity]\n"citation-unresolved" = "info"\n"reference-unused" = "error"\n',
    )
    code, out, _ = run(capsys, "check", "--today", "2026-11-21")
    assert code == 1
    assert ": EL202 citation-unresolved info: " in out
    assert ": EL301 reference-unused error: " in out
    assert out.splitlines()[-1].endswith("; 1 error blocks the commit: EL301 reference-unused (1)")


def test_nothing_blocks_when_only_warnings(
    in_tree: Tree, capsys: pytest.CaptureFixture[str]
) -> None:
    in_tree.write("content/page.yaml", WARNING_ONLY_PAGE)
    code, out, _ = run(capsys, "check", "content", "--today", "2026-11-21")
    assert code == 0
    assert out.splitlines()[-1].endswith("; nothing blocks the commit (warnings and infos do not)")


def _check_in_subprocess(root: Path, **env: str) -> str:
    import os

    environment = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR")}
    done = subprocess.run(
        [sys.executable, "-m", "evidencelint", "check", "content", "--offline"],
        cwd=root,
        env={**environment, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )
    return done.stdout


def test_colour_only_on_request_or_a_terminal(in_tree: Tree) -> None:
    in_tree.write("content/page.yaml", BROKEN_PAGE)
    red_error = "EL202 citation-unresolved \x1b[1;31merror:\x1b[0m "
    plain = _check_in_subprocess(in_tree.root)  # a pipe is not a terminal
    assert "\x1b[" not in plain and " EL202 citation-unresolved error: " in plain
    forced = _check_in_subprocess(in_tree.root, FORCE_COLOR="1")
    assert red_error in forced and "EL301 reference-unused \x1b[33mwarning:\x1b[0m " in forced
    assert forced.startswith("content/page.yaml:")  # still clickable
    assert "\x1b[" not in _check_in_subprocess(in_tree.root, FORCE_COLOR="1", NO_COLOR="1")


def test_colour_on_a_terminal_unless_no_color() -> None:
    import io

    from evidencelint.terminal import wants_colour

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    assert wants_colour(Terminal(), {})
    assert not wants_colour(Terminal(), {"NO_COLOR": "1"})
    assert not wants_colour(Terminal(), {"TERM": "dumb"})
    assert not wants_colour(io.StringIO(), {})
    assert wants_colour(io.StringIO(), {"FORCE_COLOR": "1"})


def test_rules_lists_the_real_default_severities(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run(capsys, "rules")
    mismatch = next(line for line in out.splitlines() if " metadata-mismatch " in line)
    assert re.match(r"EL404\s+metadata-mismatch\s+error/warning\s", mismatch)
    assert "error for title and first author, warning for the other fields" in mismatch
    overdue = next(line for line in out.splitlines() if " review-overdue " in line)
    assert re.match(r"EL601\s+review-overdue\s+error/warning\s", overdue)


def _many_findings_page() -> str:
    """A published page with 14 uncited claims and an invalid DOI (errors), 13 unused
    references (warnings) and a misspelt page key, an error that outranks the others."""
    claims = "".join(f"  - id: c{i}\n    text: Claim {i} with no source.\n" for i in range(14))
    refs = "".join(
        f"  unused{i}:\n    type: web-page\n    title: Page {i}\n    url: https://example.org/{i}\n"
        for i in range(12)
    )
    return (
        "id: many\ntitle: Many\nstatus: published\nlast_reviewed: 2026-01-10\nsumary: x\n"
        "claims:\n"
        + claims
        + "references:\n"
        + refs
        + "  bad:\n    type: report\n    authors: [WHO]\n    title: Report\n    year: 2020\n"
        "    doi: 10.12/x\n"
    )


def test_github_annotations_fit_the_caps_most_important_first(
    in_tree: Tree, capsys: pytest.CaptureFixture[str]
) -> None:
    in_tree.write("content/many.yaml", _many_findings_page())
    code, out, _ = run(capsys, "check", "content", "--format", "github", "--today", "2026-11-21")
    assert code == 1
    lines = out.splitlines()
    errors = [line for line in lines if line.startswith("::error ")]
    warnings = [line for line in lines if line.startswith("::warning ")]
    assert len(errors) == 10 and len(warnings) == 10
    # The schema error outranks the uncited claims; one annotation counts the rest.
    assert "title=EL103 schema" in errors[0]
    assert all("title=EL201 citation-missing" in line for line in errors[1:9])
    more = [line for line in lines if "more findings" in line]
    assert more == [errors[-1]]
    assert "::10 more findings (7 errors, 3 warnings) are not annotated" in more[0]
    assert "The job summary lists every finding." in more[0]
    assert lines[-1] == "evidencelint: 16 errors, 13 warnings, 0 infos in 1 file"


def test_github_annotations_under_the_caps_are_all_there(
    in_tree: Tree, capsys: pytest.CaptureFixture[str]
) -> None:
    in_tree.write("content/page.yaml", BROKEN_PAGE)
    _, out, _ = run(capsys, "check", "content", "--format", "github", "--today", "2026-11-21")
    assert "more findings" not in out
    assert len(out.splitlines()) == 3


def test_the_job_summary_lists_every_finding_the_annotations_leave_out(
    in_tree: Tree, capsys: pytest.CaptureFixture[str]
) -> None:
    in_tree.write("content/many.yaml", _many_findings_page())
    _, out, _ = run(capsys, "check", "content", "--format", "markdown", "--today", "2026-11-21")
    rows = [line for line in out.splitlines() if line.startswith("| 🔴") or line.startswith("| 🟠")]
    assert len(rows) == 29


# --- messages ---------------------------------------------------------------------------


def test_dois_are_printed_as_the_file_writes_them(
    in_tree: Tree, capsys: pytest.CaptureFixture[str]
) -> None:
    written = "https://doi.org/10.1186/S40001-022-00682-3"
    in_tree.write(
        "content/page.yaml",
        MINIMAL_PAGE.replace("doi: 10.1186/s40001-022-00682-3", f"doi: {written}"),
    )
    _, out, _ = run(capsys, "check", "content", "--offline", "--today", "2026-11-21")
    assert "DOI 10.1186/S40001-022-00682-3 could not be verified" in out
    _, out, _ = run(capsys, "check", "content", "--offline", "--format", "json")
    finding = json.loads(out)["findings"][0]
    assert finding["doi"] == "10.1186/s40001-022-00682-3"  # the identity stays normalised


def test_an_author_year_citation_wrong_in_name_and_year_gets_a_suggestion(
    in_tree: Tree, capsys: pytest.CaptureFixture[str]
) -> None:
    in_tree.write("content/page.yaml", MINIMAL_PAGE.replace("[He 2022]", "[Hee 2021]"))
    _, out, _ = run(capsys, "check", "content", "--today", "2026-11-21")
    assert "did you mean [He 2022] ('he2022allergicrhinitis')?" in out


def test_rule_codes_are_accepted_wherever_names_are(
    in_tree: Tree, capsys: pytest.CaptureFixture[str]
) -> None:
    page = MINIMAL_PAGE.replace("last_reviewed: 2026-01-10", "last_reviewed: 2020-01-10")
    in_tree.write("content/page.yaml", page.replace("[He 2022]", "[Hee 2022]"))
    code, out, _ = run(capsys, "check", "content", "--today", "2026-11-21")
    assert code == 1 and "EL601 review-overdue" in out and "EL202" in out
    suppressed = page.replace(
        "    text: Acupuncture",
        "    ignore:\n      - rule: el202\n        reason: checked by hand\n    text: Acupuncture",
    ).replace("[He 2022]", "[Hee 2022]")
    in_tree.write("content/page.yaml", suppressed)
    in_tree.write("evidencelint.toml", '[severity]\nEL601 = "off"\n')
    code, out, err = run(capsys, "check", "content", "--today", "2026-11-21")
    assert (code, err) == (0, "")
    assert "EL601" not in out and "EL202" not in out and "EL103" not in out
    assert "EL301 reference-unused" in out  # the run did check the page
    _, out, _ = run(capsys, "rules", "EL404")
    assert out.startswith("EL404 metadata-mismatch")


@pytest.mark.parametrize(
    ("where", "text"),
    [
        ("severity", '[severity]\n"review-overdu" = "off"\n'),
        ("ignore", None),
    ],
)
def test_a_misspelt_rule_name_gets_a_suggestion(
    in_tree: Tree, capsys: pytest.CaptureFixture[str], where: str, text: str | None
) -> None:
    if text is not None:
        in_tree.write("content/page.yaml", MINIMAL_PAGE)
        in_tree.write("evidencelint.toml", text)
    else:
        in_tree.write(
            "content/page.yaml",
            MINIMAL_PAGE.replace(
                "    text: Acupuncture",
                "    ignore:\n      - rule: review-overdu\n        reason: x\n"
                "    text: Acupuncture",
            ),
        )
    code, out, err = run(capsys, "check", "content", "--today", "2026-11-21")
    assert "'review-overdu'" in out + err
    assert "(did you mean `review-overdue`?)" in out + err
    assert code == (2 if where == "severity" else 1)


def test_rules_suggests_the_rule_meant(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "rules", "review-overdu")
    assert code == 2
    assert "no rule named 'review-overdu' (did you mean `review-overdue`?)" in err


@pytest.mark.parametrize("kind", ["folder", "latin-1"])
def test_a_config_that_is_not_a_toml_file_is_a_clear_exit_2(
    in_tree: Tree, capsys: pytest.CaptureFixture[str], kind: str
) -> None:
    in_tree.write("content/page.yaml", MINIMAL_PAGE)
    if kind == "folder":
        (in_tree.root / "settings").mkdir()
        expected = "evidencelint: configuration file settings is a folder"
    else:
        in_tree.write_bytes("settings", 'mailto = "caf\xe9@example.org"\n'.encode("latin-1"))
        expected = "evidencelint: settings is not valid TOML: it is not UTF-8 text"
    code, out, err = run(capsys, "check", "content", "--config", "settings")
    assert code == 2 and out == ""
    assert err.startswith(expected), err
    assert "internal error" not in err


def test_an_unknown_option_prints_the_commands_usage(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as raised:
        main(["check", "--bad-option"])
    assert raised.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("usage: evidencelint check ")
    assert "unrecognized arguments: --bad-option" in err


def test_an_empty_content_tree_says_so(in_tree: Tree, capsys: pytest.CaptureFixture[str]) -> None:
    (in_tree.root / "content").mkdir()
    code, _, err = run(capsys, "check", "content")
    assert code == 0
    assert (
        err
        == "evidencelint: found no content files (*.yaml, *.yml) in content: nothing was checked\n"
    )
