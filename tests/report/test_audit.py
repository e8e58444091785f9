"""evidencelint audit: three reports written whole, drift since a previous audit."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest

from evidencelint.cli import main
from evidencelint.report.markdown import cell
from tests.crossref_server import CrossrefServer
from tests.helpers import MINIMAL_PAGE, Tree

REPO = Path(__file__).resolve().parents[2]
DOI = "10.1186/s40001-022-00682-3"


def _audit(*args: str) -> int:
    return main(["audit", *args, "--today", "2026-11-21"])


@pytest.fixture
def content_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    shutil.copytree(REPO / "content", tmp_path / "content")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _report(folder: Path) -> dict[str, Any]:
    document: dict[str, Any] = json.loads((folder / "report.json").read_text())
    return document


def test_audit_writes_three_reports(content_copy: Path) -> None:
    code = _audit("content", "--out", "report", "--offline")
    assert code == 1
    out = content_copy / "report"
    assert sorted(p.name for p in out.iterdir()) == ["report.html", "report.json", "report.md"]
    document = _report(out)
    assert document["today"] == "2026-11-21"
    assert document["policy"]["review_interval_months"] == 36
    overdue = {p["page"]: p["days_overdue"] for p in document["pages"] if p["due"]}
    assert overdue["msk-acupuncture"] == 427
    assert overdue["cleveland-clinic-acupuncture"] == 189
    markdown = (out / "report.md").read_text()
    assert (
        "| Acupuncture | content/msk-acupuncture.yaml | 2022-09-20 | 2025-09-20 "
        "| 427 days overdue |" in markdown
    )
    html = (out / "report.html").read_text()
    assert "427 days overdue" in html and "189 days overdue" in html
    assert "<svg" in html


def test_html_report_is_self_contained(content_copy: Path) -> None:
    _audit("content", "--out", "report", "--offline")
    html = (content_copy / "report" / "report.html").read_text()
    assert "<script" not in html
    assert "<link" not in html
    assert not re.search(r"""(src|href)=["']?https?:""", html)
    assert "@import" not in html


def test_audit_since_itself_shows_no_change(content_copy: Path) -> None:
    _audit("content", "--out", "first", "--offline")
    code = _audit("content", "--out", "second", "--offline", "--since", "first/report.json")
    assert code == 1
    since = _report(content_copy / "second")["since"]
    assert since == {
        "previous_today": "2026-11-21",
        "new": [],
        "resolved": [],
        "not_rechecked": [],
    }
    assert (
        "Nothing changed since the previous audit."
        in (content_copy / "second" / "report.md").read_text()
    )
    assert (
        "Nothing changed since the previous audit."
        in (content_copy / "second" / "report.html").read_text()
    )


@pytest.mark.parametrize("since", ["missing.json", "corrupt.json", "other.json"])
def test_bad_since_file_is_exit_2_and_writes_nothing(
    content_copy: Path, since: str, capsys: pytest.CaptureFixture[str]
) -> None:
    (content_copy / "corrupt.json").write_text('{"tool": "evidencelint", "findings": [')
    (content_copy / "other.json").write_text('{"something": "else"}')
    code = _audit("content", "--out", "report", "--offline", "--since", since)
    assert code == 2
    assert not (content_copy / "report").exists()
    assert capsys.readouterr().err.startswith(f"evidencelint: --since {since}")


RETRACTION_NOTICE = {
    "DOI": "10.1234/retraction.notice",
    "type": "retraction",
    "source": "retraction-watch",
    "label": "Retraction",
    "updated": {"date-parts": [[2026, 11, 1]]},
}


def test_a_work_retracted_between_two_audits_is_new(
    tree: Tree, crossref: CrossrefServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tree.root)
    tree.write("content/page.yaml", MINIMAL_PAGE)
    assert _audit("content", "--out", "first") == 0
    record = json.loads(crossref.works[DOI])["message"]
    record["updated-by"] = [RETRACTION_NOTICE]
    crossref.add_work(record)
    requests_before = len(crossref.requests)
    code = _audit("content", "--out", "second", "--since", "first/report.json")
    assert code == 1
    assert len(crossref.requests) > requests_before  # the audit re-asked despite the cache
    new = _report(tree.root / "second")["since"]["new"]
    assert [(f["name"], f["doi"]) for f in new] == [("retracted", DOI)]
    assert "10.1234/retraction.notice" in new[0]["message"]
    markdown = (tree.root / "second" / "report.md").read_text()
    assert "### Newly retracted, withdrawn, corrected or superseded" in markdown
    html = (tree.root / "second" / "report.html").read_text()
    assert "Newly retracted, withdrawn, corrected or superseded" in html


