"""Is the cited work the registered one? Field-by-field comparison, tolerant of style.

A correctly cited work must pass however the record spells it: JATS tags and line breaks
in titles, NLM abbreviations of journals, diacritics in names, online and print years,
abbreviated page ranges. Pure functions: no I/O.
"""

from __future__ import annotations

import functools
import html
import itertools
import math
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz, process
from rapidfuzz.distance import Levenshtein

from evidencelint.content.model import Reference
from evidencelint.findings import Severity
from evidencelint.resolve import journals
from evidencelint.resolve.authors import family_name, fold, folds, is_et_al
from evidencelint.verify.record import Author, WorkRecord

TITLE_THRESHOLD = 92.0
"""Content-word similarity (0-100) at or above which two titles name the same work: one
word may differ in a title of 13 content words or more, none in a shorter one. Measured
with `python bench/title_threshold.py` (figures in its output)."""

_TAG = re.compile(r"<[^<>]+>")
"""A tag never holds '<': with `[^>]+`, every '<' of a long run without '>' scanned to
the end of the text (quadratic time for a garbled record)."""


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
    title = _title(reference, record)
    if title is not None:
        # The DOI points at another work: its authors, year and pages differ as a matter
        # of course, and one finding says all there is to fix.
        return [title]
    found: list[Mismatch] = []
    for check in (_authors, _year, _journal, _volume, _issue, _pages):
        mismatch = check(reference, record)
        if mismatch is not None:
            found.append(mismatch)
    return found


# Titles -------------------------------------------------------------------------------

_TITLE_STOPWORDS = frozenset(
    {"the", "a", "an", "of", "for", "and", "in", "on", "with", "to", "from", "by", "at"}
    | {"as", "or", "vs", "versus", "is", "are", "its", "their"}
)
_GREEK = str.maketrans(
    {
        chr(code): f" {unicodedata.name(chr(code)).split()[-1].lower()} "
        for code in (*range(0x391, 0x3AA), *range(0x3B1, 0x3CA))
        if code != 0x3A2  # unassigned
    }
    | {"ϵ": " epsilon ", "ϑ": " theta ", "ϕ": " phi ", "ϖ": " pi ", "ϰ": " kappa "}
)
"""Greek letters as cited in Latin script: 'ω-3' is 'omega-3', 'TNF-α' 'TNF-alpha'."""
_LABEL = re.compile(
    r"^\s*(?:(?:guest\s+|invited\s+)?editorial|(?:invited\s+)?commentary|correspondence"
    r"|letter(?:\s+to\s+the\s+editors?)?|research\s+letter|viewpoint|perspective"
    r"|original\s+(?:article|research)|research\s+article|review\s+article|editor'?s\s+note)"
    r"\s*(?::|[-–—]\s|$)",
    re.IGNORECASE,
)
"""A section label the publisher deposited before (or as) the title: 'Editorial: ...',
'Letter to the editor: ...'. Not 'Erratum', 'Retraction', 'Reply': those are other works."""
_NOTE = re.compile(r"\[[^\[\]]*\]")
"""A bracketed editorial note around the title: '[Guest Editor: ...]', '[Editorial]'."""
_SUBTITLE = re.compile(
    r":|\s[-–—]\s|(?<!\bvs)(?<!\bal)(?<!\be\.g)(?<!\bi\.e)(?<!\bst)(?<!\bdr)(?<!\bno)[.?!]\s",
    re.IGNORECASE,
)
"""Where a subtitle starts; not at the full stop of 'vs.', 'et al.', 'e.g.', 'St.', 'Dr.',
'No.'. No optional blanks around it: words are split on blanks anyway, and a leading run
of them was rescanned from each of its positions (quadratic)."""
_MAIN_TITLES = 3
"""Separators tried for where the main title ends."""
_SPELLING = (
    (re.compile(r"(?<=[a-z])(ae|oe)(?=[a-z])"), "e"),  # paediatric, oesophageal
    (re.compile(r"our$"), "or"),  # tumour, behaviour
    (re.compile(r"is(e|ed|es|ing|ation|ations)$"), r"iz\1"),  # randomised, organisation
    (re.compile(r"ys(e|ed|es|ing)$"), r"yz\1"),  # analyse
    (re.compile(r"(?<=[a-z]{3})re$"), "er"),  # centre, fibre
)


def normalise_title(title: str) -> str:
    """Words of a title as compared: markup, entities, case, diacritics, punctuation,
    British spellings and small words ironed out."""
    return " ".join(_title_words(title))


