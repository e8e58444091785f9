"""The real-world accuracy corpus (tests/realworld/): no false alarm, every defect found.

Real Crossref records, cited as printed reference lists cite them; and defective
citations of the same works. `python bench/accuracy.py` prints the rates and lists.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from evidencelint.cli import main
from tests.crossref_server import CrossrefServer
from tests.helpers import page_citing
from tests.realworld.corpus import FOLDER, Case, load, score

CORRECT, DEFECTS = load()


def test_the_corpus_is_large_enough_and_covers_every_defect_kind() -> None:
    assert len({c.doi for c in CORRECT}) >= 150
    assert len(DEFECTS) >= 60
    kinds = Counter(c.defect for c in DEFECTS)
    assert set(kinds) == {"authors", "title", "year", "volume", "pages", "journal"}
    assert min(kinds.values()) >= 10


def _ids(cases: list[Case]) -> list[str]:
    return [f"{c.doi} {c.note}" for c in cases]


@pytest.mark.parametrize("case", CORRECT, ids=_ids(CORRECT))
def test_a_correct_citation_draws_no_mismatch(case: Case) -> None:
    result = score([case], [])
    assert result.false_alarms == []


@pytest.mark.parametrize("case", DEFECTS, ids=_ids(DEFECTS))
def test_a_defect_is_found_on_its_field_alone(case: Case) -> None:
    result = score([], [case])
    assert result.misses == []
    assert result.false_alarms == []


def _yaml_reference(key: str, case: Case) -> str:
    ref = case.reference
    lines = [f"  {key}:", "    type: journal-article", "    authors:"]
    lines += [f"      - {json.dumps(a, ensure_ascii=False)}" for a in ref.authors or []]
    for name in ("title", "journal", "year", "volume", "issue", "pages", "doi"):
        value = getattr(ref, name)
        if value is not None:
            lines.append(f"    {name}: {json.dumps(str(value), ensure_ascii=False)}")
    return "\n".join(lines) + "\n"


HARD = (
    "NLM list's full title",
    "mis-encoded",
    "issue year",
    "suffix",
    "German",
    "ISO",
    "Family, I",
)


def test_through_the_cli_the_corpus_draws_only_its_defects(
    tmp_path: Path, crossref: CrossrefServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A sample of the corpus as a content page, its records served over HTTP: the record
    reader, the package's journal list and the rules work together as in a real run."""
    correct = [c for c in CORRECT if any(h in c.note for h in HARD)][:24]
    defects = list({c.defect: c for c in DEFECTS}.values())  # one of each kind
    records = json.loads((FOLDER / "records.json").read_text(encoding="utf-8"))
    for case in correct + defects:
        crossref.add_work(records[case.doi])
    keys = {f"ok{i}": c for i, c in enumerate(correct)} | {
        f"bad{i}": c for i, c in enumerate(defects)
    }
    page = tmp_path / "content" / "corpus.yaml"
    page.parent.mkdir()
    page.write_text(
        page_citing(list(keys), "".join(_yaml_reference(k, c) for k, c in keys.items())),
        encoding="utf-8",
    )
    monkeypatch.setenv("EVIDENCELINT_MAILTO", "editor@example.org")
    out = tmp_path / "report.json"
    main(["check", str(page), "--today", "2026-11-21", "--format", "json", "--output", str(out)])
    findings = json.loads(out.read_text(encoding="utf-8"))["findings"]
    assert not [f for f in findings if f["name"] in {"doi-unverified", "doi-not-found"}]
    mismatches = {
        (f["reference"], f["field"]) for f in findings if f["name"] == "metadata-mismatch"
    }
    assert mismatches == {(f"bad{i}", c.defect) for i, c in enumerate(defects)}
    assert len(correct) >= 20
