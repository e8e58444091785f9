"""`evidencelint fix`: safe fixes by default, unsafe ones when asked, suggestions never
applied; comments, key order and untouched lines kept."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from evidencelint.cli import main
from evidencelint.fix.catalogue import AUTOFIX
from evidencelint.validators.all_rules import RULES
from tests.crossref_server import CrossrefServer

ROOT = Path(__file__).resolve().parents[2]
HEALTHCOM = "healthcom-acupuncture.yaml"


def _demo(tmp_path: Path) -> Path:
    folder = tmp_path / "content"
    shutil.copytree(ROOT / "content", folder)
    return folder


def _comments(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip().startswith("#")]


def test_fix_diff_on_the_demo_content_changes_nothing_and_asks_nobody(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], crossref: CrossrefServer
) -> None:
    folder = _demo(tmp_path)
    assert main(["fix", "--diff", str(folder)]) == 0
    assert capsys.readouterr().out == ""
    assert crossref.requests == []


def _messy(folder: Path) -> tuple[Path, str]:
    page = folder / HEALTHCOM
    original = page.read_text(encoding="utf-8")
    messy = (
        original.replace(
            "doi: 10.1016/j.jpain.2017.11.005", "doi: https://doi.org/10.1016/j.jpain.2017.11.005"
        )
        .replace("doi: 10.7326/M16-2367", "doi: 'doi:10.7326/M16-2367'")
        .replace("title: Acupuncture for depression", 'title: "Acupuncture\\u00a0for depression "')
        .replace('    volume: "320"\n', "")  # a missing volume: only an unsafe fix fills it
        .replace(
            "title: Acupuncture\n",
            "title: Acupuncture\n    url: https://www.nhs.uk/conditions/acupuncture/\n"
            "    accessed: March 5, 2024\n",
        )
    )
    assert messy.count("\n") == original.count("\n") + 1
    page.write_text(messy, encoding="utf-8")
    return page, messy


def test_fix_diff_shows_only_the_safe_changes_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], crossref: CrossrefServer
) -> None:
    page, messy = _messy(_demo(tmp_path))
    assert main(["fix", "--diff", str(page)]) == 1
    diff = capsys.readouterr().out
    removed = [
        line for line in diff.splitlines() if line.startswith("-") and not line.startswith("---")
    ]
    added = [
        line for line in diff.splitlines() if line.startswith("+") and not line.startswith("+++")
    ]
    assert removed == [
        "-    doi: https://doi.org/10.1016/j.jpain.2017.11.005",
        "-    doi: 'doi:10.7326/M16-2367'",
        '-    title: "Acupuncture\\u00a0for depression "',
        "-    accessed: March 5, 2024",
    ]
    assert added == [
        "+    doi: 10.1016/j.jpain.2017.11.005",
        "+    doi: '10.7326/M16-2367'",
        '+    title: "Acupuncture for depression"',
        "+    accessed: 2024-03-05",
    ]
    assert page.read_text(encoding="utf-8") == messy
    assert crossref.requests == []  # safe fixes need no registry


def test_fix_writes_the_safe_fixes_and_keeps_every_comment_and_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    page, messy = _messy(_demo(tmp_path))
    assert main(["fix", str(page)]) == 0
    fixed = page.read_text(encoding="utf-8")
    assert _comments(fixed) == _comments(messy)
    changed = [
        (a, b) for a, b in zip(messy.splitlines(), fixed.splitlines(), strict=True) if a != b
    ]
    assert len(changed) == 4
    assert (
        "fixed: DOI 'https://doi.org/10.1016/j.jpain.2017.11.005' -> 10.1016/j.jpain.2017.11.005"
        in capsys.readouterr().out
    )
    assert list(page.parent.glob(".*.tmp")) == []
    assert main(["fix", "--diff", str(page)]) == 0  # nothing left to fix


def test_unsafe_fixes_fill_from_the_record_find_a_doi_and_only_suggest_a_new_version(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], crossref: CrossrefServer
) -> None:
    page, _ = _messy(_demo(tmp_path))
    text = page.read_text(encoding="utf-8").replace(
        "    doi: 10.1097/GME.0000000000000597\n",
        "    no_doi: the page prints no DOI; not searched\n",
    )
    page.write_text(text, encoding="utf-8")
    newer = json.loads(
        (ROOT / "tests/fixtures/crossref/works/10.1002__14651858.CD001218.pub3.json").read_text()
    )["message"]
    crossref.add_work({**newer, "DOI": "10.1002/14651858.CD001218.pub4"})
    assert main(["fix", "--unsafe-fixes", "--no-cache", str(page)]) == 0
    out = capsys.readouterr().out
    fixed = page.read_text(encoding="utf-8")
    hershman = fixed.split("hershman2018aromatase:")[1].split("\n  # HC-R9")[0]
    assert 'volume: "320"\n    issue: "2"' in hershman
    avis = fixed.split("avis2016menopause:")[1].split("\n  # HC-R11")[0]
    assert "doi: 10.1097/GME.0000000000000597" in avis and "no_doi" not in avis
    assert (
        "suggestion: 'linde2016migraine' has a newer version: 10.1002/14651858.cd001218.pub4" in out
    )
    assert "CD001218.pub3" in fixed and "CD001218.pub4" not in fixed  # never applied
    assert _comments(fixed) == _comments(text)


def test_a_file_that_is_not_yaml_is_reported_and_left_alone(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    page = tmp_path / "broken.yaml"
    page.write_text("id: x\ntitle: [unclosed\n  doi: https://doi.org/10.1/x\n")
    before = page.read_text()
    assert main(["fix", str(page)]) == 2
    err = capsys.readouterr().err
    assert "not valid YAML" in err and "Traceback" not in err
    assert page.read_text() == before


def test_every_rule_says_whether_it_has_an_automatic_fix(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert {rule.name for rule in RULES} == set(AUTOFIX)
    for rule in RULES:
        assert main(["rules", rule.name]) == 0
        out = capsys.readouterr().out
        assert f"Automatic fix (`evidencelint fix`):\n  {AUTOFIX[rule.name]}" in out


def test_a_field_added_at_the_end_of_a_reference_goes_before_the_next_ones_comment(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], crossref: CrossrefServer
) -> None:
    page = tmp_path / "page.yaml"
    page.write_text(
        "id: p\ntitle: P\nstatus: draft\nclaims:\n  - id: c\n    text: It works [@hershman].\n"
        "references:\n"
        "  hershman:\n"
        "    type: journal-article\n"
        "    authors: [Hershman DL, et al.]\n"
        "    title: Effect of acupuncture vs sham acupuncture or waitlist control on joint pain"
        " related to aromatase inhibitors among women with early-stage breast cancer\n"
        "    journal: JAMA\n"
        "    year: 2018\n"
        "    doi: 10.1001/jama.2018.8907  # as printed\n"
        "    issue: '2'\n"
        "  # the next reference\n"
        "  other:\n"
        "    type: web-page\n"
        "    title: O\n"
        "    url: https://example.org/o\n",
        encoding="utf-8",
    )
    assert main(["fix", "--unsafe-fixes", "--no-cache", str(page)]) == 0
    text = page.read_text(encoding="utf-8")
    assert (
        "    year: 2018\n"
        '    volume: "320"\n'
        "    doi: 10.1001/jama.2018.8907  # as printed\n"
        "    issue: '2'\n"
        '    pages: "167-176"\n'
        "  # the next reference\n"
        "  other:\n"
    ) in text
