"""Synthetic content for the benchmarks: N pages x M claims x K references.

Every reference carries a DOI drawn from a pool of `pool` works; `work(d)` is the
Crossref record of pool DOI number d, so a loopback server serving `works(pool)` verifies
every reference (the content is cited correctly, as most real content is). One page in
ten has a claim that cites nothing, so the report path is exercised too. With `shared`,
a bibliography of that many works is written to content/references.yaml and every page
also cites two of its entries by key.

    python bench/generate.py OUT_DIR [--pages N] [--claims M] [--refs K] [--pool P] [--shared S]
"""

from __future__ import annotations

import argparse
import random
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

SYLLABLES = ("ka", "lo", "mi", "ren", "sa", "tu", "vel", "wi", "zor", "ba", "de", "fi", "gor")
TOPICS = (
    "acupuncture for chronic low back pain",
    "exercise therapy for knee osteoarthritis",
    "cognitive behavioural therapy for insomnia",
    "vitamin D supplementation and fracture risk",
    "mindfulness for anxiety in adults",
    "statins for primary prevention of cardiovascular disease",
)
JOURNALS = ("J Pain Res", "BMJ", "Ann Intern Med", "Cochrane Database Syst Rev", "Pain")
FULL_JOURNALS = {
    "J Pain Res": "Journal of Pain Research",
    "BMJ": "BMJ",
    "Ann Intern Med": "Annals of Internal Medicine",
    "Cochrane Database Syst Rev": "Cochrane Database of Systematic Reviews",
    "Pain": "Pain",
}


@dataclass(frozen=True, slots=True)
class Shape:
    pages: int = 100
    claims: int = 10
    refs: int = 4
    pool: int = 200
    shared: int = 0

    @property
    def total_claims(self) -> int:
        return self.pages * self.claims


def family(d: int) -> str:
    """A distinct, pronounceable family name for pool work d."""
    rng = random.Random(d)
    return ("".join(rng.choice(SYLLABLES) for _ in range(2)) + _suffix(d)).capitalize()


def _suffix(d: int) -> str:
    # Base-13 spelling of d in syllables keeps every pool name unique.
    out = ""
    while True:
        d, rest = divmod(d, len(SYLLABLES))
        out += SYLLABLES[rest]
        if d == 0:
            return out


def doi(d: int) -> str:
    return f"10.5555/bench.{d:05d}"


def year(d: int) -> int:
    return 2022 + d % 4


def title(d: int) -> str:
    return f"{TOPICS[d % len(TOPICS)].capitalize()}: trial number {d}"


def work(d: int) -> dict[str, Any]:
    """The Crossref message for pool work d."""
    journal = JOURNALS[d % len(JOURNALS)]
    return {
        "DOI": doi(d),
        "type": "journal-article",
        "title": [title(d)],
        "author": [
            {"given": "Anna", "family": family(d), "sequence": "first"},
            {"given": "Ben", "family": "Second", "sequence": "additional"},
        ],
        "container-title": [FULL_JOURNALS[journal]],
        "short-container-title": [journal],
        "volume": str(10 + d % 40),
        "issue": str(1 + d % 12),
        "page": f"{100 + d % 500}-{110 + d % 500}",
        "issued": {"date-parts": [[year(d), 1 + d % 12, 1]]},
        "published-print": {"date-parts": [[year(d), 1 + d % 12]]},
    }


def works(pool: int) -> Iterator[dict[str, Any]]:
    return (work(d) for d in range(pool))


def _reference(d: int) -> str:
    journal = JOURNALS[d % len(JOURNALS)]
    return (
        f"    type: journal-article\n"
        f"    authors: [{family(d)} A, Second B]\n"
        f'    title: "{title(d)}"\n'
        f"    journal: {journal}\n"
        f"    year: {year(d)}\n"
        f'    volume: "{10 + d % 40}"\n'
        f'    issue: "{1 + d % 12}"\n'
        f'    pages: "{100 + d % 500}-{110 + d % 500}"\n'
        f"    doi: {doi(d)}\n"
    )


def page(i: int, shape: Shape) -> str:
    rng = random.Random(i)
    local = rng.sample(range(shape.pool - shape.shared), shape.refs)
    shared = (
        [shape.pool - shape.shared + rng.randrange(shape.shared) for _ in range(2)]
        if shape.shared
        else []
    )
    lines = [
        f"id: page-{i:05d}",
        f"title: {TOPICS[i % len(TOPICS)].capitalize()} (page {i})",
        f"url: https://health.example.org/pages/{i}",
        "status: published",
        "published: 2024-03-01",
        "last_reviewed: 2026-06-01",
        "reviewed_by: [Dr Example Reviewer]",
        "claims:",
    ]
    for c in range(shape.claims):
        lines.append(f"  - id: claim-{c}")
        if i % 10 == 0 and c == 0:
            lines.append("    text: This claim cites nothing at all.")
            continue
        d = local[c % len(local)]
        citation = f"{family(d)} et al. {year(d)}"
        if shared and c % 5 == 4:
            citation = f"@s{shared[c % 2]}"
        lines.append(
            f"    text: {TOPICS[d % len(TOPICS)].capitalize()} helped in a trial [{citation}]."
        )
        lines.append("    evidence: moderate")
    lines.append("references:")
    for d in local:
        lines.append(f"  r{d}:")
        lines.append(_reference(d).rstrip("\n"))
    return "\n".join(lines) + "\n"


def bibliography(shape: Shape) -> str:
    lines = ["id: shared-references", "references:"]
    for d in range(shape.pool - shape.shared, shape.pool):
        lines.append(f"  s{d}:")
        lines.append(_reference(d).rstrip("\n"))
    return "\n".join(lines) + "\n"


def write_tree(root: Path, shape: Shape) -> Path:
    """Write evidencelint.toml and content/ under root; return the content folder."""
    content = root / "content"
    if shape.pool - shape.shared < shape.refs:
        raise ValueError("the pool is too small for that many local references per page")
    for i in range(shape.pages):
        folder = content / f"section-{i // 1000:02d}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"page-{i:05d}.yaml").write_text(page(i, shape), encoding="utf-8")
    toml = ["[tool.evidencelint]", 'content = "content"']
    if shape.shared:
        (content / "references.yaml").write_text(bibliography(shape), encoding="utf-8")
        toml.append('bibliographies = ["content/references.yaml"]')
    (root / "pyproject.toml").write_text("\n".join(toml) + "\n", encoding="utf-8")
    return content


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--pages", type=int, default=100)
    parser.add_argument("--claims", type=int, default=10)
    parser.add_argument("--refs", type=int, default=4)
    parser.add_argument("--pool", type=int, default=200)
    parser.add_argument("--shared", type=int, default=0)
    args = parser.parse_args()
    shape = Shape(args.pages, args.claims, args.refs, args.pool, args.shared)
    print(write_tree(args.out, shape))


if __name__ == "__main__":
    main()
