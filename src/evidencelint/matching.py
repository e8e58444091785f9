"""Is the cited work the registered one? Field-by-field comparison, tolerant of style.

A correctly cited work must pass however the record spells it: JATS tags and line breaks
in titles, NLM abbreviations of journals, diacritics in names, online and print years,
abbreviated page ranges. Pure functions: no I/O.
"""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass

from rapidfuzz import fuzz

from evidencelint.findings import Severity
from evidencelint.model import Reference
from evidencelint.names import family_name, fold, is_et_al, is_initials
from evidencelint.registry.record import Author, WorkRecord

TITLE_THRESHOLD = 90.0
"""rapidfuzz ratio (0-100) on normalised titles above which two titles are the same.
Measured with bench/title_threshold.py: spelling and style variants of one title score
at least 94; different works on the same topic score at most 82."""

_TAG = re.compile(r"<[^>]+>")
_STOPWORDS = frozenset({"the", "of", "and", "for", "in", "on", "a", "an", "und", "de", "la"})


@dataclass(frozen=True, slots=True)
class Mismatch:
    field: str
    expected: str
    """What the registry says."""
    actual: str
    """What is cited."""
    detail: str
    severity: Severity


def compare(reference: Reference, record: WorkRecord) -> list[Mismatch]:
    found: list[Mismatch] = []
    for check in (_title, _authors, _year, _journal, _volume, _issue, _pages):
        mismatch = check(reference, record)
        if mismatch is not None:
            found.append(mismatch)
    return found


# Titles -------------------------------------------------------------------------------


def normalise_title(title: str) -> str:
    text = html.unescape(_TAG.sub(" ", title))
    text = unicodedata.normalize("NFKC", text)
    decomposed = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    text = re.sub(r"[^\w\s]", " ", text)
    return " ".join(text.split())


def title_similarity(cited: str, registered: str) -> float:
    """0-100; a cited title that stops at the registered one's subtitle counts as whole."""
    a, b = normalise_title(cited), normalise_title(registered)
    if not a or not b:
        return 0.0
    main = normalise_title(re.split(r"[:.?]\s", registered, maxsplit=1)[0])
    return max(fuzz.ratio(a, b), fuzz.ratio(a, main) if main != b else 0.0)


def _title(reference: Reference, record: WorkRecord) -> Mismatch | None:
    if not record.titles:
        return None
    cited = _strip_notice_prefix(reference.title)
    best = max(title_similarity(cited, _strip_notice_prefix(t)) for t in record.titles)
    if best >= TITLE_THRESHOLD:
        return None
    return Mismatch(
        "title",
        _clean(record.title),
        reference.title,
        "the registered title is different: the DOI may point at another work",
        Severity.ERROR,
    )


def _strip_notice_prefix(title: str) -> str:
    return re.sub(r"^\s*(retracted|withdrawn)\s*:\s*", "", title, flags=re.IGNORECASE)


def _clean(text: str) -> str:
    return " ".join(html.unescape(_TAG.sub("", text)).split())


# Authors ------------------------------------------------------------------------------


def _same_person(cited: str, author: Author) -> bool:
    if author.group:
        return fuzz.ratio(fold(cited), fold(author.family)) >= 85
    cited_family = fold(family_name(cited))
    family = fold(author.family)
    if not cited_family or not family:
        return False
    if cited_family == family:
        return True
    # 'van der Berg J' against family 'Berg', given 'Jan van der'; two-word family names
    # split differently; given and family swapped in the record.
    whole = fold(f"{author.given} {author.family}")
    return (
        len(family) >= 3 and cited_family.endswith(family) and whole.endswith(cited_family)
    ) or cited_family == fold(author.given)


def _looks_like_group(cited: str) -> bool:
    words = cited.split()
    return len(words) >= 3 and not is_initials(words[-1])


def _authors(reference: Reference, record: WorkRecord) -> Mismatch | None:
    if not reference.authors or not record.authors:
        return None
    cited = [a for a in reference.authors if not is_et_al(a)]
    truncated = len(cited) < len(reference.authors)
    registered = list(record.authors)
    has_groups = any(a.group for a in registered)
    expected = _author_list(registered)
    if cited and not _same_person(cited[0], registered[0]):
        first_group = _looks_like_group(cited[0]) and not has_groups
        if not first_group:
            return Mismatch(
                "authors",
                expected,
                ", ".join(reference.authors),
                f"the first author is {_name(registered[0])}, not {cited[0]}",
                Severity.ERROR,
            )
    unknown: list[str] = []
    position = 0
    for name in cited:
        if _looks_like_group(name) and not has_groups:
            continue  # Crossref often omits group authors; not evidence of an error
        match = next(
            (i for i in range(position, len(registered)) if _same_person(name, registered[i])),
            None,
        )
        if match is None:
            unknown.append(name)
        else:
            position = match + 1
    persons = [a for a in registered if not a.group]
    missing = not truncated and len([c for c in cited if not _looks_like_group(c)]) < len(persons)
    if not unknown and not missing:
        return None
    parts = []
    if unknown:
        parts.append(
            f"{', '.join(unknown)} {'is' if len(unknown) == 1 else 'are'} not among "
            "the registered authors (or not in that order)"
        )
    if missing:
        parts.append(
            f"the record lists {len(persons)} authors and the citation names fewer without 'et al.'"
        )
    return Mismatch(
        "authors", expected, ", ".join(reference.authors), "; ".join(parts), Severity.WARNING
    )


