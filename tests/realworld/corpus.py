"""The real-world accuracy corpus (citations.yaml against records.json), and its scoring.

Used by `tests/end_to_end/test_realworld.py` (zero false alarms, every defect found) and by
`bench/accuracy.py` (the rates, with every false alarm and miss listed).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from evidencelint.content.model import Reference
from evidencelint.validators.matching import Mismatch, compare
from evidencelint.verify.record import WorkRecord, parse_work

FOLDER = Path(__file__).resolve().parent
FIELDS = ("authors", "title", "journal", "year", "volume", "issue", "pages")


@dataclass(frozen=True)
class Case:
    doi: str
    reference: Reference
    record: WorkRecord
    defect: str | None
    """The field that must be reported, or None for a correct citation."""
    note: str


@dataclass
class Score:
    correct: int = 0
    defects: int = 0
    false_alarms: list[tuple[Case, list[Mismatch]]] = field(default_factory=list)
    """Correct citations reported, and defects reported on fields other than the defect's."""
    misses: list[tuple[Case, list[Mismatch]]] = field(default_factory=list)


def _case(entry: dict[str, Any], records: dict[str, Any], defect: str | None) -> Case:
    record = parse_work(records[entry["doi"]])
    assert record is not None, entry["doi"]
    cited = {k: entry[k] for k in FIELDS if k in entry}
    reference = Reference(type="journal-article", doi=entry["doi"], **cited)
    note = entry.get("what") or entry.get("style") or ""
    return Case(entry["doi"], reference, record, defect, note)


def load(folder: Path = FOLDER) -> tuple[list[Case], list[Case]]:
    records = json.loads((folder / "records.json").read_text(encoding="utf-8"))
    corpus = yaml.safe_load((folder / "citations.yaml").read_text(encoding="utf-8"))
    correct = [_case(e, records, None) for e in corpus["correct"] + corpus["also_cited_as"]]
    defects = [_case(e, records, e["defect"]) for e in corpus["defects"]]
    return correct, defects


def score(correct: list[Case], defects: list[Case]) -> Score:
    result = Score(correct=len(correct), defects=len(defects))
    for case in correct:
        found = compare(case.reference, case.record)
        if found:
            result.false_alarms.append((case, found))
    for case in defects:
        found = compare(case.reference, case.record)
        fields = {m.field for m in found}
        if case.defect not in fields:
            result.misses.append((case, found))
        elif fields - {case.defect}:
            result.false_alarms.append((case, [m for m in found if m.field != case.defect]))
    return result