def _title_words(title: str, *, american: bool = True) -> list[str]:
    text = html.unescape(html.unescape(title))  # entities may be escaped twice
    text = unicodedata.normalize("NFKC", _TAG.sub(" ", text).replace("&", " and "))
    text = text.translate(_GREEK)
    decomposed = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    words = re.sub(r"[^\w\s]|_", " ", text).split()
    kept = [word for word in words if word not in _TITLE_STOPWORDS]
    return [_american(word) for word in kept] if american else kept


@functools.lru_cache(maxsize=1 << 16)
def _american(word: str) -> str:
    for pattern, replacement in _SPELLING:
        word = pattern.sub(replacement, word)
    return word


@functools.lru_cache(maxsize=1 << 14)
def _forms(title: str) -> tuple[list[str], ...]:
    """The whole title, and its main title without the subtitle (often dropped): the text
    before each of the first separators, since an abbreviation ('vs. ') or a second
    subtitle ('Title: Subtitle: Label') may come first."""
    whole = _title_words(title, american=False)
    text = _TAG.sub(" ", html.unescape(title))
    forms = [whole]
    for separator in itertools.islice(_SUBTITLE.finditer(text), _MAIN_TITLES):
        main = _title_words(text[: separator.start()], american=False)
        if main and main not in forms:
            forms.append(main)
    return tuple(forms)


_JOINED_SAME = 98.0


def _word_similarity(cited: list[str], registered: list[str]) -> float:
    """Typos are mended before British spellings are ironed out: 'proecss' would become
    'precss' (the 'oe' of 'oesophageal'), too far from 'process' to be seen as a typo."""
    fixed = [_american(w) for w in _typo_fixed(cited, registered)]
    registered = [_american(w) for w in registered]
    if fuzz.ratio("".join(fixed), "".join(registered)) >= _JOINED_SAME:
        return 100.0  # 'non-pharmacologic' = 'nonpharmacologic'
    return Levenshtein.normalized_similarity(fixed, registered) * 100


def _typo_fixed(cited: list[str], registered: list[str]) -> list[str]:
    """A cited word one or two letters off a registered word of the same length counts as
    that word ('pian' is not worth an error; 'pharmacologic' is not 'nonpharmacologic');
    of several such words, the closest ('telomree' is 'telomere', not 'telomeres'), unless
    two are equally close."""
    known = set(registered)
    fixed = []
    for word in cited:
        if word not in known and len(word) >= 5:
            scored = ((fuzz.ratio(w, word), w) for w in known if abs(len(w) - len(word)) <= 1)
            close = sorted(((r, w) for r, w in scored if r >= 80), reverse=True)
            if close and (len(close) == 1 or close[0][0] > close[1][0]):
                word = close[0][1]
        fixed.append(word)
    return fixed


@functools.lru_cache(maxsize=1 << 14)
def title_similarity(cited: str, registered: str) -> float:
    """0-100: the share of content words the two titles have in common, in order.

    Comparing words rather than characters keeps apart different works whose titles
    differ by one long word ("Nonpharmacologic" / "Systemic Pharmacologic Therapies") or by
    an added word ("update" of an individual patient data meta-analysis). Either side may
    have dropped its subtitle.
    """
    return _forms_similarity(_forms(cited), _forms(registered))


def _forms_similarity(cited: Sequence[list[str]], registered: Sequence[list[str]]) -> float:
    cited_whole, *cited_main = cited
    registered_whole, *registered_main = registered
    pairs = [(cited_whole, registered_whole)]
    pairs += [(cited_whole, main) for main in registered_main]  # the citation dropped it
    pairs += [(main, registered_whole) for main in cited_main]  # the record lacks it
    return max(
        (_word_similarity(a, b) for a, b in pairs if a and b),
        default=0.0,
    )


def _joined_cutoff(widest: int, most_words: int, total: int) -> float:
    """The lowest fuzz.ratio of two titles' joined words (before typo fixing) at which
    the joined-words test can still pass after it. Fixing the cited words (at most
    `widest` characters in `most_words` words) costs at most 0.2 (Lc + Lf) of Indel
    distance, with Lf <= Lc + one letter a word; the test then allows 2% of Lf + Lr."""
    fixing = 0.2 * (2 * widest + most_words)
    after = (1 - _JOINED_SAME / 100) * (2 * widest + most_words)
    return max(0.0, 100 * (1 - (fixing + after) / total))


