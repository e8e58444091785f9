"""The printed reference list: where it is, and each entry read into fields.

Entries are read as printed, errors included (catching them is the check's job): the
Vancouver/AMA/NLM form `Authors. Title. Journal. Year;Volume(Issue):Pages. doi:...` and
the APA form `Authors (Year). Title. Journal, Volume(Issue), Pages. https://doi.org/...`.
An entry that fits neither keeps its authors and title when they can be told apart, and
is typed a web page when it names no journal.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from evidencelint.importer.source import Block, clean_text

_HEADING = re.compile(
    r"^\(?(?:\d+\s+)?(?:references?|sources?|bibliography|citations?|works cited|literature)"
    r"(?:\s+and\s+notes)?\)?:?$",
    re.IGNORECASE,
)
_COUNT = re.compile(r"^(\d+)\s+(?:references|sources|citations)$", re.IGNORECASE)
_DOI = re.compile(
    r"(?:\bdoi\s*:\s*|https?://(?:dx\.)?doi\.org/)(10\.\d{4,9}(?:\.\d+)*/[^\s\"<>]+)",
    re.IGNORECASE,
)
_BARE_DOI = re.compile(r"\b(10\.\d{4,9}(?:\.\d+)*/[^\s\"<>]+)")
_PMID = re.compile(r"\bPMID\s*:?\s*(\d{1,9})\b")
_PMCID = re.compile(r"\bPMCID\s*:?\s*(PMC\d{1,9})\b", re.IGNORECASE)
_URL = re.compile(r"https?://[^\s<>\"]+")
_ACCESSED = re.compile(r"\b(?:accessed|retrieved|cited)\s*(?:on\s*)?:?\s*([^.;\]]+)", re.I)
_VANCOUVER_SOURCE = re.compile(
    r"\.\s*(?P<year>\d{4})[a-z]?(?:\s+[A-Z][a-z]{2,8}\.?(?:\s+\d{1,2})?)?\s*"
    r"(?:;\s*(?P<volume>[^();:\s][^();:]*?)?\s*(?:\((?P<issue>[^()]*)\))?"
    r"(?:\s*:\s*(?P<pages>[A-Za-z]{0,3}\d[\w\-–]*))?)?\s*(?:\.|$)"
)
_APA = re.compile(
    r"^(?P<authors>.+?)\s*\((?P<year>\d{4})[a-z]?(?:,[^)]*)?\)\.\s*(?P<title>.+?[.?!])\s+"
    r"(?P<journal>[^,.]+?),\s*(?P<volume>\d[\w]*)(?:\((?P<issue>[^)]+)\))?"
    r"(?:,\s*(?P<pages>[A-Za-z]?\d[\w\-–]*))?"
)
_TAIL = re.compile(
    r"(?:\s*(?:\bdoi\s*:|https?://|\bEpub\b|\bPMID\b|\bPMCID\b|\bAvailable\s+(?:at|from)\b"
    r"|\b(?:accessed|retrieved)\b)).*$",
    re.IGNORECASE | re.DOTALL,
)
_REVIEW_WORDS = re.compile(r"systematic review|meta-analys|cochrane", re.IGNORECASE)
_GUIDELINE_WORDS = re.compile(r"\bguidelines?\b", re.IGNORECASE)


@dataclass(slots=True)
class ParsedReference:
    printed: str
    """The whole entry as printed (its words), kept for comments and for the search."""
    number: int | None = None
    authors: list[str] = field(default_factory=list)
    title: str = ""
    journal: str = ""
    year: int | None = None
    volume: str = ""
    issue: str = ""
    pages: str = ""
    doi: str = ""
    pmid: str = ""
    pmcid: str = ""
    url: str = ""
    accessed_printed: str = ""
    notes: list[str] = field(default_factory=list)

    @property
    def type(self) -> str:
        if self.journal and self.year is not None:
            if self.journal.lower().startswith("cochrane") or _REVIEW_WORDS.search(self.title):
                return "systematic-review"
            if _GUIDELINE_WORDS.search(self.title):
                return "guideline"
            return "journal-article"
        if self.url or not self.year:
            return "web-page"
        return "report"


@dataclass(slots=True)
class ReferenceList:
    entries: list[ParsedReference]
    heading: str = ""
    announced: int | None = None
    """The count the heading prints ("17 Sources"), when it prints one."""
    start: int = -1
    """Index of the heading block; blocks from there on are not claims."""


def find_references(blocks: list[Block]) -> ReferenceList:
    """The entries under the last reference heading: its list items, or its paragraphs
    that read as references; the list ends at the first block that is neither."""
    for index in range(len(blocks) - 1, -1, -1):
        block = blocks[index]
        if block.list_item or not _HEADING.match(block.text.strip()):
            continue
        entries = _entries(blocks[index + 1 :])
        if not entries:
            continue
        count = _COUNT.match(block.text.strip())
        return ReferenceList(
            entries, block.text.strip(), int(count.group(1)) if count else None, index
        )
    return ReferenceList([])


def _entries(blocks: list[Block]) -> list[ParsedReference]:
    entries: list[ParsedReference] = []
    in_list = False
    for block in blocks:
        if block.list_item:
            in_list = True
            entries.append(parse_reference(block.raw, block.text, block.number))
        elif not in_list and _reads_as_reference(block.text):
            entries.append(parse_reference(block.raw, block.text, None))
        elif entries:
            break  # the list has ended
    return entries


def _reads_as_reference(text: str) -> bool:
    return bool(_DOI.search(text) or _VANCOUVER_SOURCE.search(text) or _APA.match(text))


def parse_reference(raw: str, text: str, number: int | None = None) -> ParsedReference:
    entry = ParsedReference(printed=text, number=number)
    doi = _DOI.search(raw) or _BARE_DOI.search(raw)
    if doi:
        entry.doi = doi.group(1).rstrip(".,;)]")
    if m := _PMID.search(text):
        entry.pmid = m.group(1)
    if m := _PMCID.search(text):
        entry.pmcid = m.group(1).upper()
    urls = [u.rstrip(".,;)]") for u in _URL.findall(raw) if "doi.org/" not in u.lower()]
    if urls:
        entry.url = urls[0]
    if m := _ACCESSED.search(text):
        entry.accessed_printed = m.group(1).strip()
    body = _TAIL.sub("", text).strip()
    if not _apa(entry, body):
        _vancouver(entry, body)
    return entry


def _apa(entry: ParsedReference, body: str) -> bool:
    match = _APA.match(body)
    if match is None:
        return False
    entry.authors = _apa_authors(match.group("authors"))
    entry.year = int(match.group("year"))
    entry.title = match.group("title").rstrip(".")
    entry.journal = match.group("journal").strip()
    entry.volume = match.group("volume") or ""
    entry.issue = match.group("issue") or ""
    entry.pages = match.group("pages") or ""
    return True


def _apa_authors(text: str) -> list[str]:
    """'Vickers, A. J., Vertosick, E. A., & Lewith, G.' -> ['Vickers AJ', ...]."""
    text = re.sub(r",?\s*(?:&|and)\s+", ", ", text)
    parts = [p.strip() for p in text.split(",") if p.strip()]
    authors: list[str] = []
    index = 0
    while index < len(parts):
        family = parts[index]
        given = parts[index + 1] if index + 1 < len(parts) else ""
        if given and re.fullmatch(r"(?:[A-Z][a-z]?\.?\s*-?\s*)+", given):
            initials = "".join(re.findall(r"[A-Z]", given))
            authors.append(f"{family} {initials}")
            index += 2
        else:
            authors.append(family.rstrip("."))
            index += 1
    return [_et_al(a) for a in authors]


def _vancouver(entry: ParsedReference, body: str) -> None:
    authors, rest = _split_authors(body)
    entry.authors = authors
    source = None
    for match in _VANCOUVER_SOURCE.finditer(rest):
        source = match  # the last one: a year may also appear in a title
    if source is None:
        entry.title = _strip_end(rest)
        return
    entry.year = int(source.group("year"))
    entry.volume = (source.group("volume") or "").strip()
    entry.issue = (source.group("issue") or "").strip()
    entry.pages = (source.group("pages") or "").strip()
    before = rest[: source.start()]
    title, journal = _title_and_journal(before)
    entry.title, entry.journal = title, journal
    if not journal:
        entry.notes.append("no journal could be told apart from the title")


def _split_authors(body: str) -> tuple[list[str], str]:
    """'Linde K, Allais G, et al. Title...' -> (['Linde K', 'Allais G', 'et al.'], 'Title...')."""
    match = re.match(r"^(.+?(?:\bet\s+al)?)\.\s+(?=\S)", body)
    if match is None:
        return [], body
    names = [n.strip() for n in re.split(r"[,;]", match.group(1)) if n.strip()]
    return [_et_al(n) for n in names], body[match.end() :]


def _et_al(name: str) -> str:
    return "et al." if re.fullmatch(r"et\.?\s*al\.?", name.strip(), re.IGNORECASE) else name


def _title_and_journal(text: str) -> tuple[str, str]:
    """The journal is the last sentence before the year; a title run into it without
    '. ' ("...pain reductionCurr Pain Headache Rep") is split where a lower-case letter
    meets a capital inside a word."""
    text = text.strip()
    cut = max(text.rfind(". "), text.rfind("? "), text.rfind("! "))
    if cut < 0:
        joined = re.search(r"[a-z](?=[A-Z][a-z]+(?:\s|$))", text)
        if joined:
            return text[: joined.end()].strip(), text[joined.end() :].strip()
        return text, ""
    title = text[: cut + 1].strip()
    journal = text[cut + 2 :].strip()
    if title.endswith("."):
        title = title[:-1]
    joined = re.search(r"\b\w*[a-z](?=[A-Z][a-z]+\s)", journal)
    if joined and " " in journal[joined.end() :]:
        title = f"{title}. {journal[: joined.end()]}"
        journal = journal[joined.end() :]
    return clean_text(title), clean_text(journal)


def _strip_end(text: str) -> str:
    return clean_text(text).rstrip(".").strip()
