"""Loaded files validated against the content models.

A file that fails validation in one claim or one reference is not thrown away: the
faulty claims and references are reported and set aside, and the rest of the page is
still checked, so one typo does not hide every other finding on the page.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, ValidationError

from evidencelint.content.messages import schema_problems
from evidencelint.content.model import Bibliography, Page
from evidencelint.findings import Position
from evidencelint.load.positions import Path, SourceMap
from evidencelint.load.yaml_loader import LoadedYaml


@dataclass(frozen=True, slots=True)
class PageDoc:
    path: str
    page: Page
    source: SourceMap
    text: str
    claim_paths: tuple[Path, ...]
    """The source path of each claim in `page.claims` (claims set aside shift indexes)."""
    invalid_references: Mapping[str, Any]
    """References set aside for schema errors, as written: citing them is not
    'unresolved', whether by key or by author and year."""
    complete: bool
    """False when claims were set aside, so rules that need every claim stay silent."""
    unreadable: frozenset[str] = frozenset()
    """Page fields the file writes (perhaps under a misspelt key) that could not be
    read: their schema findings say why, and no rule reports them as missing."""
    written_keys: Mapping[str, str] = field(default_factory=dict)
    """Page field -> the misspelt key it was read from (`last_reviwed`), for positions."""

    def field_key(self, name: str) -> str:
        """The key under which the file writes page field `name`."""
        return self.written_keys.get(name, name)


@dataclass(frozen=True, slots=True)
class PageSummary:
    """What a run keeps of a page once its own checks are done: enough for the checks
    across pages, the review schedule and the counts, and little memory."""

    path: str
    id: str
    id_position: Position
    title: str
    status: str
    last_reviewed: dt.date | None
    next_review: dt.date | None
    reviewed_by: str | None
    claims: int
    references: int

    @classmethod
    def of(cls, doc: PageDoc) -> PageSummary:
        page = doc.page
        reviewers = page.reviewed_by
        return cls(
            path=doc.path,
            id=page.id,
            id_position=doc.source.value(("id",)),
            title=page.title,
            status=page.status.value,
            last_reviewed=page.last_reviewed,
            next_review=page.next_review,
            reviewed_by=", ".join(reviewers) if isinstance(reviewers, list) else reviewers,
            claims=len(page.claims),
            references=len(page.references) + len(doc.invalid_references),
        )


@dataclass(frozen=True, slots=True)
class BibliographyDoc:
    path: str
    bibliography: Bibliography
    source: SourceMap
    invalid_references: Mapping[str, Any]


Problems = list[tuple[Position, str]]


def validate_page(path: str, loaded: LoadedYaml) -> tuple[PageDoc | None, Problems]:
    data = loaded.data
    if not isinstance(data, dict):
        return None, [(Position(), _not_a_mapping(data, "page fields such as `id: ...`"))]
    if "references" in data and set(data) <= {"id", "references"}:
        return None, [
            (
                loaded.source.value(()),
                "this file holds only references: list it under `bibliographies` in the "
                "configuration to use it as a shared bibliography, or add the page fields "
                "(id, title, status, claims)",
            )
        ]
    model, problems, dropped_claims, dropped_refs = _validate(Page, data, loaded.source)
    if model is None:
        return None, problems
    assert isinstance(model, Page)
    claim_paths = tuple(
        ("claims", i) for i in range(len(data.get("claims") or [])) if i not in dropped_claims
    )
    return (
        PageDoc(
            path=path,
            page=model,
            source=loaded.source,
            text=loaded.text,
            claim_paths=claim_paths,
            invalid_references=_raw_references(data, dropped_refs),
            complete=not dropped_claims,
            unreadable=_unreadable(model, data),
            written_keys=_written_keys(model, data),
        ),
        problems,
    )


def validate_bibliography(path: str, loaded: LoadedYaml) -> tuple[BibliographyDoc | None, Problems]:
    data = loaded.data
    if not isinstance(data, dict):
        return None, [(Position(), _not_a_mapping(data, "`references:`"))]
    model, problems, _, dropped_refs = _validate(Bibliography, data, loaded.source)
    if model is None:
        return None, problems
    assert isinstance(model, Bibliography)
    return (
        BibliographyDoc(path, model, loaded.source, _raw_references(data, dropped_refs)),
        problems,
    )


def _validate(
    model: type[BaseModel], data: dict[str, Any], source: SourceMap
) -> tuple[BaseModel | None, Problems, set[int], set[str]]:
    try:
        return model.model_validate(data), [], set(), set()
    except ValidationError as exc:
        errors = exc.errors(include_url=False)
    problems = schema_problems(errors, source, model)
    repaired, dropped_claims = _repair_claims(data, errors)
    dropped_refs = {
        e["loc"][1]
        for e in errors
        if len(e["loc"]) > 1 and e["loc"][0] == "references" and isinstance(e["loc"][1], str)
    }
    fields = _salvage_fields(model, data, errors)
    if fields is None or not (dropped_claims or dropped_refs or fields or repaired):
        return None, problems, set(), set()
    salvaged = {k: v for k, v in data.items() if fields.get(k) is not _DROP}
    if repaired:
        salvaged["claims"] = [repaired.get(i, c) for i, c in enumerate(data["claims"])]
    salvaged.update({k: v for k, v in fields.items() if v is not _DROP})
    renamed = _misspelt(model, data, fields)
    if renamed:
        # `last_reviwed: 2020-01-10` is read as the date it was meant to be, so that
        # its review findings come in this run, not after the key is fixed.
        try:
            return (
                model.model_validate(
                    _without_broken(salvaged, dropped_claims, dropped_refs, data) | renamed
                ),
                problems,
                dropped_claims,
                dropped_refs,
            )
        except ValidationError:
            pass
    try:
        return (
            model.model_validate(_without_broken(salvaged, dropped_claims, dropped_refs, data)),
            problems,
            dropped_claims,
            dropped_refs,
        )
    except ValidationError:
        # The page itself is broken (its status, its id...): the problems above say how.
        return None, problems, dropped_claims, dropped_refs


_DROP: Any = object()
_STRICTEST_STATUS = "published"
"""A page whose status is unreadable is checked as strictly as a published one: a typo
in `status` must not turn its errors into warnings."""


def _salvage_fields(
    model: type[BaseModel], data: dict[str, Any], errors: list[Any]
) -> dict[str, Any] | None:
    """Stand-ins for the page-level (or bibliography-level) fields that failed, so that
    the claims, references and dates are still checked: an unknown key or a broken
    optional field is dropped (`_DROP`), a broken required one replaced. None when the
    structure itself is broken (claims or references not a list or mapping, an error
    about the whole page): nothing can be checked then."""
    fields: dict[str, Any] = {}
    for error in errors:
        loc = error["loc"]
        if not loc or not isinstance(loc[0], str):
            return None
        key = loc[0]
        if key in ("claims", "references"):
            if len(loc) == 1 or not isinstance(loc[1], int | str):
                return None
            continue  # one claim or reference: set aside by the caller
        info = model.model_fields.get(key)
        if info is None or not info.is_required():
            fields[key] = _DROP
        elif key == "status":
            fields[key] = _STRICTEST_STATUS
        elif key == "id":
            fields[key] = _stand_in_slug(data.get(key))
        elif key == "title":
            title = data.get(key)
            fields[key] = (
                title.strip() if isinstance(title, str) and title.strip() else "(no title)"
            )
        else:
            return None
    return fields


_CLAIM_EXTRAS = frozenset({"evidence", "last_reviewed"})
"""Claim fields that can be left out when broken without changing what the claim cites
or which findings apply to it."""


def _repair_claims(
    data: dict[str, Any], errors: list[Any]
) -> tuple[dict[int, dict[str, Any]], set[int]]:
    """Claims whose only errors are a broken `evidence` or `last_reviewed`, or broken
    entries of `ignore`, repaired by leaving those out (their schema findings say why;
    a suppression that cannot be read does not apply); the indexes of the others, which
    are set aside whole."""
    claims = data.get("claims")
    where: dict[int, list[tuple[Any, ...]]] = {}
    for error in errors:
        loc = error["loc"]
        if len(loc) > 1 and loc[0] == "claims" and isinstance(loc[1], int):
            where.setdefault(loc[1], []).append(tuple(loc[2:]))
    repaired: dict[int, dict[str, Any]] = {}
    dropped: set[int] = set()
    for index, subpaths in where.items():
        claim = claims[index] if isinstance(claims, list) and index < len(claims) else None
        fixable = isinstance(claim, dict) and all(
            (sub and sub[0] in _CLAIM_EXTRAS)
            or (len(sub) > 1 and sub[0] == "ignore" and isinstance(sub[1], int))
            for sub in subpaths
        )
        if not fixable or not isinstance(claim, dict):
            dropped.add(index)
            continue
        fixed = {
            k: v
            for k, v in claim.items()
            if k not in {sub[0] for sub in subpaths if sub[0] in _CLAIM_EXTRAS}
        }
        bad = {sub[1] for sub in subpaths if sub[0] == "ignore"}
        if bad and isinstance(claim.get("ignore"), list):
            fixed["ignore"] = [s for i, s in enumerate(claim["ignore"]) if i not in bad]
        repaired[index] = fixed
    return repaired, dropped


def _without_broken(
    salvaged: dict[str, Any], claims: set[int], refs: set[str], data: dict[str, Any]
) -> dict[str, Any]:
    """`salvaged` without the claims and references that failed."""
    salvaged = dict(salvaged)
    if claims and isinstance(salvaged.get("claims"), list):
        salvaged["claims"] = [c for i, c in enumerate(salvaged["claims"]) if i not in claims]
    if refs and isinstance(data.get("references"), Mapping):
        salvaged["references"] = {k: v for k, v in data["references"].items() if k not in refs}
    return salvaged


def _misspelt(
    model: type[BaseModel], data: dict[str, Any], fields: dict[str, Any]
) -> dict[str, Any]:
    """Unknown keys that are a close misspelling of an optional field the page does not
    set, as that field (the schema finding names the suggestion)."""
    optional = [n for n, info in model.model_fields.items() if not info.is_required()]
    renamed: dict[str, Any] = {}
    for key, value in fields.items():
        if value is not _DROP or key in model.model_fields:
            continue
        close = difflib.get_close_matches(str(key), optional, n=1)
        if close and close[0] not in data and close[0] not in renamed:
            renamed[close[0]] = data[key]
    return renamed


def _written_keys(model: BaseModel, data: dict[str, Any]) -> dict[str, str]:
    fields = type(model).model_fields
    unknown = [str(k) for k in data if k not in fields]
    keys: dict[str, str] = {}
    for name in fields:
        if name not in data and getattr(model, name) is not None:
            close = difflib.get_close_matches(name, unknown, n=1)
            if close:
                keys[name] = close[0]
    return keys


def _unreadable(model: BaseModel, data: dict[str, Any]) -> frozenset[str]:
    fields = type(model).model_fields
    unknown = [str(k) for k in data if k not in fields]
    return frozenset(
        name
        for name in fields
        if getattr(model, name) is None
        and (data.get(name) is not None or difflib.get_close_matches(name, unknown, n=1))
    )


def _stand_in_slug(value: Any) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", str(value or "").lower()).strip("-")
    return slug or "page-without-a-valid-id"


def _raw_references(data: dict[str, Any], keys: set[str]) -> dict[str, Any]:
    references = data.get("references")
    if not isinstance(references, Mapping):
        return {}
    return {key: references.get(key) for key in sorted(keys)}


def _not_a_mapping(data: Any, expected: str) -> str:
    got = "a list" if isinstance(data, list) else f"a single value ({str(data)[:40]!r})"
    return f"the file must be a mapping of {expected}, but it is {got}"