def similar_titles(titles: Sequence[str]) -> list[list[int]]:
    """For each title, the indices of the others with `title_similarity` (this one as
    cited) at or above TITLE_THRESHOLD, in order: what comparing every pair gives, without
    comparing every pair word by word.

    A pair can reach the threshold only if its joined words are close as characters
    (below), and rapidfuzz measures that for a title against all others at C speed; the
    few pairs that pass are then compared exactly. Why the bound holds: words are compared
    as written, before the exact test irons out British spellings (which only makes more
    words equal). At the threshold, the word lists (after typo fixing) are at most d = 8%
    of the longer list's words apart. Each word kept, typo-fixed (fuzz.ratio >= 80) or
    spelt the British way costs at most a fifth of its characters, each of the d edited
    words at most its length, so the character Indel distance is
    <= 0.2 (La + Lb) + d (Ma + Mb) (L: total length, M: longest word), and fuzz.ratio of
    the joined words >= 100 (0.8 - d (Ma + Mb) / (La + Lb)). Titles whose word counts are
    further apart can only meet through the joined-words test (>= 98 after typo fixing):
    fixing moves a word by at most a fifth of its characters and one letter of length, so
    the joined words before fixing are at least `_joined_cutoff` alike.
    """
    forms = [_forms(title) for title in titles]
    items = [(i, words) for i, title_forms in enumerate(forms) for words in title_forms if words]
    joined = ["".join(words) for _, words in items]
    longest = [max(map(len, words)) for _, words in items]
    by_count: dict[int, list[int]] = {}
    for index, (_, words) in enumerate(items):
        by_count.setdefault(len(words), []).append(index)
    buckets = [
        (count, members, [joined[m] for m in members], max(longest[m] for m in members),
         min(len(joined[m]) for m in members), max(len(joined[m]) for m in members))
        for count, members in sorted(by_count.items())
    ]  # fmt: skip

    def edits(a_count: int, b_count: int) -> int:
        return math.floor(0.08 * max(a_count, b_count) + 1e-9)

    candidates: list[set[int]] = [set() for _ in titles]
    for a, (i, words) in enumerate(items):
        for count, members, choices, bucket_longest, bucket_shortest, bucket_widest in buckets:
            allowed = edits(len(words), count)
            joined_only = abs(len(words) - count) > allowed
            if joined_only:
                # A word-level edit distance is at least the difference in words: only
                # the joined-characters test can pass.
                cutoff = _joined_cutoff(
                    max(len(joined[a]), bucket_widest),
                    max(len(words), count),
                    len(joined[a]) + bucket_shortest,
                )
            else:
                cutoff = 100 * (
                    0.8
                    - allowed * (longest[a] + bucket_longest) / (len(joined[a]) + bucket_shortest)
                )
            for _, score, position in process.extract(
                joined[a], choices, scorer=fuzz.ratio, score_cutoff=max(cutoff - 1e-6, 0.0),
                limit=None,
            ):  # fmt: skip
                b = members[position]
                j = items[b][0]
                if j == i or j in candidates[i]:
                    continue
                room = allowed * (longest[a] + longest[b])
                needed = (
                    _joined_cutoff(
                        max(len(joined[a]), len(joined[b])),
                        max(len(words), len(items[b][1])),
                        len(joined[a]) + len(joined[b]),
                    )
                    if joined_only
                    else 100 * (0.8 - room / (len(joined[a]) + len(joined[b])))
                )
                if score >= needed - 1e-6:
                    candidates[i].add(j)
                    candidates[j].add(i)  # the bound is symmetric; the exact test is not
    return [
        [
            j
            for j in sorted(candidates[i])
            if _forms_similarity(forms[i], forms[j]) >= TITLE_THRESHOLD
        ]
        for i in range(len(titles))
    ]


def _title(reference: Reference, record: WorkRecord) -> Mismatch | None:
    registered = [core for title in record.titles for core in _cores(title)]
    if not registered:
        return None  # no title, or only a section label ('Editorial'): nothing to compare
    cited = _strip_notice_prefix(reference.title)
    best = max(title_similarity(cited, title) for title in registered)
    if best >= TITLE_THRESHOLD:
        return None
    return Mismatch(
        "title",
        _clean(record.title),
        reference.title,
        "the registered title is different: the DOI may point at another work",
        Severity.ERROR,
    )


@functools.lru_cache(maxsize=1 << 14)
def _cores(title: str) -> tuple[str, ...]:
    """A registered title, and its core without a section label or a bracketed note; none
    when it is a bare label."""
    title = _strip_notice_prefix(title)
    forms = [title]
    noted = _NOTE.sub(" ", title)
    if noted != title and _title_words(noted):
        forms.append(noted)
    for form in list(forms):
        label = _LABEL.match(form)
        if label is None:
            continue
        rest = form[label.end() :]
        if _title_words(rest):
            forms.append(rest)
        elif form is title:
            return ()
    return tuple(forms)


def _strip_notice_prefix(title: str) -> str:
    return re.sub(r"^\s*(retracted|withdrawn)\s*:\s*", "", title, flags=re.IGNORECASE)


def _clean(text: str) -> str:
    return " ".join(html.unescape(_TAG.sub("", text)).split())


