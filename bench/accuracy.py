"""Detection and false-alarm rates of the metadata comparison on the real-world corpus.

`tests/realworld/`: real Crossref records (records.json) and citations of them
(citations.yaml): correct ones written as NLM/Vancouver reference lists print them, and
defective ones (swapped first author, another work's title, a wrong year, volume or first
page, another journal). Prints both rates, then every false alarm and every miss. Exits 1
if there is any. No network.

    python bench/accuracy.py
"""

from __future__ import annotations

import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.realworld.corpus import load, score  # noqa: E402


def main() -> int:
    correct, defects = load()
    result = score(correct, defects)
    alarms_on_correct = [a for a in result.false_alarms if a[0].defect is None]
    found_count = result.defects - len(result.misses)
    print(
        f"correct citations: {result.correct}, false alarms: {len(alarms_on_correct)} "
        f"({100 * len(alarms_on_correct) / max(result.correct, 1):.1f}%)"
    )
    print(
        f"defects: {result.defects}, found: {found_count} "
        f"({100 * found_count / max(result.defects, 1):.1f}%), missed: {len(result.misses)}"
    )
    extra = len(result.false_alarms) - len(alarms_on_correct)
    print(f"defects also reported on another field: {extra}")
    by_kind: dict[str, list[int]] = {}
    for case in defects:
        by_kind.setdefault(case.defect or "", [0, 0])[0] += 1
    for case, _ in result.misses:
        by_kind[case.defect or ""][1] += 1
    for kind, (total, missed) in sorted(by_kind.items()):
        print(f"  {kind:8} {total - missed}/{total} found")
    for case, found in result.false_alarms:
        print(f"FALSE ALARM {case.doi} ({case.note}):")
        for m in found:
            print(f"    {m.field}: {m.detail} (registered {m.expected!r}; cited {m.actual!r})")
    for case, found in result.misses:
        print(f"MISS {case.doi} {case.defect} ({case.note}): reported {[m.field for m in found]}")
    return 1 if result.false_alarms or result.misses else 0


if __name__ == "__main__":
    raise SystemExit(main())
