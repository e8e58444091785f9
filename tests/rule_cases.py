"""A rule test as yamllint writes them: an input page, and the findings it must give as
(name, line, column), nothing more and nothing less of the rules looked at.

    check_page(PAGE, [("citation-unresolved", 7, 69)])
    check_page(PAGE, [], rules={"evidence-old"})      # silent on this page

The page goes through the real run (load, validate, resolve, every page rule, the gates),
offline: DOIs are not looked up.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path

from evidencelint.config import Policy
from evidencelint.findings import Finding
from tests.helpers import TODAY, Tree

Expected = tuple[str, int, int]


def findings_of(
    page: str, *, policy: Policy | None = None, today: dt.date = TODAY
) -> list[Finding]:
    """The findings of a run over `page` alone, written as content/page.yaml."""
    with tempfile.TemporaryDirectory(prefix="evidencelint-rule-") as folder:
        tree = Tree(Path(folder))
        tree.write("content/page.yaml", page)
        return tree.check(policy=policy, today=today).findings


def check_page(
    page: str,
    expected: Sequence[Expected],
    *,
    rules: Iterable[str] | None = None,
    policy: Policy | None = None,
    today: dt.date = TODAY,
) -> list[Finding]:
    """Assert that the findings of `rules` (default: the rules named in `expected`) on
    `page` are `expected`, in file order; returns them for further checks of messages."""
    looked_at = set(rules) if rules is not None else {name for name, _, _ in expected}
    assert looked_at, "name the rules to look at when no finding is expected"
    found = [f for f in findings_of(page, policy=policy, today=today) if f.name in looked_at]
    assert [(f.name, f.line, f.column) for f in found] == list(expected), found
    return found
