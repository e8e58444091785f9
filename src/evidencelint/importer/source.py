"""A published page read into blocks of plain text, whatever it was written in.

HTML goes through trafilatura (main-content extraction: navigation, footers and
advertising left out; title, site name and canonical URL from the page's metadata);
Markdown and plain text are read line by line, with inline Markdown (links, emphasis,
escapes) reduced to its text by markdown-it-py. The DOIs are read from the raw line
before that (`Block.raw`), so that no markup rule can change a printed DOI.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

MAX_PAGE_BYTES = 5 * 1024 * 1024
"""A published page is far smaller; a bigger input is refused rather than parsed."""

HTML_SUFFIXES = frozenset({".html", ".htm", ".xhtml"})

_LIST_MARKER = re.compile(r"^\s*(?:[*\-+•·●▪◦]|\d{1,3}[.)]|\[\d{1,3}\]|\(\d{1,3}\))\s+")
_NUMBER = re.compile(r"^\s*(?:(\d{1,3})[.)]|\[(\d{1,3})\]|\((\d{1,3})\))\s+")


class SourceError(Exception):
    """The file cannot be read as a page (missing, unreadable, too big, not text)."""


@dataclass(frozen=True, slots=True)
class Block:
    text: str
    """The line's text, markup reduced to words, blanks collapsed."""
    raw: str
    """The line as written (list marker removed): where DOIs and URLs are read."""
    list_item: bool = False
    number: int | None = None
    """The printed number of a numbered list item."""


@dataclass(slots=True)
class PageSource:
    path: Path
    blocks: list[Block]
    title: str = ""
    publisher: str = ""
    url: str = ""
    notes: list[str] = field(default_factory=list)


def read_page(path: Path) -> PageSource:
    try:
        size = path.stat().st_size
        if size > MAX_PAGE_BYTES:
            raise SourceError(f"{path} is {size} bytes; a page larger than 5 MB is not imported")
        data = path.read_bytes()
    except OSError as exc:
        raise SourceError(f"cannot read {path}: {exc.strerror or exc}") from None
    if b"\0" in data[:4096]:
        raise SourceError(f"{path} is not a text or HTML file")
    text = data.decode("utf-8", errors="replace")
    if path.suffix.lower() in HTML_SUFFIXES or _looks_like_html(text):
        return _from_html(path, text)
    return PageSource(path, blocks_from_text(text))


def _looks_like_html(text: str) -> bool:
    head = text.lstrip()[:1000].lower()
    return head.startswith(("<!doctype html", "<html")) or "<body" in head


def _from_html(path: Path, text: str) -> PageSource:
    import trafilatura  # type: ignore[import-untyped,unused-ignore]  # older releases: untyped

    try:
        extracted = trafilatura.extract(
            text,
            output_format="markdown",
            include_comments=False,
            include_tables=False,
            include_links=False,
            favor_recall=True,
            with_metadata=False,
        )
        metadata = trafilatura.extract_metadata(text)
    except Exception as exc:  # a page no parser copes with is a message, not a traceback
        raise SourceError(
            f"{path}: the HTML could not be read ({type(exc).__name__}: {exc})"
        ) from None
    page = PageSource(path, blocks_from_text(extracted or ""))
    if metadata is not None:
        # The metadata's `date` is not used: it is a publication date at best, and
        # trafilatura reads one from anything dated, even a DOI in the reference list.
        page.title = (metadata.title or "").strip()
        page.publisher = (metadata.sitename or "").strip()
        page.url = (metadata.url or "").strip()
    if not extracted:
        page.notes.append("no main content could be extracted from the HTML")
    return page


def blocks_from_text(text: str) -> list[Block]:
    blocks: list[Block] = []
    blank = True
    for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        if not line.strip():
            blank = True
            continue
        if blocks and not blank and _continues(blocks[-1], line):
            last = blocks[-1]
            raw = f"{last.raw} {line.strip()}"
            blocks[-1] = Block(inline_text(raw), raw, last.list_item, last.number)
            continue
        blank = False
        if re.fullmatch(r"\s*#{1,6}\s+.*", line):
            line = re.sub(r"^\s*#{1,6}\s+", "", line)  # a Markdown heading
        marker = _LIST_MARKER.match(line)
        number = _NUMBER.match(line)
        raw = line[marker.end() :] if marker else line.strip()
        words = inline_text(raw)
        if not words:
            continue
        blocks.append(
            Block(
                words,
                raw.strip(),
                list_item=marker is not None,
                number=int(next(g for g in number.groups() if g)) if number else None,
            )
        )
    return blocks


def _continues(previous: Block, line: str) -> bool:
    """A hard-wrapped line: the one before stops mid-sentence, this one goes on in lower
    case (a new sentence, heading or item starts otherwise)."""
    stripped = line.strip()
    return (
        not previous.raw.endswith((".", "!", "?", ":", '"', "”", ")"))
        and _LIST_MARKER.match(line) is None
        and stripped[:1].islower()
    )


_PARSER = None


def inline_text(raw: str) -> str:
    """The words of one line of Markdown or text: links, emphasis and escapes reduced
    to their text, invisible characters removed, blanks collapsed."""
    global _PARSER
    if _PARSER is None:
        from markdown_it import MarkdownIt

        _PARSER = MarkdownIt("commonmark")
    parts: list[str] = []
    for token in _PARSER.parseInline(raw):
        for child in token.children or []:
            if child.type in ("text", "code_inline", "html_inline"):
                parts.append(child.content)
            elif child.type in ("softbreak", "hardbreak"):
                parts.append(" ")
    return clean_text("".join(parts))


_INVISIBLE = re.compile("[\u200b-\u200f\u2060-\u2064\ufeff\u00ad]")


def clean_text(text: str) -> str:
    return " ".join(_INVISIBLE.sub("", text).split())
