"""Unsafe fixes and suggestions: they read Crossref's records, so they may be wrong
about what the editor meant, and are applied only with --unsafe-fixes.

- a reference naming a journal and no DOI gets the one `query.bibliographic` finds with
  certainty (the rules of importer/discovery.py);
- a missing volume, issue or pages is taken from the DOI's record, when the record's title
  and first author agree with the reference (a DOI pointing at another work gives none);
- a Cochrane review with a later `.pubN`, or a record with `is-replaced-by`, gets a
  suggestion, never a change: the new version may say something else.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from evidencelint.content.model import Reference, ReferenceType
from evidencelint.findings import Severity
from evidencelint.fix.edit import Change
from evidencelint.importer.build import NO_DOI_PRINTED
from evidencelint.importer.discovery import Discoverer
from evidencelint.importer.references import ParsedReference
from evidencelint.resolve.doi import normalise_doi
from evidencelint.validators.matching import compare
from evidencelint.verify.record import WorkRecord, parse_work

if TYPE_CHECKING:
    from evidencelint.verify.client import CrossrefClient

_COCHRANE = re.compile(r"^(10\.1002/14651858\.cd\d+)(?:\.pub(\d+))?$")
MAX_PROBES = 5


class RegistryFixes:
    def __init__(self, client: CrossrefClient) -> None:
        self.client = client
        self.discoverer = Discoverer(client)

    def __call__(self, key: str, reference: Any, line: int) -> tuple[list[Change], list[Change]]:
        changes: list[Change] = []
        suggestions: list[Change] = []
        doi = reference.get("doi")
        if not isinstance(doi, str) or not doi.strip():
            if isinstance(reference.get("journal"), str):
                changes += self._find_doi(key, reference, line)
            return changes, suggestions
        normalised = normalise_doi(doi)
        if normalised is None:
            return changes, suggestions
        fetched = self.client.work(normalised)
        record = parse_work(fetched.data) if fetched.status == "ok" else None
        if record is None:
            return changes, suggestions
        changes += _fill_missing(key, reference, record, line)
        suggestions += self._newer(key, normalised, record, line)
        return changes, suggestions

    def _find_doi(self, key: str, reference: Any, line: int) -> list[Change]:
        parsed = _parsed(reference)
        if parsed is None:
            return []
        verdict = self.discoverer.verdict(parsed)
        if not verdict.taken:
            return []
        no_doi = reference.get("no_doi")
        if isinstance(no_doi, str) and no_doi.startswith(NO_DOI_PRINTED):
            # Written by `import`, and now wrong: the DOI takes its place and comments.
            position = list(reference.keys()).index("no_doi")
            comment = reference.ca.items.pop("no_doi", None)
            del reference["no_doi"]
            reference.insert(position, "doi", verdict.doi)
            if comment is not None:
                reference.ca.items["doi"] = comment
        else:
            _insert_after(reference, "doi", verdict.doi, ("pages", "issue", "volume", "year"))
        return [Change(line, "doi-found", f"'{key}': doi {verdict.doi} ({verdict.why})", False)]

    def _newer(self, key: str, doi: str, record: WorkRecord, line: int) -> list[Change]:
        newer = list(record.relations.get("is-replaced-by", ()))
        match = _COCHRANE.match(doi)
        if match is not None:
            base, number = match.group(1), int(match.group(2) or 1)
            for version in range(number + 1, number + 1 + MAX_PROBES):
                candidate = f"{base}.pub{version}"
                probe = self.client.work(candidate)
                if probe.status != "ok" or parse_work(probe.data) is None:
                    break
                newer.append(candidate)
        if not newer:
            return []
        return [
            Change(
                line,
                "newer-version",
                f"'{key}' has a newer version: {newer[-1]} (not applied: the new version may "
                "say something else; an editor reads it and decides)",
                False,
            )
        ]


def _parsed(reference: Any) -> ParsedReference | None:
    authors = reference.get("authors")
    title = reference.get("title")
    year = reference.get("year")
    if not isinstance(title, str) or not isinstance(authors, list) or not isinstance(year, int):
        return None
    names = [str(a) for a in authors if isinstance(a, str)]
    journal = reference.get("journal")
    journal = journal if isinstance(journal, str) else ""
    printed = ". ".join(p for p in (", ".join(names), title, journal, str(year)) if p)
    return ParsedReference(printed=printed, authors=names, title=title, journal=journal, year=year)


def _fill_missing(key: str, reference: Any, record: WorkRecord, line: int) -> list[Change]:
    title = reference.get("title")
    if not isinstance(title, str):
        return []
    authors = reference.get("authors")
    cited = Reference.model_construct(
        type=ReferenceType.JOURNAL_ARTICLE,
        authors=[str(a) for a in authors] if isinstance(authors, list) else None,
        title=title,
    )
    if any(
        m.field == "title" or (m.field == "authors" and m.severity is Severity.ERROR)
        for m in compare(cited, record)
    ):
        return []  # the DOI may point at another work: nothing is taken from its record
    changes: list[Change] = []
    values = {
        "volume": record.volume,
        "issue": record.issue,
        "pages": record.page or record.article_number,
    }
    for name, value in values.items():
        if value and reference.get(name) in (None, ""):
            _insert_after(reference, name, _quoted(value), _BEFORE[name])
            changes.append(
                Change(line, "from-record", f"'{key}': {name} {value} from the record", False)
            )
    return changes


_BEFORE = {
    "volume": ("year", "journal", "title"),
    "issue": ("volume", "year", "journal", "title"),
    "pages": ("issue", "volume", "year", "journal", "title"),
}


def _quoted(value: str) -> Any:
    from ruamel.yaml.scalarstring import DoubleQuotedScalarString

    return DoubleQuotedScalarString(value)


def _insert_after(mapping: Any, key: str, value: Any, after: tuple[str, ...]) -> None:
    keys = list(mapping.keys())
    position = len(keys)
    for name in after:
        if name in keys:
            position = keys.index(name) + 1
            break
    mapping.insert(position, key, value)
    if keys and position == len(keys):
        _move_trailing_comments(mapping, keys[-1], key)


def _move_trailing_comments(mapping: Any, old: str, new: str) -> None:
    """Comment lines after a mapping's last value belong to what follows it (ruamel.yaml
    hangs them on that value): they move to the new last key; an end-of-line comment on
    the old value's line stays there."""
    import copy

    entry = mapping.ca.items.get(old)
    if not entry or len(entry) < 3 or entry[2] is None:
        return
    token = entry[2]
    eol, _, rest = token.value.partition("\n")
    if not rest.strip():
        return
    moved = copy.copy(token)
    moved.value = "\n" + rest
    if eol.strip():
        token.value = eol + "\n"
    else:
        entry[2] = None
    mapping.ca.items[new] = [None, None, moved, None]
