"""Which sentences of a page are claims: those that cite, and those a health page
should back with a source.

A sentence (or list item) is a claim when it carries a citation marker, numbered
("[3]", "[1, 4]", "(2)") or author-year ("(Vickers et al., 2018)", "[Linde 2016]"), or
when it states something factual about health that a reader would want a source for:
what research, trials or reviews show, what a treatment does or risks, what guidelines
recommend, or a figure. The wording cues are listed below; `bench/import_accuracy.py`
measures how many of the hand-picked claims of the demo pages they find.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from evidencelint.importer.references import ParsedReference
from evidencelint.importer.source import Block

_NUMBERED = re.compile(
    r"\s?\[(\d{1,3}(?:\s*[,–-]\s*\d{1,3})*)\]"
    r"|\s?\((\d{1,3}(?:\s*,\s*\d{1,3})*)\)(?=[.,;:]|$)"  # "(2)" only where a marker ends
)
_AUTHOR_YEAR = re.compile(
    r"\s?[(\[](?P<inner>[A-Z][^()\[\]]{0,80}?\b(?:19|20)\d{2}[a-z]?(?:;[^()\[\]]{1,80})?)[)\]]"
)
_CUES = re.compile(
    r"\b(?:stud(?:y|ies)|research|trials?|evidence|reviews?|meta-analys\w*|shown|shows?|"
    r"found|suggests?|demonstrat\w+|confirmed|recommend\w*|guidelines?|effective\w*|safe|"
    r"unsafe|risks?|complications?|side effects?|reduc\w+|improv\w+|reliev\w+|relief|"
    r"help(?:s|ed)?\s+(?:treat|relieve|reduce|manage|with)|treat(?:s|ed)?|linked|"
    r"associated|increases?|decreases?|lowers?|causes?|prevent\w*|cover(?:s|ed)?|"
    r"regulat\w+|requires?|percent|proven|known to|thought to|believed)\b|\d+(?:[.,]\d+)?\s*%",
    re.IGNORECASE,
)
_NOT_CLAIMS = re.compile(
    r"\b(?:you|your|we|our|us|click|call|contact|subscribe|sign up|appointment|"
    r"was this page helpful|learn more|read our|advertis\w+|policy)\b",
    re.IGNORECASE,
)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"“‘(])")
_ABBREVIATIONS = re.compile(r"(?:\b[A-Z]\.|\be\.g\.|\bi\.e\.|\bet al\.|\bvs\.|\bDr\.|\bU\.S\.)$")
MIN_WORDS = 6


@dataclass(slots=True)
class FoundClaim:
    text: str
    cites: list[str] = field(default_factory=list)
    """Keys of the references its markers point at."""
    markers: list[str] = field(default_factory=list)
    """Markers that point at no parsed reference (quoted in a comment)."""


def find_claims(blocks: list[Block], references: dict[str, ParsedReference]) -> list[FoundClaim]:
    numbered: dict[int | None, str] = {
        r.number: key for key, r in references.items() if r.number is not None
    }
    by_order: dict[int | None, str] = dict(enumerate(references, start=1))
    claims: list[FoundClaim] = []
    seen: set[str] = set()
    for block in blocks:
        for sentence in sentences(block.text):
            claim = _claim(sentence, numbered or by_order, references)
            if claim is not None and claim.text.casefold() not in seen:
                seen.add(claim.text.casefold())
                claims.append(claim)
    return claims


def sentences(text: str) -> list[str]:
    parts: list[str] = []
    for piece in _SENTENCE_END.split(text):
        if parts and _ABBREVIATIONS.search(parts[-1][-8:]):  # the tail: searching the
            # whole joined sentence each time was quadratic on a long run of "A. ("
            parts[-1] = f"{parts[-1]} {piece}"
        else:
            parts.append(piece)
    return [p.strip() for p in parts if p.strip()]


def _claim(
    sentence: str, numbered: dict[int | None, str], references: dict[str, ParsedReference]
) -> FoundClaim | None:
    cites: list[str] = []
    unknown: list[str] = []

    def numbered_marker(match: re.Match[str]) -> str:
        numbers = _numbers(match.group(1) or match.group(2))
        keys = [numbered.get(n) for n in numbers]
        if match.group(2) and not all(keys):
            return match.group(0)  # "(2)" that names no reference is prose
        for number, key in zip(numbers, keys, strict=True):
            if key is None:
                unknown.append(f"[{number}]")
            elif key not in cites:
                cites.append(key)
        return ""

    def author_year_marker(match: re.Match[str]) -> str:
        parts = match.group("inner").split(";")
        keys = [_author_year_key(part, references) for part in parts]
        if not any(keys):
            return match.group(0)
        cites.extend(k for k in keys if k and k not in cites)
        unknown.extend(p.strip() for p, k in zip(parts, keys, strict=True) if not k)
        return ""

    text = _AUTHOR_YEAR.sub(author_year_marker, _NUMBERED.sub(numbered_marker, sentence))
    text = " ".join(text.split())
    if cites or unknown:
        return FoundClaim(text, cites, unknown)
    words = text.split()
    if len(words) < MIN_WORDS or text.endswith("?") or text.endswith(":"):
        return None
    if _CUES.search(text) and not _NOT_CLAIMS.search(text):
        return FoundClaim(text)
    return None


def _numbers(inner: str) -> list[int]:
    numbers: list[int] = []
    for part in re.split(r"\s*,\s*", inner):
        bounds = re.split(r"\s*[–-]\s*", part)
        if len(bounds) == 2 and bounds[0].isdigit() and bounds[1].isdigit():
            low, high = int(bounds[0]), int(bounds[1])
            numbers += list(range(low, high + 1)) if 0 <= high - low <= 50 else [low, high]
        elif part.isdigit():
            numbers.append(int(part))
    return numbers


def _author_year_key(part: str, references: dict[str, ParsedReference]) -> str | None:
    match = re.search(r"([A-Z][\w'’-]+).*?\b((?:19|20)\d{2})", part)
    if match is None:
        return None
    name, year = match.group(1).casefold(), int(match.group(2))
    found = [
        key
        for key, ref in references.items()
        if ref.year == year and ref.authors and ref.authors[0].split()[0].casefold() == name
    ]
    return found[0] if len(found) == 1 else None
