"""The real-world accuracy corpus (tests/realworld/): no false alarm, every defect found.

Real Crossref records, cited as printed reference lists cite them; and defective
citations of the same works. `python bench/accuracy.py` prints the rates and lists.
"""

from __future__ import annotations

from collections import Counter

import pytest

from tests.realworld.corpus import Case, load, score

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
