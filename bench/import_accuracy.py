"""Accuracy of `evidencelint import` on the five seed pages (tests/data/seeds/).

Reference parsing: each printed reference's fields (authors, title, journal, year,
volume, issue, pages, DOI, PMID, PMCID) against the hand-made content files in content/.
Claims: how many hand-made claims an imported claim contains (or is contained in).
DOI discovery: every printed journal reference with its DOI removed, searched against the
loopback Crossref server's `query.bibliographic` fixtures; precision and recall against
tests/data/seeds/discovery-truth.json.

    python bench/import_accuracy.py [--json FILE]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SEEDS = ROOT / "tests" / "data" / "seeds"
PAGES = {
    "000_a799696e61fdb46b.txt": "msk-acupuncture.yaml",
    "001_71da935f20210e01.txt": "healthcom-acupuncture.yaml",
    "002_99336c0a24a433b2.txt": "cleveland-clinic-acupuncture.yaml",
    "003_9dd448e11f95cb11.txt": "ubie-acupuncture-chronic-pain.yaml",
    "004_a2977965efdaffa5.txt": "blog-acupuncture-pain-relief.yaml",
}
FIELDS = ("authors", "title", "journal", "year", "volume", "issue", "pages", "doi", "pmid", "pmcid")


def _hand_made(name: str) -> dict[str, Any]:
    import yaml

    loaded: dict[str, Any] = yaml.safe_load((ROOT / "content" / name).read_text())
    return loaded


def _value(ref: Any, name: str) -> Any:
    value = getattr(ref, name)
    return value if value not in ("", None, []) else None


def _norm(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, list):
        return [str(v) for v in value]
    return str(value)


def reference_accuracy() -> dict[str, Any]:
    from evidencelint.importer.references import find_references
    from evidencelint.importer.source import read_page

    pages: dict[str, Any] = {}
    right = total = 0
    for seed, content in PAGES.items():
        found = find_references(read_page(SEEDS / seed).blocks).entries
        expected = list((_hand_made(content).get("references") or {}).values())
        fields_right = fields_total = 0
        wrong: list[str] = []
        for parsed, hand in zip(found, expected, strict=False):
            for name in FIELDS:
                want = _norm(hand.get(name))
                got = _norm(_value(parsed, name))
                if want is None and got is None:
                    continue
                fields_total += 1
                if want == got:
                    fields_right += 1
                else:
                    wrong.append(f"{name}: {got!r} (hand-made {want!r})")
        right += fields_right
        total += fields_total
        pages[seed] = {
            "printed_references": len(expected),
            "found": len(found),
            "fields_right": fields_right,
            "fields": fields_total,
            "wrong": wrong,
        }
    return {"pages": pages, "field_accuracy": right / total if total else 1.0}


def claim_recall() -> dict[str, Any]:
    from evidencelint.importer.build import build_page
    from evidencelint.importer.source import read_page

    pages: dict[str, Any] = {}
    found_all = total_all = imported_all = matched_all = 0
    for seed, content in PAGES.items():
        imported = [c.text.casefold() for c in build_page(read_page(SEEDS / seed), None).claims]
        hand = [c["text"].casefold() for c in _hand_made(content)["claims"]]
        hit = sum(1 for h in hand if any(_overlaps(h, i) for i in imported))
        matched = sum(1 for i in imported if any(_overlaps(h, i) for h in hand))
        found_all += hit
        total_all += len(hand)
        imported_all += len(imported)
        matched_all += matched
        pages[seed] = {
            "hand_made": len(hand),
            "found": hit,
            "imported": len(imported),
            "imported_hand_made": matched,
        }
    return {
        "pages": pages,
        "recall": found_all / total_all if total_all else 1.0,
        "share_hand_made": matched_all / imported_all if imported_all else 1.0,
    }


def _overlaps(hand: str, imported: str) -> bool:
    """The hand-made claim's first statement is in the imported claim, or the imported
    claim is part of the hand-made one (which may join several sentences, or cut them
    with '...')."""
    from evidencelint.importer.claims import sentences

    first = sentences(hand.split("...")[0])[0].strip(" .,;:'\"") if hand.strip() else ""
    if len(first) >= 15 and first in imported:
        return True
    return len(imported) >= 25 and imported.strip(" .") in hand


def discovery(base_url: str) -> dict[str, Any]:
    from evidencelint.importer.discovery import MARGIN, Discoverer, judge
    from evidencelint.importer.references import find_references
    from evidencelint.importer.source import read_page
    from evidencelint.verify.client import ClientSettings, CrossrefClient
    from evidencelint.verify.search import candidates

    truth: dict[str, str | None] = {
        k: v
        for k, v in json.loads((SEEDS / "discovery-truth.json").read_text()).items()
        if not k.startswith("_")
    }
    searches = ROOT / "tests" / "fixtures" / "crossref" / "searches"
    terms = {
        path.stem: json.loads(path.read_text())["message"]["query"]["search-terms"]
        for path in searches.glob("*.json")
    }
    client = CrossrefClient(ClientSettings(base_url=base_url, mailto="bench@example.org"))
    discoverer = Discoverer(client)
    cases: list[dict[str, Any]] = []
    by_margin: dict[float, list[tuple[str | None, str | None]]] = {}
    margins = (1.0, 1.05, 1.1, 1.25, 1.5, 2.0)
    try:
        for seed in PAGES:
            for ref in find_references(read_page(SEEDS / seed).blocks).entries:
                if ref.type not in ("journal-article", "systematic-review", "guideline"):
                    continue
                ref.doi = ""  # as if the page had not printed it
                ref.printed = _without_identifiers(ref.printed)
                name = next((n for n, t in terms.items() if t in ref.printed.casefold()), None)
                expected = truth.get(name) if name else None
                verdict = discoverer.verdict(ref)
                proposed = verdict.doi if verdict.taken else None
                fetched = client.search(ref.printed)  # answered from the server again
                found = candidates(fetched.data) if fetched.status == "ok" else []
                for margin in margins:
                    other = judge(ref, found, margin)
                    by_margin.setdefault(margin, []).append(
                        (expected, other.doi if other.taken else None)
                    )
                cases.append(
                    {
                        "page": seed,
                        "fixture": name,
                        "expected": expected,
                        "proposed": proposed,
                        "why": verdict.why,
                    }
                )
    finally:
        client.close()
    proposals = [c for c in cases if c["proposed"]]
    correct = [c for c in proposals if c["proposed"].lower() == (c["expected"] or "").lower()]
    findable = [c for c in cases if c["expected"]]
    sensitivity = {}
    for margin, pairs in by_margin.items():
        taken = [(e, p) for e, p in pairs if p]
        right = [1 for e, p in taken if p and e and p.lower() == e.lower()]
        findable_here = [1 for e, _ in pairs if e]
        sensitivity[str(margin)] = {
            "precision": len(right) / len(taken) if taken else 1.0,
            "recall": len(right) / len(findable_here) if findable_here else 1.0,
        }
    return {
        "margin": MARGIN,
        "sensitivity": sensitivity,
        "cases": cases,
        "proposed": len(proposals),
        "correct": len(correct),
        "findable": len(findable),
        "precision": len(correct) / len(proposals) if proposals else 1.0,
        "recall": len(correct) / len(findable) if findable else 1.0,
    }


def _without_identifiers(printed: str) -> str:
    import re

    return re.sub(r"\s*\b(?:doi\s*:|https?://).*$", "", printed, flags=re.IGNORECASE)


def main() -> int:
    from tests.crossref_server import CrossrefServer

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()
    server = CrossrefServer().start()
    try:
        figures = {
            "references": reference_accuracy(),
            "claims": claim_recall(),
            "discovery": discovery(server.url),
        }
    finally:
        server.stop()
    refs, claims, found = figures["references"], figures["claims"], figures["discovery"]
    for seed, page in refs["pages"].items():
        print(
            f"{seed}: {page['found']}/{page['printed_references']} references, "
            f"{page['fields_right']}/{page['fields']} fields as hand-made; claims "
            f"{claims['pages'][seed]['found']}/{claims['pages'][seed]['hand_made']} hand-made "
            f"found among {claims['pages'][seed]['imported']} imported"
        )
        for line in page["wrong"]:
            print(f"    {line}")
    print(f"reference fields as hand-made: {refs['field_accuracy']:.3f}")
    print(f"hand-made claims found: {claims['recall']:.3f}")
    print(
        f"imported claims that are hand-made claims: {claims['share_hand_made']:.3f} "
        "(the rest are statements the hand-made files leave out; an editor prunes them)"
    )
    for case in found["cases"]:
        mark = "taken  " if case["proposed"] else "refused"
        print(f"  {mark} {case['fixture'] or '-'}: {case['why']}")
    print(
        f"DOI discovery: {found['proposed']} proposed, {found['correct']} correct, "
        f"{found['findable']} findable; precision {found['precision']:.3f}, "
        f"recall {found['recall']:.3f}"
    )
    for margin, figure in found["sensitivity"].items():
        chosen = " (the margin used)" if float(margin) == found["margin"] else ""
        print(
            f"  at margin {margin}: precision {figure['precision']:.3f}, "
            f"recall {figure['recall']:.3f}{chosen}"
        )
    if args.json is not None:
        args.json.write_text(json.dumps(figures, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
