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
    r"\b(?:stud(?:y|ies)|research\w*|trials?|evidence|reviews?|meta-analys\w*|shown|shows?|"
    r"found|suggests?|demonstrat\w+|confirmed|recommend\w*|guidelines?|effective\w*|safe|"
    r"unsafe|risks?|complications?|side effects?|reduc\w+|improv\w+|reliev\w+|relief|"
    r"help(?:s|ed)?\s+(?:treat|relieve|reduce|manage|with)|treat(?:s|ed)?|linked|"
    r"associated|increases?|decreases?|lowers?|causes?|prevent\w*|cover(?:s|ed|age)?|"
    r"regulat\w+|requires?|percent|proven|known to|thought to|believed?|believes|"
    r"releas\w+|stimulat\w+|trigger\w*|boost\w*|significant\w*|majority|most|common\w*|"
    r"rare\w*|infections?|injur\w+)\b"
    r"|\d+(?:[.,]\d+)?\s*%|\b\d[\d,.]*(?:s)?\b",
    re.IGNORECASE,
)
_NOT_CLAIMS = re.compile(
    r"\b(?:we|our|us|click|call|contact|subscribe|sign up|appointments?|"
    r"was this page helpful|learn more|read our|advertis\w+|policy|privacy|cookies?)\b"
    r"|\d{3}[-.]\d{3}[-.]\d{4}|https?://|www\.",
    re.IGNORECASE,
)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"“‘(])")
_ABBREVIATIONS = re.compile(r"(?:\b[A-Z]\.|\be\.g\.|\bi\.e\.|\bet al\.|\bvs\.|\bDr\.|\bU\.S\.)$")
MIN_WORDS = 6
_ENDS_STATEMENT = re.compile(r"[.!:][\"”’)]?$")
"""A statement ends like one: a heading, a menu entry or a question does not."""
MAX_ITEMS = 30
"""List items joined to the line that introduces them: more is a menu, not a claim."""


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
    for text in _with_lists(blocks):
        for sentence in sentences(text):
            claim = _claim(sentence, numbered or by_order, references)
            if claim is not None and claim.text.casefold() not in seen:
                seen.add(claim.text.casefold())
                claims.append(claim)
    return claims


def _with_lists(blocks: list[Block]) -> list[str]:
    """Texts to read claims from: a line ending in ':' takes the list items after it
    ("may help with: migraine; sciatica; ..."), each other block stands alone."""
    texts: list[str] = []
    index = 0
    while index < len(blocks):
        block = blocks[index]
        index += 1
        items: list[str] = []
        if block.text.endswith(":") and not block.list_item:
            while index < len(blocks) and blocks[index].list_item and len(items) < MAX_ITEMS:
                items.append(blocks[index].text.rstrip("."))
                index += 1
        texts.append(f"{block.text} {'; '.join(items)}." if items else block.text)
    return texts


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
    if len(words) < MIN_WORDS or not _ENDS_STATEMENT.search(text):
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
