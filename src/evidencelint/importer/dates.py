"""The page's review date, only when the page prints one as such.

`last_reviewed` is the last full medical review. A page's "Last reviewed on", "Medically
reviewed on" or "Last updated on" line gives it; a copyright year ("© 2025") or a bare
publication date ("Published on: 2/24/2026") never does (the content format's rules): a
publication date goes to `published`. A numeric date whose day and month could be
swapped (03/04/2023) is not guessed: it is quoted in a comment for the editor.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

_MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}
_MONTH = r"(?:" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_DATE = (
    rf"(?:{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}"  # September 20, 2022
    rf"|\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTH},?\s+\d{{4}}"  # 20 September 2022
    r"|\d{4}-\d{2}-\d{2}"  # 2022-09-20
    r"|\d{1,2}[/.]\d{1,2}[/.]\d{4})"  # 05/16/2023
)
_REVIEWED = re.compile(
    r"(?P<label>(?:last\s+|medically\s+)*(?:reviewed|updated|revised)(?:\s+(?:on|by\s+[^:\n]{1,80}?\s+on))?\s*:?)"
    rf"\s*(?P<date>{_DATE})",
    re.IGNORECASE,
)
_PUBLISHED = re.compile(
    rf"(?P<label>(?:first\s+)?published(?:\s+on)?\s*:?)\s*(?P<date>{_DATE})", re.IGNORECASE
)


@dataclass(frozen=True, slots=True)
class PrintedDate:
    printed: str
    """The words as printed, quoted in the YAML comment."""
    date: dt.date | None
    """None when the printed date cannot be read without guessing."""
    why_not: str = ""


def review_date(lines: list[str]) -> PrintedDate | None:
    """The latest printed review/update date (a page may print several)."""
    return _latest(lines, _REVIEWED)


def publication_date(lines: list[str]) -> PrintedDate | None:
    return _latest(lines, _PUBLISHED)


def _latest(lines: list[str], pattern: re.Pattern[str]) -> PrintedDate | None:
    found: list[PrintedDate] = []
    for line in lines:
        for match in pattern.finditer(line):
            printed = match.group(0).strip()
            date, why_not = parse_date(match.group("date"))
            found.append(PrintedDate(printed, date, why_not))
    if not found:
        return None
    dated = [f for f in found if f.date is not None]
    if dated:
        return max(dated, key=lambda f: f.date or dt.date.min)
    return found[0]


def parse_date(text: str) -> tuple[dt.date | None, str]:
    """A printed date as a date, or None and why it cannot be read."""
    text = text.strip().rstrip(".")
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            return dt.date.fromisoformat(text), ""
        numeric = re.fullmatch(r"(\d{1,2})[/.](\d{1,2})[/.](\d{4})", text)
        if numeric:
            first, second, year = (int(g) for g in numeric.groups())
            if first > 12 >= second:
                return dt.date(year, second, first), ""
            if second > 12 >= first:
                return dt.date(year, first, second), ""
            if first == second:
                return dt.date(year, first, second), ""
            return None, "day and month could be either way round"
        words = re.findall(r"[A-Za-z]+|\d+", text)
        month = next((_MONTHS[w.lower()] for w in words if w.lower() in _MONTHS), None)
        numbers = [int(w) for w in words if w.isdigit()]
        whole_year = next((n for n in numbers if n >= 1000), None)
        day = next((n for n in numbers if n < 1000), None)
        if month is None or whole_year is None or day is None:
            return None, "not a whole date"
        return dt.date(whole_year, month, day), ""
    except ValueError:
        return None, "not a real calendar date"