def test_resolved_findings_are_listed(tree: Tree, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tree.root)
    tree.write("content/page.yaml", MINIMAL_PAGE.replace("[He 2022]", "[Hee 2022]"))
    _audit("content", "--out", "first", "--offline")
    tree.write("content/page.yaml", MINIMAL_PAGE)
    _audit("content", "--out", "second", "--offline", "--since", "first/report.json")
    since = _report(tree.root / "second")["since"]
    assert sorted(f["name"] for f in since["resolved"]) == [
        "citation-unresolved",
        "reference-unused",
    ]


def test_check_markdown_format(
    tree: Tree, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tree.root)
    tree.write("content/page.yaml", MINIMAL_PAGE.replace("[He 2022]", "[Hee 2022]"))
    code = main(["check", "content", "--format", "markdown", "--today", "2026-11-21"])
    out = capsys.readouterr().out
    assert code == 1
    assert out.startswith("## evidencelint\n\n**1 error**, 1 warning, 0 infos in 1 file")
    assert "| 🔴 error | `content/page.yaml:7:" in out
    assert "| EL202 citation-unresolved | [Hee 2022] matches no reference" in out


def test_markdown_cells_escape_pipes_and_line_breaks() -> None:
    assert cell("a | b\nc") == "a \\| b c"


