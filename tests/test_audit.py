"""evidencelint audit: three reports written whole, drift since a previous audit."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest

from evidencelint.cli import main
from evidencelint.report_markdown import cell
from tests.crossref_server import CrossrefServer
from tests.helpers import MINIMAL_PAGE, Tree

REPO = Path(__file__).resolve().parents[1]
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
    assert since == {"previous_today": "2026-11-21", "new": [], "resolved": []}
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
