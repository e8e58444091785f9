"""Safe fixes: the file says the same after them, only written the way the format wants.

Pure functions on values; edit.py applies them to the YAML tree.
"""

from __future__ import annotations

import datetime as dt
import re
from urllib.parse import unquote

from evidencelint.importer.dates import parse_date
from evidencelint.resolve.doi import check_doi

_INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff\u00ad]")
_ODD_BLANKS = re.compile("[\u00a0\u2000-\u200a\u202f\u205f\u3000\t]")
_DOI_PREFIX = re.compile(r"^(?:doi\s*:\s*|(?:https?://)?(?:dx\.|www\.)?doi\.org/)", re.IGNORECASE)


def tidy_text(value: str) -> str:
    """Invisible characters removed; non-breaking and other odd blanks made spaces; runs
    of blanks one space; none at either end. A line break is a blank like any other in a
    plain or quoted scalar."""
    text = _INVISIBLE.sub("", value)
    text = _ODD_BLANKS.sub(" ", text)
    return " ".join(text.split())


def bare_doi(value: str) -> str | None:
    """'https://doi.org/10.1016/J.X' -> '10.1016/J.X' (case kept), when the result is the
    same DOI the check reads; None when there is nothing to fix or it is not a DOI."""
    text = tidy_text(value).replace(" ", "") if _INVISIBLE.search(value) else value.strip()
    candidate = text
    for _ in range(2):
        stripped = _DOI_PREFIX.sub("", candidate, count=1).strip()
        if stripped != candidate and "doi.org/" in candidate.lower():
            stripped = unquote(stripped)
        candidate = stripped
    if candidate == value:
        return None
    expected = check_doi(value).normalised or check_doi(_INVISIBLE.sub("", value)).normalised
    if expected is None or check_doi(candidate).normalised != expected:
        return None
    return candidate


def iso_date(value: object) -> dt.date | None:
    """'March 5, 2024' / '5 March 2024' / '05/16/2023' -> that date; None when the value is
    already a date, or cannot be read without guessing (03/04/2024)."""
    if not isinstance(value, str):
        return None
    date, _ = parse_date(tidy_text(value))
    return date
