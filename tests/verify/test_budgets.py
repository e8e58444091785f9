"""Time budgets that fit each use, through the real command: one deadline for all of a
DOI's lookups (its record, its agency, the Cochrane version probes) and one for the
whole verification of a run, short for `check` (a commit hook) and long for `audit`.

When the budget or the service runs out, the remaining DOIs are `doi-unverified` at
once, and text output says so in one line; JSON keeps one finding per DOI.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from evidencelint.config import AUDIT_BUDGET, CHECK_BUDGET, Config, ConfigError, load_config
from evidencelint.verify.factory import build_verifier
from tests.cli_runs import STARTUP, TODAY, environment, run
from tests.crossref_server import CrossrefServer, delay
from tests.end_to_end.test_faults import page, work
from tests.helpers import Tree
from tests.hostile_server import HostileServer

DOIS = [f"10.1000/budget.{n}" for n in range(4)]


def check_text(
    root: Path, budget: float, **env: str
) -> tuple[subprocess.CompletedProcess[str], float]:
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "evidencelint", "check", "content", "--today", TODAY],
        cwd=root,
        env=environment(None, **env),
        capture_output=True,
        text=True,
        timeout=budget + 60,
    )
    return done, time.monotonic() - started


def test_a_one_page_check_against_a_silent_service_ends_within_the_hook_budget(
    tree: Tree,
) -> None:
    """A server that accepts connections and never answers: the default `check` budget
    bounds the run, and text output says what was not checked in one line."""
    tree.write("content/p.yaml", page("p", DOIS))
    silent = HostileServer(None)
    try:
        done, seconds = check_text(
            tree.root, CHECK_BUDGET.run, EVIDENCELINT_CROSSREF_URL=silent.url
        )
    finally:
        silent.stop()
    assert seconds < CHECK_BUDGET.run + STARTUP, f"took {seconds:.1f} s"
    assert done.returncode == 0, done.stdout + done.stderr  # warnings only
    lines = done.stdout.splitlines()
    notices = [line for line in lines if "DOIs not checked" in line]
    assert len(notices) == 1, done.stdout
    assert notices[0].startswith("Crossref did not answer: 4 DOIs not checked ("), notices
    assert not any("EL403" in line for line in lines), done.stdout  # no line per DOI
    assert lines[-1].startswith("0 errors, 4 warnings"), lines[-1]


def test_json_keeps_one_finding_per_doi_the_service_did_not_answer(tree: Tree) -> None:
    tree.write("content/p.yaml", page("p", DOIS))
    silent = HostileServer(None)
    try:
        result = run(
            tree.root,
            budget=STARTUP + 2,
            EVIDENCELINT_CROSSREF_URL=silent.url,
            EVIDENCELINT_RUN_TIMEOUT="1.5",
        )
    finally:
        silent.stop()
    assert sorted(f["doi"] for f in result.findings) == DOIS
    assert {f["name"] for f in result.findings} == {"doi-unverified"}
    assert all("Crossref did not answer" in f["message"] for f in result.findings)


def test_the_run_budget_leaves_the_rest_unverified_at_once(
    tree: Tree, crossref: CrossrefServer
) -> None:
    """A slow service: what it answered in the run's budget is verified, the rest is
    unverified when the budget runs out, without waiting for further answers."""
    dois = [f"10.1000/budget.slow.{n}" for n in range(30)]
    for doi in dois:
        crossref.add_work(work(doi))
    crossref.latency = 0.3
    crossref.advertise = (10, 1)  # one at a time: 30 answers would take 9 s
    tree.write("content/p.yaml", page("p", dois))
    result = run(tree.root, budget=STARTUP + 2 + 0.3, EVIDENCELINT_RUN_TIMEOUT="2")
    unverified = {f["doi"] for f in result.findings if f["name"] == "doi-unverified"}
    # (thirty near-identical titles by one author in one year are also a doi-conflict)
    assert {f["name"] for f in result.findings} <= {"doi-unverified", "doi-conflict"}
    assert 0 < len(unverified) < len(dois)  # some answered, the rest not waited for
    assert len(crossref.requests) < len(dois)
    messages = [f["message"] for f in result.findings if f["name"] == "doi-unverified"]
    assert all("ran out" in m for m in messages), messages


def test_one_doi_budget_covers_its_cochrane_version_probes(
    tree: Tree, crossref: CrossrefServer
) -> None:
    """Each probe of a newer version used to have a deadline of its own: ten slow probes
    took ten deadlines. Now the DOI's lookups share one (set here in the configuration)."""
    base = "10.1002/14651858.CD001218"
    for version in range(1, 12):
        crossref.add_work(work(f"{base}.pub{version}".lower()))
        crossref.script(f"{base}.pub{version}", [delay(1.0)])
    tree.write("content/p.yaml", page("p", [f"{base}.pub1"]))
    (tree.root / "evidencelint.toml").write_text("check_doi_timeout = 2.5\n")
    started = time.monotonic()
    result = run(tree.root, budget=STARTUP + 2.5 + 1)
    assert time.monotonic() - started < STARTUP + 3.5
    assert "doi-not-found" not in {f["name"] for f in result.findings}
    assert len(crossref.requests) <= 3  # the record and the probes the 2.5 s allowed
    # The probe the budget cut short is no "not superseded": it is said, as an info.
    (unchecked,) = [f for f in result.findings if f["name"] == "doi-unverified"]
    assert unchecked["severity"] == "info"
    assert "whether a newer version supersedes it could not be checked" in unchecked["message"]


