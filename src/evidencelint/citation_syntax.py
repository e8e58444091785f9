"""Inline citations in claim text: [Linde 2016], [Linde et al. 2016a; Vickers 2018], [@key].

A bracket is read as citations part by part (parts separated by ';'); a part that is
neither a key nor "Name Year" is prose ("[list lost]") and is left alone. Markdown links
("[text](url)") are not citations.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from evidencelint.names import fold

_BRACKET = re.compile(r"\[([^\[\]\n]*(?:\n[^\[\]\n]*)?)\](?!\()")
_KEY = re.compile(r"^@([A-Za-z0-9][A-Za-z0-9_.:-]*?)[.:]?(?:,\s*[^;]*)?$")
_AUTHOR_YEAR = re.compile(
    r"^(?P<name>[^\W\d_][^;@\d]*?)"
    r"(?:\s+et\s+al\.?)?,?\s+"
    r"(?P<year>\d{4})(?P<suffix>[a-z])?"
    r"(?:,\s*[^;]*)?$"
)
_SECOND_AUTHOR = re.compile(r"\s+(?:and|&)\s+.*$")


@dataclass(frozen=True, slots=True)
class InlineCitation:
    text: str
    """The part as written, e.g. 'Linde et al. 2016a' or '@linde2016'."""
    offset: int
    """Where the part starts in the claim text."""
    key: str | None = None
    family: str | None = None
    """The first author's family name as written ('Linde')."""
    year: int | None = None
    suffix: str = ""

    @property
    def family_key(self) -> str:
        return fold(self.family or "")


@dataclass(frozen=True, slots=True)
class AuthorYear:
    family: str
    year: int
    suffix: str


def parse_author_year(text: str) -> AuthorYear | None:
    """'Linde et al. 2016a' -> AuthorYear('Linde', 2016, 'a'); prose -> None."""
    match = _AUTHOR_YEAR.match(" ".join(text.split()))
    if not match:
        return None
    name = _SECOND_AUTHOR.sub("", match["name"]).strip().rstrip(",")
    if not name or not name[0].isupper() or not fold(name):
        return None
    return AuthorYear(name, int(match["year"]), match["suffix"] or "")


def find_citations(text: str) -> list[InlineCitation]:
    citations: list[InlineCitation] = []
    for bracket in _BRACKET.finditer(text):
        inner_start = bracket.start(1)
        offset = 0
        for part in bracket.group(1).split(";"):
            lead = len(part) - len(part.lstrip())
            stripped = part.strip()
            start = inner_start + offset + lead
            offset += len(part) + 1
            if not stripped:
                continue
            key = _KEY.match(stripped)
            if key:
                citations.append(InlineCitation(stripped, start, key=key.group(1)))
                continue
            author_year = parse_author_year(stripped)
            if author_year:
                citations.append(
                    InlineCitation(
                        stripped,
                        start,
                        family=author_year.family,
                        year=author_year.year,
                        suffix=author_year.suffix,
                    )
                )
    return citations