def _name(author: Author) -> str:
    if author.group or not author.given:
        return author.family
    initials = "".join(part[0] for part in re.split(r"[\s.\-]+", author.given) if part)
    return f"{author.family} {initials.upper()}"


def _author_list(authors: list[Author]) -> str:
    return ", ".join(_name(a) for a in authors)


# Year, journal, volume, issue, pages ---------------------------------------------------


def _year(reference: Reference, record: WorkRecord) -> Mismatch | None:
    if reference.year is None or not record.years or reference.year in record.years:
        return None
    years = ", ".join(str(y) for y in sorted(record.years))
    return Mismatch(
        "year",
        years,
        str(reference.year),
        f"the work is dated {years} in the registry (print or online)",
        Severity.WARNING,
    )


def _tokens(title: str) -> list[str]:
    text = re.sub(r"[.,:;()'\-/]", " ", title.replace("&", " and "))
    return [fold(t) for t in text.split() if fold(t) and fold(t) not in _STOPWORDS]


def _abbreviates(short: str, word: str) -> bool:
    """'natl' abbreviates 'national', 'j' 'journal', 'genet' 'genetics'."""
    if short == word:
        return True
    if not short or short[0] != word[0] or len(short) > len(word):
        return False
    rest = iter(word[1:])
    return all(c in rest for c in short[1:])


def journal_matches(cited: str, container: str) -> bool:
    a, b = _tokens(cited), _tokens(container)
    if not a or not b:
        return False
    if "".join(a) == "".join(b):
        return True  # 'J. Comp. Neurol.' = 'J Comp Neurol'; 'U.S.A.' = 'USA'
    return len(a) == len(b) and all(_abbreviates(x, y) for x, y in zip(a, b, strict=True))


def _journal(reference: Reference, record: WorkRecord) -> Mismatch | None:
    if reference.journal is None or not record.containers:
        return None
    if any(journal_matches(reference.journal, c) for c in record.containers):
        return None
    return Mismatch(
        "journal",
        record.containers[0],
        reference.journal,
        "the work appeared in another journal",
        Severity.WARNING,
    )


def _simple(field: str, cited: str | None, registered: str) -> Mismatch | None:
    if cited is None or not registered:
        return None
    if fold(cited) == fold(registered):
        return None
    return Mismatch(
        field, registered, cited, f"the registered {field} is {registered}", Severity.WARNING
    )


def _volume(reference: Reference, record: WorkRecord) -> Mismatch | None:
    return _simple("volume", reference.volume, record.volume)


def _issue(reference: Reference, record: WorkRecord) -> Mismatch | None:
    return _simple("issue", reference.issue, record.issue)


def page_range(pages: str) -> tuple[str, str]:
    """'519-27' -> ('519', '527'); 'e20476' -> ('e20476', ''); 'pp. 10–12' -> ('10', '12')."""
    text = re.sub(r"^\s*pp?\.?\s*", "", pages.strip(), flags=re.IGNORECASE)
    parts = re.split(r"\s*[-–—‐]+\s*", text, maxsplit=1)
    first = parts[0].strip().casefold()
    last = parts[1].strip().casefold() if len(parts) > 1 else ""
    if first.isdigit() and last.isdigit() and len(last) < len(first):
        last = first[: len(first) - len(last)] + last
    return first, last


def _pages(reference: Reference, record: WorkRecord) -> Mismatch | None:
    if reference.pages is None or not (record.page or record.article_number):
        return None
    cited_first, cited_last = page_range(reference.pages)
    if record.article_number and cited_first == record.article_number.strip().casefold():
        return None
    if record.page:
        first, last = page_range(record.page)
        if cited_first == first and (not cited_last or not last or cited_last == last):
            return None
    registered = record.page or record.article_number
    return Mismatch(
        "pages",
        registered,
        reference.pages,
        f"the registered pages are {registered}",
        Severity.WARNING,
    )
