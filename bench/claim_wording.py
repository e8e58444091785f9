"""Precision and recall of claim-overstated on its labelled set (bench/data/claim_wording.txt).

Prints the figures, then every false alarm and every miss, so the lexicon can be judged
sentence by sentence. False alarms cost more than misses: the target is precision >= 0.95.

    python bench/claim_wording.py [--json]
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from pathlib import Path

from evidencelint.content.model import Certainty
from evidencelint.content.wording import overstated

DATA = Path(__file__).resolve().parent / "data" / "claim_wording.txt"


@dataclass(frozen=True, slots=True)
class Labelled:
    line: int
    grade: Certainty
    overstated: bool
    text: str


def load(path: Path = DATA) -> list[Labelled]:
    items: list[Labelled] = []
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not raw.strip() or raw.startswith("#"):
            continue
        grade, label, text = (part.strip() for part in raw.split("|", 2))
        if label not in {"Y", "N"}:
            raise ValueError(f"{path}:{number}: label must be Y or N, got {label!r}")
        items.append(Labelled(number, Certainty(grade), label == "Y", text))
    return items


@dataclass(frozen=True, slots=True)
class Scores:
    sentences: int
    positives: int
    true_positives: int
    false_alarms: list[Labelled]
    misses: list[Labelled]

    @property
    def precision(self) -> float:
        flagged = self.true_positives + len(self.false_alarms)
        return self.true_positives / flagged if flagged else 1.0

    @property
    def recall(self) -> float:
        return self.true_positives / self.positives if self.positives else 1.0


def score(items: list[Labelled]) -> Scores:
    tp = 0
    false_alarms: list[Labelled] = []
    misses: list[Labelled] = []
    for item in items:
        flagged = overstated(item.text, item.grade) is not None
        if flagged and item.overstated:
            tp += 1
        elif flagged:
            false_alarms.append(item)
        elif item.overstated:
            misses.append(item)
    return Scores(len(items), sum(i.overstated for i in items), tp, false_alarms, misses)


def main(argv: list[str]) -> int:
    scores = score(load())
    if "--json" in argv:
        figures = {
            "sentences": scores.sentences,
            "overstated": scores.positives,
            "precision": round(scores.precision, 4),
            "recall": round(scores.recall, 4),
            "false_alarms": len(scores.false_alarms),
            "misses": len(scores.misses),
        }
        print(json.dumps(figures, indent=2))
        return 0
    print(
        f"{scores.sentences} sentences, {scores.positives} labelled overstated: "
        f"precision {scores.precision:.3f}, recall {scores.recall:.3f}"
    )
    for title, items in (("false alarms", scores.false_alarms), ("misses", scores.misses)):
        print(f"\n{title} ({len(items)}):")
        for item in items:
            print(f"  line {item.line} [{item.grade.value}] {item.text}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