def _closed_port() -> str:
    """A loopback address nothing listens on: every connection is refused."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}"


def _outage(monkeypatch: pytest.MonkeyPatch, tree: Tree, week: str) -> None:
    """Crossref unreachable and the cache gone (GitHub evicts it after 7 days unread)."""
    monkeypatch.setenv("EVIDENCELINT_CROSSREF_URL", _closed_port())
    monkeypatch.setenv("EVIDENCELINT_CACHE_DIR", str(tree.root / f"cache-{week}"))
    monkeypatch.setenv("EVIDENCELINT_TIMEOUT", "1")


def test_an_outage_resolves_nothing_it_could_not_recheck(
    tree: Tree, crossref: CrossrefServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tree.root)
    tree.write("content/page.yaml", MINIMAL_PAGE)
    record = json.loads(crossref.works[DOI])["message"]
    record["updated-by"] = [RETRACTION_NOTICE]
    crossref.add_work(record)
    assert main(["audit", "content", "--out", "week1", "--today", "2026-11-02"]) == 1
    first = _report(tree.root / "week1")
    assert first["verification"]["complete"] is True
    assert [(f["name"], f["last_verified"]) for f in first["findings"]] == [
        ("retracted", "2026-11-02")
    ]

    # Two weeks of outage: each compares with the week before.
    _outage(monkeypatch, tree, "week2")
    for week, previous, today in (
        ("week2", "week1", "2026-11-09"),
        ("week3", "week2", "2026-11-16"),
    ):
        args = ["audit", "content", "--out", week, "--since", f"{previous}/report.json"]
        # The retraction still stands: the audit still exits 1.
        assert main([*args, "--today", today]) == 1, week
        document = _report(tree.root / week)
        since = document["since"]
        assert since["resolved"] == [], week
        assert [(f["name"], f["doi"], f["last_verified"]) for f in since["not_rechecked"]] == [
            ("retracted", DOI, "2026-11-02")
        ], week
        assert document["verification"]["unchecked"] == document["verification"]["dois"] == 1
        notice = document["verification"]["notice"]
        assert notice.startswith("1 of 1 DOI could not be checked: ")
        assert "says nothing about whether those works were retracted" in notice
        markdown = (tree.root / week / "report.md").read_text()
        html = (tree.root / week / "report.html").read_text()
        # Every report opens with it, before any finding or section.
        head = markdown.split("## ", 1)[0]
        assert f"Verification incomplete: {cell(notice)}" in head, week
        assert html.index("Verification incomplete") < html.index("<h2")
        assert "Nothing to show" not in html.split("by page</figcaption>", 1)[1][:200], week
        for text in (markdown, html):
            assert "No cited work was retracted" not in text, week
            assert "were checked against Crossref" not in text, week
            assert "not re-checked this run; last verified 2026-11-02" in text, week
        assert "### Resolved since" not in markdown

    # Crossref is back: the retraction is the one known before, not news.
    monkeypatch.setenv("EVIDENCELINT_CROSSREF_URL", crossref.url)
    main(["audit", "content", "--out", "week4", "--since", "week3/report.json"])
    since = _report(tree.root / "week4")["since"]
    assert since["new"] == [] and since["not_rechecked"] == []
    assert [f["name"] for f in since["resolved"]] == ["doi-unverified"]


def test_an_offline_audit_never_says_nothing_was_retracted(
    content_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _audit("content", "--out", "report", "--offline")
    assert "evidencelint audit: verification incomplete: " in capsys.readouterr().err
    document = _report(content_copy / "report")
    verification = document["verification"]
    assert verification["dois"] == verification["unchecked"] > 0
    assert verification["notice"].startswith(
        f"{verification['dois']} of {verification['dois']} DOIs could not be checked: "
        "offline, and no cached answer; "
    )
    markdown = (content_copy / "report" / "report.md").read_text()
    assert "No cited work was retracted" not in markdown
    assert "Unknown: none of the" in markdown
    assert markdown.splitlines()[2].startswith("> ⚠️ **Verification incomplete: ")


def test_the_pull_request_summary_opens_with_the_coverage_when_incomplete(
    tree: Tree, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tree.root)
    tree.write("content/page.yaml", MINIMAL_PAGE)
    main(["check", "content", "--format", "markdown", "--offline", "--today", "2026-11-21"])
    out = capsys.readouterr().out
    assert out.startswith(
        "## evidencelint\n\n> ⚠️ **Verification incomplete: 1 of 1 DOI could not be checked: "
        "offline, and no cached answer; what follows says nothing about whether those works "
        "were retracted, withdrawn, corrected or superseded.**\n"
    )
    main(["check", "content", "--format", "json", "--offline", "--today", "2026-11-21"])
    verification = json.loads(capsys.readouterr().out)["verification"]
    assert verification["unchecked"] == 1 and verification["complete"] is False
    # Checked online, it says nothing of the kind.
    main(["check", "content", "--format", "markdown", "--today", "2026-11-21"])
    assert "Verification incomplete" not in capsys.readouterr().out


def test_a_switched_off_unverified_finding_does_not_make_a_dois_check_complete(
    tree: Tree, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tree.root)
    tree.write("content/page.yaml", MINIMAL_PAGE)
    tree.write("evidencelint.toml", '[severity]\n"doi-unverified" = "off"\n')
    _audit("content", "--out", "report", "--offline")
    document = _report(tree.root / "report")
    assert not any(f["name"] == "doi-unverified" for f in document["findings"])
    assert document["verification"]["unchecked"] == 1
    markdown = (tree.root / "report" / "report.md").read_text()
    assert "were checked against Crossref" not in markdown
    assert "No cited work was retracted" not in markdown


def test_a_switched_off_pmid_finding_does_not_hide_what_pubmed_could_not_check(
    content_copy: Path,
) -> None:
    (content_copy / "evidencelint.toml").write_text('[severity]\n"pmid-unverified" = "off"\n')
    _audit("content", "--out", "report", "--offline")
    document = _report(content_copy / "report")
    assert not any(f["name"] == "pmid-unverified" for f in document["findings"])
    assert document["verification"]["pubmed"]["unchecked"] == 8
    markdown = (content_copy / "report" / "report.md").read_text()
    assert "8 PubMed identifiers could not be checked: a retraction only PubMed" in markdown


def test_a_tampered_previous_report_cannot_break_the_drift(
    tree: Tree, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tree.root)
    tree.write("content/page.yaml", MINIMAL_PAGE)
    weird = {"name": "retracted", "doi": ["not", "hashable"], "path": {}, "message": "x"}
    tree.write(
        "previous.json",
        json.dumps(
            {
                "tool": "evidencelint",
                "today": "2026-11-02",
                "findings": [weird],
                "since": {"not_rechecked": [weird, "text"]},
            }
        ),
    )
    # Read back from a cache or an artifact, a report is untrusted: one unusable row and
    # the audit stops before it writes anything (never "internal error: unhashable").
    assert _audit("content", "--out", "report", "--offline", "--since", "previous.json") == 2
    assert not (tree.root / "report").exists()
    good = {
        "code": "EL501", "name": "retracted", "severity": "error", "path": "content/page.yaml",
        "line": 3, "column": 1, "message": "x", "doi": "10.1/x",
    }  # fmt: skip
    for carried in ([weird], [{**good, "last_verified": "<script>"}], [{**good, "line": "1"}]):
        tree.write(
            "previous.json",
            json.dumps(
                {"tool": "evidencelint", "today": "2026-11-02", "findings": [good],
                 "since": {"not_rechecked": carried}}
            ),
        )  # fmt: skip
        assert _audit("content", "--out", "report", "--offline", "--since", "previous.json") == 2
        assert not (tree.root / "report").exists()


def _retract(crossref: CrossrefServer, doi: str = DOI) -> None:
    record = json.loads(crossref.works[doi])["message"]
    record["updated-by"] = [RETRACTION_NOTICE]
    crossref.add_work(record)


def _worklist(markdown: str) -> str:
    return markdown.split("## What to do first", 1)[1].split("\n## ", 1)[0]


def test_the_audit_opens_with_the_retraction_in_the_claims_words(
    content_copy: Path, crossref: CrossrefServer
) -> None:
    _retract(crossref)
    assert _audit("content", "--out", "report") == 1
    markdown = (content_copy / "report" / "report.md").read_text()
    assert markdown.index("## What to do first") < markdown.index("## Overview")
    worklist = _worklist(markdown)
    first = worklist.split("\n2. ", 1)[0]
    assert "1. **Retracted or withdrawn evidence**" in first
    assert f"{DOI} has been retracted" in first
    # The claims that cite the retracted work, in their words, and the work as cited.
    assert "claim `hc-23`, line 74: “Analysis of data from 4,413 people" in first
    assert "cited as: He M, Qin W et al. (2022). Acupuncture for allergic rhinitis" in first
    html = (content_copy / "report" / "report.html").read_text()
    assert html.index('<section id="worklist">') < html.index("<h2>Overview")
    assert re.search(r'<ol class="worklist"><li class="action error" data-kind="retracted">', html)


def test_the_worklist_is_ordered_by_harm_and_names_each_thing_once(
    content_copy: Path, crossref: CrossrefServer
) -> None:
    _retract(crossref)
    _audit("content", "--out", "report")
    worklist = _worklist((content_copy / "report" / "report.md").read_text())
    from evidencelint.report.worklist import GROUPS

    order = list(GROUPS.values())
    groups = re.findall(r"^\d+\. \*\*(.+?)\*\*", worklist, re.M)
    assert groups == sorted(groups, key=order.index)
    assert groups[:2] == [GROUPS["retracted"], GROUPS["wrong-doi"]]
    # The overdue pages, most overdue first (undated pages count as the most overdue).
    overdue = re.findall(r"\*\*Review overdue\*\*.*?: (.+?) `", worklist)
    assert overdue == [
        "Acupuncture for pain relief",
        "What You Need to Know About Acupuncture",
        "Acupuncture",
        "What is acupuncture?",
    ]
    # Each of the 54 uncited claims once, in its words, grouped by page.
    items = re.split(r"^\d+\. ", worklist, flags=re.M)
    uncited = [
        claim
        for item in items
        if item.startswith(f"**{GROUPS['uncited']}**")
        for claim in re.findall(r"^    - claim `([^`]+)`, line \d+: “.+”$", item, re.M)
    ]
    assert len(uncited) == len(set(uncited)) == 54
    assert groups.count(GROUPS["uncited"]) == 5


def test_the_page_index_of_report_json_has_each_claims_text(content_copy: Path) -> None:
    _audit("content", "--out", "report", "--offline")
    pages = {p["page"]: p for p in _report(content_copy / "report")["pages"]}
    claims = {c["id"]: c for c in pages["msk-acupuncture"]["claims"]}
    assert len(claims) == 18
    assert claims["msk-18"] == {
        "id": "msk-18",
        "text": "A majority of National Cancer Institute-designated cancer centers offer "
        "acupuncture as part of supportive care.",
        "line": 46,
        "column": 11,
    }
    markdown = (content_copy / "report" / "report.md").read_text()
    assert "claim 'msk-18' cites no source" in markdown
    assert "claim `msk-18`, line 46: “A majority of National Cancer Institute" in markdown


def test_an_unchecked_doi_is_an_action_never_all_clear(content_copy: Path) -> None:
    _audit("content", "--out", "report", "--offline")
    worklist = _worklist((content_copy / "report" / "report.md").read_text())
    assert "16 of 16 DOIs could not be checked (offline, and no cached answer)" in worklist
    assert "Unknown: none of the 16 DOIs could be checked" in worklist
    # One action per page, listing each reference whose DOI is unchecked (two pages cite
    # one of the DOIs), before the overdue reviews.
    unverified = [
        f for f in _report(content_copy / "report")["findings"] if f["name"] == "doi-unverified"
    ]
    assert len(unverified) == 17 == len(re.findall(r"^    - reference: .+\(DOI ", worklist, re.M))
    assert worklist.count("**Not checked this run: not known to be sound**") == 2
    assert worklist.index("**Not checked this run") < worklist.index("**Review overdue**")
    assert "were checked against Crossref" not in worklist


def test_drift_is_drawn_over_time(
    tree: Tree, crossref: CrossrefServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tree.root)
    tree.write("content/page.yaml", MINIMAL_PAGE)
    _audit("content", "--out", "first")
    _retract(crossref)
    _audit("content", "--out", "second", "--since", "first/report.json")
    html = (tree.root / "second" / "report.html").read_text()
    totals = html.split("<figcaption>Findings then and now</figcaption>", 1)[1]
    totals = totals.split("</svg>")[0]
    assert re.findall(r'class="value"[^>]*>([^<]+)<', totals) == ["0 findings", "1 finding"]
    changed = html.split("<figcaption>What changed</figcaption>", 1)[1].split("</svg>")[0]
    assert re.findall(r'class="value"[^>]*>([^<]+)<', changed) == [
        "1 new",
        "0 resolved",
        "0 not re-checked",
    ]
