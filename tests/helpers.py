"""Helpers shared by the tests: write content into a temporary tree and check it."""

from __future__ import annotations

import datetime as dt
import textwrap
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path

from evidencelint.config import Config, Policy
from evidencelint.findings import Finding
from evidencelint.results import RunResult
from evidencelint.run.check import run_check
from evidencelint.verify.verdicts import Verification, Verifier

TODAY = dt.date(2026, 11, 21)


class SyntaxOnly:
    """A verifier that asks no registry: rules see no answers, as in a test of the rules
    that do not need them."""

    def verify(self, dois: Iterable[str]) -> Mapping[str, Verification]:
        return {}


MINIMAL_PAGE = """\
id: minimal-page
title: Acupuncture for migraine
status: published
last_reviewed: 2026-01-10
claims:
  - id: fewer-symptoms
    text: Acupuncture reduced allergic rhinitis symptoms in adults [He 2022].
references:
  he2022allergicrhinitis:
    type: systematic-review
    authors: [He M, Qin W, Qin Z, Zhao C]
    title: "Acupuncture for allergic rhinitis: a systematic review and meta-analysis"
    journal: Eur J Med Res
    year: 2022
    volume: "27"
    issue: "1"
    pages: "58"
    doi: 10.1186/s40001-022-00682-3
"""


def page_citing(keys: Sequence[str], references: str, page_id: str = "page") -> str:
    """A published page whose one claim cites `keys` by key; `references` are the YAML
    lines under `references:` (none: an empty mapping)."""
    cited = "; ".join(f"@{k}" for k in keys)
    return f"""\
id: {page_id}
title: Acupuncture
status: published
last_reviewed: 2026-01-10
claims:
  - id: c1
    text: Acupuncture reduced chronic pain [{cited}].
references:
{references or "  {}" + chr(10)}"""


class Tree:
    """A content tree under a temporary folder."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def write(self, relative: str, text: str) -> Path:
        path = self.root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
        return path

    def write_bytes(self, relative: str, data: bytes) -> Path:
        path = self.root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        return path

    def config(self, bibliographies: Sequence[str] = (), policy: Policy | None = None) -> Config:
        return Config(
            root=self.root,
            content=self.root / "content",
            bibliographies=tuple(self.root / b for b in bibliographies),
            policy=policy or Policy(),
        )

    def check(
        self,
        *paths: str,
        bibliographies: Sequence[str] = (),
        policy: Policy | None = None,
        today: dt.date = TODAY,
        verifier: Verifier | None = None,
    ) -> RunResult:
        arguments = [str(self.root / p) for p in paths] or [str(self.root / "content")]
        return run_check(
            arguments,
            self.config(bibliographies, policy),
            today,
            verifier or SyntaxOnly(),
        )


def names(findings: Sequence[Finding]) -> list[str]:
    return [f.name for f in findings]


def only(findings: Sequence[Finding], name: str) -> list[Finding]:
    return [f for f in findings if f.name == name]


FindingFilter = Callable[[Sequence[Finding], str], list[Finding]]


def one(findings: Sequence[Finding], name: str) -> Finding:
    """The one finding called `name`; fails, listing them all, when there are none or several."""
    matching = only(findings, name)
    assert len(matching) == 1, findings
    return matching[0]


def expire_cache(folder: Path, days: int = 60) -> int:
    """Re-store every answer cached in `folder` with an expiry `days` in the past (no
    waiting a month); how many there were."""
    from requests_cache.backends.sqlite import SQLiteCache

    from evidencelint.verify.cache_health import CACHE_FILE

    cache = SQLiteCache(folder / CACHE_FILE, serializer="json")
    past = dt.datetime.now(dt.UTC) - dt.timedelta(days=days)
    try:
        keys = list(cache.responses.keys())
        for key in keys:
            cache.save_response(cache.responses[key], cache_key=key, expires=past)
        return len(keys)
    finally:
        cache.close()  # type: ignore[no-untyped-call]
