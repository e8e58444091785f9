"""DOI normalisation and syntax.

A DOI is "10." + a registrant code of digits (possibly with dotted sub-codes) + "/" +
a suffix of any printable characters. Old SICI DOIs carry < > ; : # [ ] in their suffix
and are valid. DOIs compare case-insensitively.

Two spellings are refused although they fit that pattern, because a registry URL built
from them would name something else: a `.` or `..` segment (`10.9/x/../../works/10.1/y`,
which HTTP stacks collapse into another DOI) and an `/agency` or `/transform` segment
(the routes of the Crossref API that answer about a DOI rather than with its record).
No registered DOI is spelt so.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from urllib.parse import unquote

_PREFIXES = re.compile(
    r"^(?:doi\s*:\s*|(?:https?://)?(?:dx\.)?doi\.org/|https?://(?:www\.)?doi\.org/)",
    re.IGNORECASE,
)
_VALID = re.compile(r"^10\.\d{4,9}(?:\.\d+)*/\S+$")


@dataclass(frozen=True, slots=True)
class DoiCheck:
    normalised: str | None
    """Lower-cased bare DOI, or None when the text is not a DOI."""
    problem: str = ""


def normalise_doi(text: str) -> str | None:
    return check_doi(text).normalised


@functools.lru_cache(maxsize=1 << 16)
def written_doi(text: str) -> str:
    """The DOI as the file writes it, without its prefix but in its own case, for
    messages: an editor searching the file for it finds it."""
    candidate = _bare(text)
    return candidate if _VALID.match(candidate) and candidate.isprintable() else text.strip()


def _bare(text: str) -> str:
    raw = text.strip()
    candidate = raw
    for _ in range(2):  # 'doi: https://doi.org/10...' carries two prefixes
        candidate = _PREFIXES.sub("", candidate, count=1).strip()
    if "doi.org/" in raw.lower():
        candidate = unquote(candidate)
    return candidate


@functools.lru_cache(maxsize=1 << 16)
def check_doi(text: str) -> DoiCheck:
    candidate = _bare(text)
    if _VALID.match(candidate) and candidate.isprintable():
        route = _route_trick(candidate)
        if route:
            return DoiCheck(None, route)
        return DoiCheck(candidate.lower())
    return DoiCheck(None, _diagnose(candidate))


_ROUTES = ("agency", "transform")


def _route_trick(doi: str) -> str:
    """Why a DOI that fits the pattern would make a registry URL name something else."""
    segments = doi.partition("/")[2].split("/")
    if any(segment in (".", "..") for segment in segments):
        return "a DOI has no '.' or '..' segment between slashes; copy it from the publisher"
    if len(segments) > 1 and any(s.lower() in _ROUTES for s in segments[1:]):
        return (
            "a DOI has no '/agency' or '/transform' part (those are registry addresses); "
            "copy the DOI itself"
        )
    return ""


def _diagnose(candidate: str) -> str:
    if not candidate:
        return "the DOI is empty"
    if re.search(r"\s", candidate):
        return "a DOI contains no spaces or line breaks"
    if not candidate.isprintable():
        return "the DOI contains an invisible character (copied from a web page?); retype it"
    if candidate.isdigit():
        return "this looks like a PubMed id; put it in `pmid` and give the DOI here"
    if candidate.lower().startswith(("http://", "https://")):
        return "a web address other than https://doi.org/…; put it in `url`"
    if not candidate.startswith("10."):
        return "a DOI starts with '10.' followed by the registrant number"
    if "/" not in candidate:
        return "a DOI has a '/' between the registrant prefix and the suffix"
    prefix, _, suffix = candidate.partition("/")
    if not re.fullmatch(r"10\.\d{4,9}(?:\.\d+)*", prefix):
        return f"'{prefix}' is not a DOI prefix (10. followed by 4 to 9 digits)"
    if not suffix:
        return "the part after the '/' is missing"
    return "this is not a valid DOI"
