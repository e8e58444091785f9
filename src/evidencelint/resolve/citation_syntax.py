"""Inline citations in claim text: [Linde 2016], [Linde et al. 2016a; Vickers 2018], [@key].

A bracket is read as citations part by part (parts separated by ';'); a part that is
neither a key nor "Name Year" is prose ("[list lost]") and is left alone. Markdown links
("[text](url)") are not citations.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from evidencelint.resolve.authors import fold

_BRACKET = re.compile(r"\[([^\[\]\n]*(?:\n[^\[\]\n]*)?)\](?!\()")
_KEY = re.compile(r"^@([A-Za-z0-9][A-Za-z0-9_.:-]*?)[.:]?(?:,\s*[^;]*)?$")
_AUTHOR_YEAR = re.compile(
    r"^(?P<name>[^\W\d_][^;@\d]*?)"
    r"(?:\s+et\s+al\.?)?,?\s+"
    r"(?P<year>\d{4})(?P<suffix>[a-z])?"
    r"(?:,\s*[^;]*)?$"
)
_SECOND_AUTHOR = re.compile(r"\s+(?:and|&)\s+.*$")
# Lower-case particles that may open a family name: [van der Berg 2022], [de Souza 2020].
PARTICLES = frozenset(
    {"van", "von", "der", "den", "de", "del", "della", "dalla", "di", "da", "du", "dos", "das"}
    | {"do", "la", "le", "ten", "ter", "al", "el", "bin", "ibn"}
)


@dataclass(frozen=True, slots=True)
class InlineCitation:
    text: str
    """The part as written, e.g. 'Linde et al. 2016a' or '@linde2016'."""
    offset: int
    """Where the part starts in the claim text."""
    key: str | None = None
    family: str | None = None
    """The first author's family name as written ('Linde')."""
    name: str | None = None
    """Everything before the year: 'Linde and Allais', or an organisation with 'and'."""
    year: int | None = None
    suffix: str = ""

    @property
    def family_key(self) -> str:
        return fold(self.family or "")

    @property
    def name_keys(self) -> frozenset[str]:
        """Folded forms the first author may match: the family name and the whole name."""
        return frozenset(fold(n) for n in (self.family, self.name) if n)


@dataclass(frozen=True, slots=True)
class AuthorYear:
    family: str
    year: int
    suffix: str
    name: str


def parse_author_year(text: str) -> AuthorYear | None:
    """'Linde et al. 2016a' -> AuthorYear('Linde', 2016, 'a'); prose -> None."""
    if len(text) > _REMEMBERED_UP_TO:
        return _parse_author_year(text)
    return _remembered_author_year(text)


_REMEMBERED_UP_TO = 200
"""Citations this long or shorter are parsed once per run (one work is cited as 'Linde et
al. 2016' on page after page); longer ones are prose, and caching them would let a file
of huge brackets hold memory."""


@functools.lru_cache(maxsize=1 << 14)
def _remembered_author_year(text: str) -> AuthorYear | None:
    return _parse_author_year(text)


def _parse_author_year(text: str) -> AuthorYear | None:
    match = _AUTHOR_YEAR.match(" ".join(text.split()))
    if not match:
        return None
    whole = match["name"].strip().rstrip(",")
    family = _SECOND_AUTHOR.sub("", whole).strip().rstrip(",")
    words = [w for w in family.split() if w.lower() not in PARTICLES]
    if not words or not words[0][0].isupper() or not fold(family):
        return None
    return AuthorYear(family, int(match["year"]), match["suffix"] or "", whole)


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
                        name=author_year.name,
                        year=author_year.year,
                        suffix=author_year.suffix,
                    )
                )
    return citations