def test_audit_and_check_have_their_own_budgets(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("EVIDENCELINT_TIMEOUT", raising=False)
    monkeypatch.delenv("EVIDENCELINT_RUN_TIMEOUT", raising=False)
    config = Config(root=tmp_path, cache_dir=tmp_path / "cache")
    for audit, budget in [(False, CHECK_BUDGET), (True, AUDIT_BUDGET)]:
        _, registry = build_verifier(config, audit=audit)
        assert registry is not None
        settings = registry.client.settings
        assert (settings.deadline, settings.run_budget) == (budget.doi, budget.run)
        registry.close()
    assert CHECK_BUDGET.run <= 30 < AUDIT_BUDGET.run  # seconds for a hook, not minutes
    monkeypatch.setenv("EVIDENCELINT_TIMEOUT", "4")
    monkeypatch.setenv("EVIDENCELINT_RUN_TIMEOUT", "7.5")
    _, registry = build_verifier(config, audit=True)
    assert registry is not None
    assert (registry.client.settings.deadline, registry.client.settings.run_budget) == (4, 7.5)
    registry.close()


def test_budget_keys_in_the_configuration(tmp_path: Path) -> None:
    (tmp_path / "evidencelint.toml").write_text(
        "check_doi_timeout = 5\ncheck_run_timeout = 12.5\n"
        "audit_doi_timeout = 90\naudit_run_timeout = 7200\n"
    )
    config = load_config(cwd=tmp_path, environ={})
    assert (config.check_budget.doi, config.check_budget.run) == (5, 12.5)
    assert (config.audit_budget.doi, config.audit_budget.run) == (90, 7200)


@pytest.mark.parametrize("value", ["0", "-1", '"soon"', "true", "nan", "inf"])
def test_budget_keys_that_are_no_number_of_seconds_are_refused(tmp_path: Path, value: str) -> None:
    (tmp_path / "evidencelint.toml").write_text(f"check_run_timeout = {value}\n")
    with pytest.raises(ConfigError, match="check_run_timeout"):
        load_config(cwd=tmp_path, environ={})


def test_a_run_timeout_variable_that_is_no_number_stops_the_command(tree: Tree) -> None:
    tree.write("content/p.yaml", page("p", DOIS[:1]))
    done, _ = check_text(tree.root, 10, EVIDENCELINT_RUN_TIMEOUT="later")
    assert done.returncode == 2
    assert done.stderr.startswith("evidencelint: EVIDENCELINT_RUN_TIMEOUT must be"), done.stderr
    assert done.stdout == ""
