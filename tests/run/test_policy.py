"""Policy (gating.apply_policy) and configuration loading (config.load_config)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path

import pytest

from evidencelint.config import DEFAULT_CROSSREF_URL, ConfigError, Policy, load_config
from evidencelint.findings import Finding, Severity
from evidencelint.run.gates import Gates, apply_policy
from evidencelint.verify.verdicts import Outcome, Verification
from tests.helpers import MINIMAL_PAGE, Tree, only


def page(status: str = "published", claims: str = "", references: str = "") -> str:
    return (
        f"id: page\ntitle: Acupuncture\nstatus: {status}\nlast_reviewed: 2026-01-10\n"
        "claims:\n"
        + (claims or "  - id: c1\n    text: Less pain [@vickers].\n")
        + "references:\n"
        + (references or VICKERS)
    )


VICKERS = """\
  vickers:
    type: journal-article
    authors: [Vickers AJ]
    title: Acupuncture for chronic pain
    journal: J Pain
    year: 2024
    doi: 10.1016/j.jpain.2017.11.005
"""

UNUSED = """\
  unused:
    type: report
    authors: [Smith J]
    title: Acupuncture
    year: 2024
"""


class Unverified:
    """Every DOI could not be checked."""

    def verify(self, dois: Iterable[str]) -> Mapping[str, Verification]:
        return {d: Verification(d, Outcome.UNVERIFIED, "timeout") for d in dois}


def finding(name: str, severity: Severity, line: int = 1) -> Finding:
    return Finding(name, severity, "content/p.yaml", line, 1, "message")


# --- apply_policy directly --------------------------------------------------------------


def test_apply_policy_without_overrides_keeps_findings_sorted() -> None:
    findings = [
        finding("reference-unused", Severity.WARNING, line=9),
        finding("citation-missing", Severity.ERROR, line=3),
    ]
    kept = apply_policy(findings, Gates(), Policy())
    assert [(f.name, f.severity, f.line) for f in kept] == [
        ("citation-missing", Severity.ERROR, 3),
        ("reference-unused", Severity.WARNING, 9),
    ]


def test_apply_policy_overrides_severity() -> None:
    policy = Policy(severity={"reference-unused": Severity.ERROR})
    (kept,) = apply_policy([finding("reference-unused", Severity.WARNING)], Gates(), policy)
    assert kept.severity is Severity.ERROR


def test_apply_policy_switches_a_rule_off() -> None:
    policy = Policy(severity={"reference-unused": None})
    findings = [finding("reference-unused", Severity.WARNING), finding("schema", Severity.ERROR)]
    assert [f.name for f in apply_policy(findings, Gates(), policy)] == ["schema"]


# --- severities through a check run -----------------------------------------------------


def test_severity_override_raises_a_warning_to_an_error(tree: Tree) -> None:
    tree.write("content/p.yaml", page(references=VICKERS + UNUSED))
    assert only(tree.check().findings, "reference-unused")[0].severity is Severity.WARNING
    policy = Policy(severity={"reference-unused": Severity.ERROR})
    (unused,) = only(tree.check(policy=policy).findings, "reference-unused")
    assert unused.severity is Severity.ERROR


def test_severity_override_lowers_an_error(tree: Tree) -> None:
    tree.write("content/p.yaml", page(claims="  - id: c1\n    text: Less pain.\n"))
    policy = Policy(severity={"citation-missing": Severity.INFO})
    (missing,) = only(tree.check(policy=policy).findings, "citation-missing")
    assert missing.severity is Severity.INFO


def test_switched_off_rule_is_silent_and_others_stay(tree: Tree) -> None:
    tree.write(
        "content/p.yaml",
        page(claims="  - id: c1\n    text: Less pain.\n", references=VICKERS + UNUSED),
    )
    policy = Policy(severity={"reference-unused": None})
    names = [f.name for f in tree.check(policy=policy).findings]
    assert "reference-unused" not in names
    assert "citation-missing" in names


# --- page status ------------------------------------------------------------------------


def test_published_page_errors_stay_errors(tree: Tree) -> None:
    tree.write("content/p.yaml", page(claims="  - id: c1\n    text: Less pain.\n"))
    (missing,) = only(tree.check().findings, "citation-missing")
    assert missing.severity is Severity.ERROR


def test_in_review_page_errors_stay_errors_by_default(tree: Tree) -> None:
    tree.write("content/p.yaml", page("in-review", claims="  - id: c1\n    text: Less pain.\n"))
    (missing,) = only(tree.check().findings, "citation-missing")
    assert missing.severity is Severity.ERROR


@pytest.mark.parametrize("status", ["draft", "archived"])
def test_ungated_page_errors_become_warnings(tree: Tree, status: str) -> None:
    tree.write("content/p.yaml", page(status, claims="  - id: c1\n    text: Less pain.\n"))
    findings = tree.check().findings
    (missing,) = only(findings, "citation-missing")
    assert missing.severity is Severity.WARNING
    assert all(f.severity is not Severity.ERROR for f in findings)


def test_ungated_page_infos_and_warnings_are_unchanged(tree: Tree) -> None:
    tree.write("content/p.yaml", page("draft", references=VICKERS + UNUSED))
    (unused,) = only(tree.check().findings, "reference-unused")
    assert unused.severity is Severity.WARNING


def test_override_to_error_on_a_draft_is_still_a_warning(tree: Tree) -> None:
    tree.write("content/p.yaml", page("draft", references=VICKERS + UNUSED))
    policy = Policy(severity={"reference-unused": Severity.ERROR})
    (unused,) = only(tree.check(policy=policy).findings, "reference-unused")
    assert unused.severity is Severity.WARNING


def test_gated_statuses_from_the_policy(tree: Tree) -> None:
    claims = "  - id: c1\n    text: Less pain.\n"
    tree.write("content/a.yaml", page("in-review", claims=claims))
    tree.write("content/b.yaml", page("draft", claims=claims).replace("id: page", "id: page-b"))
    policy = Policy(gated_statuses=frozenset({"published", "draft"}))
    severities = {
        f.page: f.severity for f in only(tree.check(policy=policy).findings, "citation-missing")
    }
    assert severities == {"page": Severity.WARNING, "page-b": Severity.ERROR}


def test_shared_bibliography_errors_are_not_demoted(tree: Tree) -> None:
    bib = "references:\n" + VICKERS.replace("10.1016/j.jpain.2017.11.005", "10.12/x")
    tree.write("content/references.yaml", bib)
    tree.write("content/p.yaml", page("draft", references="  {}\n"))
    result = tree.check(bibliographies=["content/references.yaml"])
    (invalid,) = only(result.findings, "doi-invalid")
    assert invalid.page is None
    assert invalid.severity is Severity.ERROR


# --- claim ignore -----------------------------------------------------------------------


def test_claim_ignore_suppresses_only_the_named_rule_on_only_that_claim(tree: Tree) -> None:
    claims = """\
  - id: c1
    text: Less pain [Nobody 2024].
    ignore:
      - rule: citation-unresolved
        reason: the reference is being added in another change
  - id: c2
    text: Fewer migraines [Nobody 2024].
  - id: c3
    text: Less nausea [@vickers] [@nokey].
    ignore:
      - rule: citation-missing
        reason: not the rule that fires
