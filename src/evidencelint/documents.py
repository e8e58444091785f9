"""Loaded files validated against the content models.

A file that fails validation in one claim or one reference is not thrown away: the
faulty claims and references are reported and set aside, and the rest of the page is
still checked, so one typo does not hide every other finding on the page.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ValidationError

from evidencelint.findings import Position
from evidencelint.loader import LoadedYaml
from evidencelint.model import Bibliography, Page
from evidencelint.schema_messages import schema_problems
from evidencelint.sourcemap import Path, SourceMap


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
    dropped_claims = {
        e["loc"][1]
        for e in errors
        if len(e["loc"]) > 1 and e["loc"][0] == "claims" and isinstance(e["loc"][1], int)
    }
    dropped_refs = {
        e["loc"][1]
        for e in errors
        if len(e["loc"]) > 1 and e["loc"][0] == "references" and isinstance(e["loc"][1], str)
    }
    if not dropped_claims and not dropped_refs:
        return None, problems, set(), set()
    salvaged = dict(data)
    if dropped_claims and isinstance(data.get("claims"), list):
        salvaged["claims"] = [c for i, c in enumerate(data["claims"]) if i not in dropped_claims]
    if dropped_refs and isinstance(data.get("references"), Mapping):
        salvaged["references"] = {
            k: v for k, v in data["references"].items() if k not in dropped_refs
        }
    try:
        return model.model_validate(salvaged), problems, dropped_claims, dropped_refs
    except ValidationError:
        # The page itself is broken (its status, its id...): the problems above say how.
        return None, problems, dropped_claims, dropped_refs


def _raw_references(data: dict[str, Any], keys: set[str]) -> dict[str, Any]:
    references = data.get("references")
    if not isinstance(references, Mapping):
        return {}
    return {key: references.get(key) for key in sorted(keys)}


def _not_a_mapping(data: Any, expected: str) -> str:
    got = "a list" if isinstance(data, list) else f"a single value ({str(data)[:40]!r})"
    return f"the file must be a mapping of {expected}, but it is {got}"
