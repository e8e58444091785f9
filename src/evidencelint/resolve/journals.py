"""Journal titles and their MEDLINE abbreviations, for the journals word rules cannot derive.

`Acta Physiol (Oxf)` for "Acta physiologica", `Anaesthesist` for "Der Anaesthesist",
`Prog Neuropsychopharmacol Biol Psychiatry` for "Progress in neuro-psychopharmacology &
biological psychiatry": no truncation rule gets there, the NLM's lists do. The package
ships them (`data/journals.tsv.gz`, rebuilt by `scripts/build_journals.py`; source and
licence in `data/JOURNALS-LICENSE.md`) as one line per listed journal: the normalised
forms of its title and abbreviation, tab-separated. The list is read on first use only,
when a cited journal failed the word rules: a check whose journals all match by the rules
never reads it.
"""

from __future__ import annotations

import functools
import gzip
import os
import re

from evidencelint.resolve.authors import fold
from evidencelint.rule_names import DATA_FOLDER

DATA_FILE = "journals.tsv.gz"
STOPWORDS = frozenset({"the", "of", "and", "for", "in", "on", "und", "de", "la"})
_ARTICLES = frozenset({"der", "die", "das", "le", "les", "el", "il", "lo", "los", "las"})
_PUNCTUATION = re.compile(r"[.,:;()\[\]'\-/]")
_BRACKETED = re.compile(r"\([^()]*\)|\[[^\[\]]*\]")
_SUBTITLE = re.compile(r"\s*[:;]\s|\s[:;]|\s=\s")
"""'European journal of surgical oncology : the journal of ...'; 'Title; Subtitle'."""
_SERIES = re.compile(r"\.\s*(?:Ausg|Ausgabe)\b.*$", re.IGNORECASE)
"""'Der Urologe. Ausg. A': the series is cited ('Urologe A'); the registry may list the
journal without it."""


def tokens(title: str) -> tuple[str, ...]:
    """The words of a journal title as compared: folded, without small words."""
    text = _PUNCTUATION.sub(" ", title.replace("&", " and "))
    return tuple(f for f in (fold(t) for t in text.split()) if f and f not in STOPWORDS)


@functools.lru_cache(maxsize=1 << 12)
def forms(title: str) -> tuple[tuple[str, ...], ...]:
    """The title as written, then without its place qualifier or acronym in brackets, its
    subtitle, its series or its leading article: each is how some list or record has it."""
    texts = [title]
    texts.append(_BRACKETED.sub(" ", title))
    for text in list(texts):
        texts.append(_SUBTITLE.split(text, maxsplit=1)[0])
        texts.append(_SERIES.sub("", text))
    found: list[tuple[str, ...]] = []
    for text in texts:
        words = tokens(text)
        variants = [words]
        if len(words) > 1 and words[0] in _ARTICLES:
            variants.append(words[1:])
        for variant in variants:
            if variant and variant not in found:
                found.append(variant)
    return tuple(found)


def keys(title: str) -> frozenset[str]:
    return frozenset(" ".join(form) for form in forms(title))


@functools.cache
def _index() -> dict[str, tuple[int, ...]]:
    """Normalised title or abbreviation -> the listed journals (line numbers) it names."""
    with open(os.path.join(DATA_FOLDER, DATA_FILE), "rb") as data:
        raw = data.read()
    index: dict[str, list[int]] = {}
    for number, line in enumerate(gzip.decompress(raw).decode("utf-8").splitlines()):
        for key in line.split("\t"):
            index.setdefault(key, []).append(number)
    return {key: tuple(lines) for key, lines in index.items()}


def listed_together(cited: str, registered: str) -> bool:
    """Do the NLM lists give `cited` and `registered` as names of one journal?"""
    index = _index()
    journals = {n for key in keys(cited) for n in index.get(key, ())}
    return bool(journals) and any(
        n in journals for key in keys(registered) for n in index.get(key, ())
    )