"""
    tree.write("content/p.yaml", page(claims=claims))
    unresolved = only(tree.check().findings, "citation-unresolved")
    assert sorted(f.claim or "" for f in unresolved) == ["c2", "c3"]


def test_claim_ignore_leaves_other_rules_on_the_same_claim(tree: Tree) -> None:
    claims = """\
  - id: c1
    text: Less pain [Nobody 2024] [@old].
    ignore:
      - rule: citation-unresolved
        reason: the reference is being added in another change
"""
    old = "  old:\n    type: report\n    authors: [Old A]\n    title: Old\n    year: 2001\n"
    tree.write("content/p.yaml", page(claims=claims, references=old))
    names = [f.name for f in tree.check().findings]
    assert "citation-unresolved" not in names
    assert "evidence-old" in names


# --- reference-level findings and ignores ---------------------------------------------

TWO_CLAIMS = """\
  - id: c1
    text: Less pain [@vickers].
    ignore: [{rule: doi-unverified, reason: the publisher's DOI service is down}]
  - id: c2
    text: Less chronic pain [@vickers].
"""


def test_reference_finding_stays_when_one_citing_claim_does_not_ignore_it(tree: Tree) -> None:
    tree.write("content/p.yaml", page(claims=TWO_CLAIMS))
    (unverified,) = only(tree.check(verifier=Unverified()).findings, "doi-unverified")
    assert unverified.reference == "vickers"
    assert unverified.claim is None


def test_reference_finding_is_suppressed_when_every_citing_claim_ignores_it(tree: Tree) -> None:
    claims = TWO_CLAIMS + (
        "    ignore: [{rule: doi-unverified, reason: the publisher's DOI service is down}]\n"
    )
    tree.write("content/p.yaml", page(claims=claims))
    assert only(tree.check(verifier=Unverified()).findings, "doi-unverified") == []


def test_reference_ignore_covers_only_the_named_rule(tree: Tree) -> None:
    claims = """\
  - id: c1
    text: Less pain [@vickers].
    ignore: [{rule: doi-unverified, reason: the publisher's DOI service is down}]
"""
    refs = VICKERS.replace("10.1016/j.jpain.2017.11.005", "10.12/x")
    tree.write("content/p.yaml", page(claims=claims, references=refs))
    assert [f.name for f in tree.check(verifier=Unverified()).findings] == ["doi-invalid"]


def test_shared_reference_finding_needs_every_citing_claim_on_every_page(tree: Tree) -> None:
    tree.write("content/references.yaml", "references:\n" + VICKERS)
    ignoring = """\
  - id: c1
    text: Less pain [@vickers].
    ignore: [{rule: doi-unverified, reason: the publisher's DOI service is down}]
"""
    tree.write("content/a.yaml", page(claims=ignoring, references="  {}\n"))
    bib = ["content/references.yaml"]
    assert (
        only(tree.check(bibliographies=bib, verifier=Unverified()).findings, "doi-unverified") == []
    )
    plain = "  - id: c1\n    text: Less pain [@vickers].\n"
    tree.write(
        "content/b.yaml", page(claims=plain, references="  {}\n").replace("id: page", "id: page-b")
    )
    (unverified,) = only(
        tree.check(bibliographies=bib, verifier=Unverified()).findings, "doi-unverified"
    )
    assert unverified.path.endswith("references.yaml")


# --- load_config ------------------------------------------------------------------------


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_pyproject_table_is_read(tmp_path: Path) -> None:
    source = write(
        tmp_path / "pyproject.toml",
        '[project]\nname = "site"\n\n[tool.evidencelint]\nreview_interval_months = 24\n'
        "due_soon_days = 30\nevidence_max_age_years = 8\n"
        'gated_statuses = ["published"]\n'
        'severity = { reference-unused = "error", evidence-old = "off" }\n',
    )
    config = load_config(None, tmp_path, {})
    assert config.source == source
    assert config.root == tmp_path
    assert config.policy.review_interval_months == 24
    assert config.policy.due_soon_days == 30
    assert config.policy.evidence_max_age_years == 8
    assert config.policy.gated_statuses == frozenset({"published"})
    assert config.policy.severity == {"reference-unused": Severity.ERROR, "evidence-old": None}


def test_defaults_without_a_table(tmp_path: Path) -> None:
    write(tmp_path / "evidencelint.toml", "")
    config = load_config(None, tmp_path, {})
    assert config.policy == Policy()
    assert config.content == tmp_path / "content"
    assert config.bibliographies == ()
    assert config.crossref_url == DEFAULT_CROSSREF_URL
    assert config.mailto is None
    assert config.cache_dir is None


def test_discovery_walks_up_from_the_working_directory(tmp_path: Path) -> None:
    source = write(tmp_path / "pyproject.toml", "[tool.evidencelint]\ndue_soon_days = 7\n")
    cwd = tmp_path / "content" / "acupuncture"
    cwd.mkdir(parents=True)
    config = load_config(None, cwd, {})
    assert config.source == source
    assert config.root == tmp_path
    assert config.policy.due_soon_days == 7


def test_pyproject_without_the_table_is_passed_over(tmp_path: Path) -> None:
    source = write(tmp_path / "pyproject.toml", "[tool.evidencelint]\ndue_soon_days = 7\n")
    write(tmp_path / "sub" / "pyproject.toml", '[project]\nname = "other"\n')
    config = load_config(None, tmp_path / "sub", {})
    assert config.source == source


def test_evidencelint_toml_is_discovered(tmp_path: Path) -> None:
    source = write(tmp_path / "evidencelint.toml", "due_soon_days = 14\n")
    (tmp_path / "sub").mkdir()
    config = load_config(None, tmp_path / "sub", {})
    assert config.source == source
    assert config.policy.due_soon_days == 14


def test_evidencelint_toml_may_use_a_tool_table(tmp_path: Path) -> None:
    write(tmp_path / "evidencelint.toml", "[tool.evidencelint]\ndue_soon_days = 14\n")
    assert load_config(None, tmp_path, {}).policy.due_soon_days == 14


def test_evidencelint_toml_wins_over_pyproject_in_the_same_folder(tmp_path: Path) -> None:
    write(tmp_path / "pyproject.toml", "[tool.evidencelint]\ndue_soon_days = 7\n")
    source = write(tmp_path / "evidencelint.toml", "due_soon_days = 14\n")
    assert load_config(None, tmp_path, {}).source == source


def test_nearest_configuration_wins(tmp_path: Path) -> None:
    write(tmp_path / "evidencelint.toml", "due_soon_days = 14\n")
    inner = write(tmp_path / "site" / "pyproject.toml", "[tool.evidencelint]\ndue_soon_days = 7\n")
    config = load_config(None, tmp_path / "site", {})
    assert config.source == inner
    assert config.policy.due_soon_days == 7


def test_explicit_configuration_file(tmp_path: Path) -> None:
    write(tmp_path / "evidencelint.toml", "due_soon_days = 14\n")
    explicit = write(tmp_path / "ci" / "strict.toml", "due_soon_days = 3\n")
    config = load_config(explicit, tmp_path, {})
    assert config.source == explicit
    assert config.root == tmp_path / "ci"
    assert config.policy.due_soon_days == 3


def test_missing_explicit_configuration_file_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="does not exist"):
        load_config(tmp_path / "nope.toml", tmp_path, {})


def test_relative_paths_are_resolved_against_the_configuration_folder(tmp_path: Path) -> None:
    write(tmp_path / "docs" / "shared.yaml", "references: {}\n")
    write(
        tmp_path / "pyproject.toml",
        '[tool.evidencelint]\ncontent = "docs"\nbibliographies = ["docs/shared.yaml"]\n'
        'cache_dir = ".cache/evidencelint"\n',
    )
    cwd = tmp_path / "docs"
    config = load_config(None, cwd, {})
    assert config.content == tmp_path / "docs"
    assert config.bibliographies == (tmp_path / "docs" / "shared.yaml",)
    assert config.cache_dir == tmp_path / ".cache" / "evidencelint"


def test_default_bibliography_is_used_when_present(tmp_path: Path) -> None:
    write(tmp_path / "evidencelint.toml", "")
    assert load_config(None, tmp_path, {}).bibliographies == ()
    bib = write(tmp_path / "content" / "references.yaml", "references: {}\n")
    assert load_config(None, tmp_path, {}).bibliographies == (bib,)


def test_explicit_empty_bibliographies_disable_the_default(tmp_path: Path) -> None:
    write(tmp_path / "evidencelint.toml", "bibliographies = []\n")
    write(tmp_path / "content" / "references.yaml", "references: {}\n")
    assert load_config(None, tmp_path, {}).bibliographies == ()


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("review_intervall_months = 12\n", "unknown key"),
        ('severity = { reference-unused = "fatal" }\n', "must be error, warning, info or off"),
        ('severity = { reference-unusd = "error" }\n', "unknown rule"),
        ('severity = "strict"\n', "table"),
        ("review_interval_months = 0\n", "positive whole number"),
        ("review_interval_months = -12\n", "positive whole number"),
        ("evidence_max_age_years = 0\n", "positive whole number"),
        ("due_soon_days = -1\n", "positive whole number"),
        ("due_soon_days = 1.5\n", "positive whole number"),
        ("review_interval_months = true\n", "positive whole number"),
        ("max_file_bytes = 0\n", "positive whole number"),
        ('gated_statuses = ["published", "live"]\n', "live"),
        ('gated_statuses = "published"\n', "list of strings"),
        ("content = 5\n", "content"),
        ('bibliographies = ["content/missing.yaml"]\n', "does not exist"),
        ("review_interval_months = \n", "not valid TOML"),
        ("[tool.evidencelint\n", "not valid TOML"),
    ],
)
def test_bad_configuration_is_a_config_error(tmp_path: Path, body: str, message: str) -> None:
    write(tmp_path / "evidencelint.toml", body)
    with pytest.raises(ConfigError, match=message):
        load_config(None, tmp_path, {})


def test_bad_pyproject_table_is_a_config_error(tmp_path: Path) -> None:
    write(tmp_path / "pyproject.toml", "[tool.evidencelint]\ndue_soon_dayz = 7\n")
    with pytest.raises(ConfigError, match="due_soon_dayz"):
        load_config(None, tmp_path, {})


def test_invalid_pyproject_is_a_config_error(tmp_path: Path) -> None:
    write(tmp_path / "pyproject.toml", "[tool.evidencelint\n")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_config(None, tmp_path, {})


def test_due_soon_days_may_be_zero(tmp_path: Path) -> None:
    write(tmp_path / "evidencelint.toml", "due_soon_days = 0\n")
    assert load_config(None, tmp_path, {}).policy.due_soon_days == 0


@pytest.mark.parametrize("setting", ["cache_dir = 5", "mailto = 5", "crossref_url = []"])
def test_settings_of_wrong_type_are_config_errors(tmp_path: Path, setting: str) -> None:
    write(tmp_path / "evidencelint.toml", setting + "\n")
    with pytest.raises(ConfigError):
        load_config(None, tmp_path, {})


def test_tool_table_that_is_not_a_table_is_a_config_error(tmp_path: Path) -> None:
    write(tmp_path / "pyproject.toml", "[tool]\nevidencelint = 5\n")
    with pytest.raises(ConfigError):
        load_config(None, tmp_path, {})


def test_settings_from_the_file(tmp_path: Path) -> None:
    write(
        tmp_path / "evidencelint.toml",
        'crossref_url = "https://crossref.example.org/"\nmailto = "editor@example.org"\n'
        'cache_dir = "cache"\n',
    )
    config = load_config(None, tmp_path, {})
    assert config.crossref_url == "https://crossref.example.org"
    assert config.mailto == "editor@example.org"
    assert config.cache_dir == tmp_path / "cache"


def test_environment_wins_over_the_file(tmp_path: Path) -> None:
    write(
        tmp_path / "evidencelint.toml",
        'crossref_url = "https://crossref.example.org"\nmailto = "editor@example.org"\n'
        'cache_dir = "cache"\n',
    )
    environ = {
        "EVIDENCELINT_CROSSREF_URL": "http://127.0.0.1:8080/",
        "EVIDENCELINT_MAILTO": "ci@example.org",
        "EVIDENCELINT_CACHE_DIR": str(tmp_path / "ci-cache"),
    }
    config = load_config(None, tmp_path, environ)
    assert config.crossref_url == "http://127.0.0.1:8080"
    assert config.mailto == "ci@example.org"
    assert config.cache_dir == tmp_path / "ci-cache"


def test_environment_applies_without_a_file(tmp_path: Path) -> None:
    write(tmp_path / "evidencelint.toml", "")
    environ = {
        "EVIDENCELINT_CROSSREF_URL": "http://127.0.0.1:8080",
        "EVIDENCELINT_MAILTO": "ci@example.org",
    }
    config = load_config(None, tmp_path, environ)
    assert config.crossref_url == "http://127.0.0.1:8080"
    assert config.mailto == "ci@example.org"


def test_loaded_policy_drives_a_check(tree: Tree) -> None:
    tree.write("pyproject.toml", '[tool.evidencelint]\nseverity = { citation-missing = "off" }\n')
    tree.write("content/minimal.yaml", MINIMAL_PAGE.replace("[He 2022]", ""))
    config = load_config(None, tree.root, {})
    tree_result = tree.check(policy=config.policy)
    assert only(tree_result.findings, "citation-missing") == []
    assert only(tree.check().findings, "citation-missing") != []