# Authors ------------------------------------------------------------------------------


def _same_person(cited: str, author: Author) -> bool:
    if author.group:
        return fuzz.ratio(fold(cited), fold(author.family)) >= 85
    cited_families = folds(family_name(cited)) - {""}
    families = folds(author.family) - {""}
    if not cited_families or not families:
        return False
    if cited_families & families:
        return True  # 'Mueller K' for 'Müller'
    words = author.family.split()
    if len(words) > 1 and cited_families & folds(words[-1]):
        return True  # a middle name deposited with the family: 'Charles Schulz' is Schulz SC
    if not author.given and len(words) > 1 and cited_families & folds(words[0]):
        return True  # a whole name deposited as the family name: 'Na Yung Kim' is Kim NY
    # 'van der Berg J' against family 'Berg', given 'Jan van der'; two-word family names
    # split differently; given and family swapped in the record.
    wholes = folds(f"{author.given} {author.family}")
    return any(
        (len(family) >= 3 and cited_family.endswith(family) and whole.endswith(cited_family))
        for cited_family in cited_families
        for family in families
        for whole in wholes
    ) or bool(cited_families & folds(author.given))


def _looks_like_group(cited: str) -> bool:
    """'Acupuncture Trialists' Collaboration' is a group; 'Smith SC Jr' is a person."""
    return len(cited.split()) >= 3 and family_name(cited) == cited.strip()


def _authors(reference: Reference, record: WorkRecord) -> Mismatch | None:
    if not reference.authors or not record.authors:
        return None
    cited = [a for a in reference.authors if not is_et_al(a)]
    if not cited:
        return None  # 'et al.' alone names nobody to compare
    truncated = len(cited) < len(reference.authors)
    registered = list(record.authors)
    has_groups = any(a.group for a in registered)
    expected = _author_list(registered)
    persons_first = [a for a in registered if not a.group] or registered
    first = registered[0] if _looks_like_group(cited[0]) else persons_first[0]
    if not _same_person(cited[0], first) and not _same_person(cited[0], registered[0]):
        first_group = _looks_like_group(cited[0]) and not has_groups
        if not first_group:
            return Mismatch(
                "authors",
                expected,
                ", ".join(reference.authors),
                f"the first author is {_name(first)}, not {cited[0]}",
                Severity.ERROR,
            )
    unknown: list[str] = []
    # A record often lists only the first authors: cited names past its end are evidence
    # of nothing unless the part both lists have disagrees (then all unknown names are said).
    in_both = 0
    position = 0
    for index, name in enumerate(cited):
        if _looks_like_group(name) and not has_groups:
            continue  # Crossref often omits group authors; not evidence of an error
        match = next(
            (i for i in range(position, len(registered)) if _same_person(name, registered[i])),
            None,
        )
        if match is None:
            unknown.append(name)
            in_both += index < len(registered)
        else:
            position = match + 1
    persons = [a for a in registered if not a.group]
    missing = not truncated and len([c for c in cited if not _looks_like_group(c)]) < len(persons)
    if not in_both and not missing:
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


_IRREGULAR = {"jpn": "japan"}
"""Abbreviations of the ISO 4 word list that are neither truncations nor contractions."""


def _abbreviates(short: str, word: str) -> bool:
    """ISO 4 / NLM style: a truncation ('genet' for 'genetics', 'j' for 'journal') or a
    contraction keeping the first and last letters ('natl' for 'national'). A whole word
    is not an abbreviation of its plural ('cell' is not 'cells')."""
    if short == word:
        return True
    if not short or len(short) >= len(word) or word in (short + "s", short + "es"):
        return False
    if word.startswith(short) or word.startswith(_IRREGULAR.get(short, "\0")):
        return True
    return any(
        word.startswith(short[:k]) and word.endswith(short[k:]) for k in range(1, len(short))
    )


def _words_match(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    if "".join(a) == "".join(b):
        return True  # 'J. Comp. Neurol.' = 'J Comp Neurol'; 'U.S.A.' = 'USA'
    return len(a) == len(b) and all(_abbreviates(x, y) for x, y in zip(a, b, strict=True))


def journal_matches(cited: str, container: str) -> bool:
    """The word rules on each form of both names (with and without a bracketed place or
    acronym, a subtitle, a series, a leading article), then the NLM lists, read only when
    the rules fail."""
    cited_forms, container_forms = journals.forms(cited), journals.forms(container)
    if not cited_forms or not container_forms:
        return False
    if any(_words_match(a, b) for a in cited_forms for b in container_forms):
        return True
    return journals.listed_together(cited, container)


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
    parts = re.split(r"[-–—‐]+", text, maxsplit=1)  # no blanks around: quadratic; stripped
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
